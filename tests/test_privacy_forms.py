"""Free-text masking holds for every written form of a citizen ID number: case of the x,
grouping by spaces or hyphens, full-width digits, glued to Latin letters or Chinese
(property-tested: any valid number, any mix of forms, any surrounding text)."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from credtrace.graph.personal import is_citizen_id
from credtrace.queries.privacy import masked, redact

KEY = b"test-key"
SEPARATORS = ["", "", "", " ", "-", "  ", "\u3000", "\uff0d", "\u2013", " - "]
AROUND = st.text(alphabet=st.sampled_from("IDNoidno:：，, 身份证号码张伟（）()#"), max_size=8)


@st.composite
def citizen_ids(draw: st.DrawFn) -> str:
    region = draw(st.integers(110000, 829999))
    born = date(1930, 1, 1) + timedelta(days=draw(st.integers(0, 29_000)))
    stem = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return next(stem + c for c in "0123456789X" if is_citizen_id(stem + c))


def spelled(number: str, draw: st.DrawFn) -> str:
    """`number` written by hand: each character full width or not, x in either case, and
    separators between characters."""
    out = []
    for i, ch in enumerate(number):
        if ch == "X":
            ch = draw(st.sampled_from(["X", "x", "\uff38", "\uff58"]))
        elif draw(st.booleans()):
            ch = chr(ord(ch) - ord("0") + 0xFF10)  # full width
        out.append(ch)
        if i < len(number) - 1:
            out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


def digits_only(text: str) -> str:
    return "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None
                   else "X" if c in "xX\uff38\uff58" else "" for c in text)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), number=citizen_ids(), before=AROUND, after=AROUND)
def test_every_written_form_is_masked(data: st.DataObject, number: str, before: str,
                                      after: str) -> None:
    text = before + spelled(number, data.draw) + after
    out = redact({"note": text, "legal_basis": text, "name": text},
                 reveal_ids=False, key=KEY)
    for value in out.values():
        assert number[4:14] not in digits_only(value), (text, value)
        assert masked(number, KEY) in value


def test_the_issues_forms() -> None:
    lina, xid = "410105198207070429", "41010219700101003X"
    for number, text in [(xid, "41010219700101003x 提出异议"), (lina, "410105 198207 070429"),
                         (lina, "4101-0519-8207-0704-29"),
                         (lina, "４１０１０５１９８２０７０７０４２９"), (lina, f"ID{lina}"),
                         (xid, f"passport{xid}"), (lina, f"No.{lina}abc")]:
        out = redact({"note": text}, reveal_ids=False, key=KEY)["note"]
        assert masked(number, KEY) in out and number[4:14] not in digits_only(out), (text, out)


def test_numbers_that_are_not_ids_stay() -> None:
    text = "电话 0371-6588 1234，金额 1,234,567.89 元，统一社会信用代码 914101057123456728"
    assert redact({"note": text}, reveal_ids=False, key=KEY) == {"note": text}
