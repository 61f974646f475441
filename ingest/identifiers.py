"""Chinese identifiers: USCC (GB 32100-2015) and citizen ID numbers (GB 11643-1999).

Validation wraps ``stdnum.cn.uscc`` and ``stdnum.cn.ric`` but explains every rejection in
English and, unlike ``stdnum.cn.ric.validate``, accepts a region code that did not exist in
the birth year (codes are those of the registration when the number was issued); only a
code unknown altogether warns. Generators produce valid identifiers for synthetic data.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from stdnum import numdb
from stdnum.cn import ric, uscc

Sex = Literal["male", "female"]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""Characters allowed in a USCC (digits and upper-case letters except I, O, Z, S, V)."""

EARLIEST_BIRTH = date(1880, 1, 1)
"""Birth dates before this are rejected as impossible for a living registrant."""

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_PREFIX = {"9": "MA", "5": "MJ"}
_NEW_ORG_CODES = date(2015, 10, 1)


class IdentifierError(ValueError):
    """An identifier was rejected; the message says why in plain English."""


class Region(NamedTuple):
    """A real administrative division (GB/T 2260) used for synthetic identifiers."""

    code: str
    province: str
    city: str
    district: str

    @property
    def name(self) -> str:
        """As written in names and addresses: ``郑州市金水区``, but ``中牟县``, ``登封市``."""
        return self.district if self.district[-1:] in ("县", "市") else self.city + self.district


REGIONS: tuple[Region, ...] = (
    Region("410100", "河南省", "郑州市", ""),
    Region("410102", "河南省", "郑州市", "中原区"),
    Region("410103", "河南省", "郑州市", "二七区"),
    Region("410104", "河南省", "郑州市", "管城回族区"),
    Region("410105", "河南省", "郑州市", "金水区"),
    Region("410106", "河南省", "郑州市", "上街区"),
    Region("410108", "河南省", "郑州市", "惠济区"),
    Region("410122", "河南省", "郑州市", "中牟县"),
    Region("410181", "河南省", "郑州市", "巩义市"),
    Region("410182", "河南省", "郑州市", "荥阳市"),
    Region("410183", "河南省", "郑州市", "新密市"),
    Region("410184", "河南省", "郑州市", "新郑市"),
    Region("410185", "河南省", "郑州市", "登封市"),
    Region("410202", "河南省", "开封市", "龙亭区"),
    Region("410305", "河南省", "洛阳市", "涧西区"),
    Region("410702", "河南省", "新乡市", "红旗区"),
    Region("110105", "北京市", "北京市", "朝阳区"),
    Region("310115", "上海市", "上海市", "浦东新区"),
    Region("440106", "广东省", "广州市", "天河区"),
    Region("420106", "湖北省", "武汉市", "武昌区"),
    Region("610113", "陕西省", "西安市", "雁塔区"),
    Region("370102", "山东省", "济南市", "历下区"),
    Region("130102", "河北省", "石家庄市", "长安区"),
    Region("340104", "安徽省", "合肥市", "蜀山区"),
)
"""Real region codes: Zhengzhou (city level and its districts, counties and county-level
cities), other Henan cities, and districts of other provincial capitals."""

ZHENGZHOU: tuple[Region, ...] = tuple(r for r in REGIONS if r.code.startswith("4101"))


@dataclass(frozen=True, slots=True)
class RicResult:
    """A validated citizen ID number with the facts it encodes."""

    value: str
    birth_date: date
    sex: Sex
    warnings: tuple[str, ...] = ()


def normalize_uscc(value: str) -> str:
    """Strip, upper-case and remove spaces and hyphens.

    >>> normalize_uscc(' 91110000-600037341l ')
    '91110000600037341L'
    """
    if len(value) == 18 and value.isascii() and value.isalnum():  # the usual case, fast
        return value.upper()
    return uscc.compact(value)


