import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

import credtrace.ingest.identifiers as ids
from credtrace.graph.personal import mask_id
from credtrace.ingest.identifiers import (
    REGIONS,
    USCC_ALPHABET,
    IdentifierError,
    Sex,
    make_ric,
    make_uscc,
    org_code_check_char,
    uscc_check_char,
    validate_ric,
    validate_uscc,
)

TODAY = date(2026, 11, 1)
ZHONGYUAN_1970 = "410102197001010013"  # Zhengzhou Zhongyuan district, a code from 1983



def test_known_uscc_and_normalisation() -> None:
    assert validate_uscc("91110000600037341L") == "91110000600037341L"
    assert validate_uscc(" 9111-0000 6000 3734 1l ") == "91110000600037341L"
    assert org_code_check_char("60003734") == "1"  # the embedded organisation code


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("91110000600037341A", "check character is 'A', expected 'L'"),
        ("9111000060003734", "must have 18 characters, got 16"),
        ("A1110000600037341L", "character 1 must be a digit"),
        ("91110000I00037341L", "character 9 is 'I'"),
        ("", "got 0"),
    ],
)
def test_uscc_rejections_say_why(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=reason):
        validate_uscc(value)


def test_anachronistic_region_accepted_without_warning() -> None:
    assert not ric.is_valid(ZHONGYUAN_1970)  # stdnum alone rejects it
    result = validate_ric(ZHONGYUAN_1970, today=TODAY)
    assert result.birth_date == date(1970, 1, 1) and result.sex == "male"
    assert result.warnings == ()  # the region where the number was issued: normal


def test_unknown_region_accepted_with_warning() -> None:
    number = make_ric(random.Random(0), "419999", date(1990, 5, 5), "female")
    assert "not a known" in validate_ric(number, today=TODAY).warnings[0]


def test_current_region_has_no_warning() -> None:
    assert validate_ric("410105198506010020", today=TODAY).warnings == ()


def test_x_check_digit_lower_case() -> None:
    result = validate_ric("41010519850601008x", today=TODAY)
    assert result.value == "41010519850601008X"
    assert result.sex == "female"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("410105198506010021", "check digit is '1', expected '0'"),
        ("41010519850601002", "must have 18 characters"),
        ("41010519850601A020", "character 15 must be a digit"),
        ("41010519850601002Y", "must be 0-9 or X"),
    ],
)
def test_ric_rejections_say_why(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=reason):
        validate_ric(value, today=TODAY)


@pytest.mark.parametrize(
    ("birth", "reason"), [("19990230", "not a date"), ("20270101", "impossible"),
                          ("18791231", "impossible")]
)
def test_impossible_birth_dates_rejected(birth: str, reason: str) -> None:
    body = f"410105{birth}001"
    with pytest.raises(IdentifierError, match=reason):
        validate_ric(body + ric.calc_check_digit(body + "0"), today=TODAY)


def test_mask_id() -> None:
    assert mask_id("41010519850601008X") == "4101**********008X"
    assert mask_id("91110000600037341L") == "9111**********341L"
    assert mask_id("AB") == "**"
    assert mask_id("") == ""


def test_generators_reject_bad_region() -> None:
    with pytest.raises(ValueError, match="6-digit"):
        make_uscc(random.Random(0), "4101")
    with pytest.raises(ValueError, match="6-digit"):
        make_ric(random.Random(0), "41010a", date(1980, 1, 1), "male")


seeds = st.integers(min_value=0, max_value=2**32)
regions = st.sampled_from([r.code for r in REGIONS])
births = st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31))
uscc_kinds = st.sampled_from(["91", "92", "93", "12", "51", "52", "53"])
established = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 1, 1))


@given(seeds, regions, uscc_kinds, established)
def test_generated_uscc_validates(seed: int, region: str, kind: str, est: date | None) -> None:
    code = make_uscc(random.Random(seed), region, authority=kind[0], entity_type=kind[1],
                     established=est)
    assert validate_uscc(code) == code
    assert code[:8] == kind + region
    assert org_code_check_char(code[8:16]) == code[16]


@given(seeds, regions, births, st.sampled_from(["male", "female"]))
def test_generated_ric_validates(seed: int, region: str, birth: date, sex: Sex) -> None:
    number = make_ric(random.Random(seed), region, birth, sex)
    result = validate_ric(number, today=TODAY)
    assert (result.value, result.birth_date, result.sex) == (number, birth, sex)


substitutes = st.characters(codec="utf-8", exclude_categories=["Cs"])


def _substitute(value: str, pos: int, char: str) -> str:
    return value[:pos] + char + value[pos + 1:]


@given(seeds, regions, st.integers(0, 17), substitutes)
def test_uscc_single_substitution_rejected(seed: int, region: str, pos: int, char: str) -> None:
    code = make_uscc(random.Random(seed), region)
    changed = _substitute(code, pos, char)
    if ids.normalize_uscc(changed) == code:
        return  # e.g. the same letter in lower case, or a full-width digit
    with pytest.raises(IdentifierError):
        validate_uscc(changed)


@given(seeds, regions, births, st.integers(0, 17), substitutes)
def test_ric_single_substitution_rejected(
    seed: int, region: str, birth: date, pos: int, char: str
) -> None:
    number = make_ric(random.Random(seed), region, birth, "male")
    changed = _substitute(number, pos, char)
    if ric.compact(changed) == number:
        return  # e.g. x for X, or a full-width digit
    with pytest.raises(IdentifierError):
        validate_ric(changed, today=TODAY)


@given(st.text(alphabet=USCC_ALPHABET + "-", max_size=40))
def test_mask_keeps_length_and_ends(value: str) -> None:
    masked = mask_id(value)
    assert len(masked) == len(value)
    keep = 4 if len(value) >= 12 else 1 if len(value) > 4 else 0
    assert masked[:keep] == value[:keep] and masked[len(value) - keep:] == value[len(value) - keep:]
    assert masked.count("*") >= len(value) - 2 * keep


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_uscc_check_char_is_stdnums(body: str) -> None:
    assert uscc_check_char(body) == uscc.calc_check_digit(body)