_USCC_VALUE = {char: value for value, char in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def uscc_check_char(body: str) -> str:
    """The check character of a USCC's 17 first characters (GB 32100-2015: weights 3^i
    mod 31): `stdnum.cn.uscc.calc_check_digit`'s arithmetic without its re-cleaning of the
    input on every call, which costs more than the sum (property-tested equal).

    >>> uscc_check_char('91110000600037341')
    'L'
    """
    total = sum(_USCC_VALUE[c] * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[-total % 31]


@functools.lru_cache(maxsize=1 << 18)  # references repeat a lot within a bundle
def validate_uscc(value: str) -> str:
    """Return the canonical USCC or raise :class:`IdentifierError` saying what is wrong.

    >>> validate_uscc('91110000600037341l')
    '91110000600037341L'
    >>> validate_uscc('91110000600037341A')
    Traceback (most recent call last):
    ...
    credtrace.ingest.identifiers.IdentifierError: USCC check character is 'A', expected 'L'
    """
    number = normalize_uscc(value)
    if len(number) != 18:
        raise IdentifierError(f"USCC must have 18 characters, got {len(number)}")
    for pos, char in enumerate(number, start=1):
        if pos <= 8 and char not in "0123456789":
            raise IdentifierError(f"USCC character {pos} must be a digit, got {char!r}")
        if char not in USCC_ALPHABET:
            raise IdentifierError(
                f"USCC character {pos} is {char!r}, not a digit or a letter other than I O Z S V"
            )
    expected = uscc_check_char(number[:17])
    if number[17] != expected:
        raise IdentifierError(f"USCC check character is {number[17]!r}, expected {expected!r}")
    return number


def validate_ric(value: str, *, today: date | None = None) -> RicResult:
    """Validate an 18-character citizen ID number (check digit, birth date, region).

    A region code unknown altogether is accepted with a warning; one that came into use
    after the birth year is accepted silently (the region where the number was issued).

    >>> r = validate_ric('410102197001010013')
    >>> r.value, r.birth_date.year, r.sex
    ('410102197001010013', 1970, 'male')
    >>> r.warnings
    ()
    """
    number = value.upper() if len(value) == 18 and value.isascii() else ric.compact(value)
    if len(number) != 18:
        raise IdentifierError(f"ID number must have 18 characters, got {len(number)}")
    for pos, char in enumerate(number[:17], start=1):
        if char not in "0123456789":
            raise IdentifierError(f"ID number character {pos} must be a digit, got {char!r}")
    if number[17] not in "0123456789X":
        raise IdentifierError(f"ID number check digit must be 0-9 or X, got {number[17]!r}")
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise IdentifierError(f"ID number check digit is {number[17]!r}, expected {expected!r}")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentifierError(f"ID number birth date {number[6:14]} is not a date") from None
    if not EARLIEST_BIRTH <= birth <= (today or date.today()):
        raise IdentifierError(f"ID number birth date {birth.isoformat()} is impossible")
    sex: Sex = "male" if int(number[16]) % 2 else "female"
    return RicResult(number, birth, sex, _region_warnings(number[:6]))


@functools.lru_cache(maxsize=65536)
def _region_warnings(code: str) -> tuple[str, ...]:
    """A warning when the region code is no administrative division at all (cached: the
    region table is slow). A code newer than the birth year is normal: the number carries
    the region of its registration when it was issued, so that is no warning."""
    if any("county" in p for _, p in numdb.get("cn/loc").info(code)):
        return ()
    return (f"region code {code} is not a known administrative division",)


def org_code_check_char(body: str) -> str:
    """Check character of an 8-character organisation code body (GB 11714-1997).

    >>> org_code_check_char('60003734')
    '1'
    """
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make_org_code(rng: random.Random, authority: str = "9", *, legacy: bool = False) -> str:
    """Random valid 9-character organisation code as embedded in a USCC.

    Legacy codes (before the USCC reform of October 2015) are numeric; newer codes issued
    by market regulators start with ``MA``, those of civil affairs with ``MJ``.

    >>> code = make_org_code(random.Random(1))
    >>> code[:2], org_code_check_char(code[:8]) == code[8]
    ('MA', True)
    """
    prefix = "" if legacy else _ORG_PREFIX.get(authority, "")
    alphabet = "0123456789" if legacy or not prefix else USCC_ALPHABET
    body = prefix + "".join(rng.choice(alphabet) for _ in range(8 - len(prefix)))
    return body + org_code_check_char(body)


def make_uscc(
    rng: random.Random,
    region: str,
    *,
    authority: str = "9",
    entity_type: str = "1",
    established: date | None = None,
) -> str:
    """Random valid USCC: authority, entity type, region, organisation code, check character.

    Authority codes: 1 机构编制, 5 民政, 9 工商 (market regulation); entity types under 9:
    1 enterprise, 2 individual business, 3 farmers' cooperative. A date before October 2015
    gives a legacy numeric organisation code.

    >>> code = make_uscc(random.Random(7), '410105', entity_type='2')
    >>> code[:8], validate_uscc(code) == code
    ('92410105', True)
    """
    _check_region(region)
    legacy = established is not None and established < _NEW_ORG_CODES
    body = authority + entity_type + region + make_org_code(rng, authority, legacy=legacy)
    return body + uscc_check_char(body)


def _check_region(region: str) -> None:
    if len(region) != 6 or any(c not in "0123456789" for c in region):
        raise ValueError(f"region must be a 6-digit code, got {region!r}")


def make_ric(rng: random.Random, region: str, birth_date: date, sex: Sex) -> str:
    """Random valid citizen ID number; the sequence's last digit is odd for men.

    >>> number = make_ric(random.Random(3), '410105', date(1985, 6, 1), 'female')
    >>> number[:14], validate_ric(number).sex
    ('41010519850601', 'female')
    """
    _check_region(region)
    sex_digit = rng.randrange(1 if sex == "male" else 0, 10, 2)
    body = f"{region}{birth_date:%Y%m%d}{rng.randrange(100):02d}{sex_digit}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character
