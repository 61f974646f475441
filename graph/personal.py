"""Personal identifiers: recognising a citizen ID number and masking an identifier.

Both the API's redaction (`queries.privacy`) and ingestion use these, so they live at the
bottom layer. Recognition is a cheap format test (18 characters, a plausible birth date, the
ISO 7064 MOD 11-2 check character), not the full validation of `ingest.identifiers`.

>>> is_citizen_id("410105197503120318"), is_citizen_id("914101057123456728")
(True, False)
>>> mask_id("41010219700101001X")
'4101**********001X'
"""

from __future__ import annotations

import re

from stdnum.cn import ric  # the same ISO 7064 MOD 11-2 check that ingestion validates

_RIC = re.compile(r"^[1-8]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]$")
_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[1-8]\d{16}[\dX](?![0-9A-Za-z])")


def is_citizen_id(value: str) -> bool:
    """Whether `value` has the form of a citizen ID number: region digits, a birth date
    between 1800 and 2099 and a matching check character."""
    return bool(_RIC.match(value)) and ric.calc_check_digit(value) == value[17]


def citizen_ids_in(text: str) -> list[str]:
    """The citizen ID numbers written anywhere in `text` (not inside a longer code).

    >>> citizen_ids_in("410105197503120318 left; 9141010571234567280 is no ID")
    ['410105197503120318']
    """
    return [m for m in _IN_TEXT.findall(text) if is_citizen_id(m)]


def mask_id(value: str) -> str:
    """Mask an identifier for display, keeping its length and a few characters at each end.

    18+ characters keep 4 at each end, 5 to 11 keep the first and last, 4 or fewer are
    hidden. A scheme prefix (``passport:``) is kept and the number after it masked.

    >>> mask_id('E12345678'), mask_id('ABCD'), mask_id('passport:E12345678')
    ('E*******8', '****', 'passport:E*******8')
    """
    scheme, colon, number = value.rpartition(":")
    n = len(number)
    keep = 4 if n >= 12 else 1 if n > 4 else 0
    hidden = "*" * n if keep == 0 else number[:keep] + "*" * (n - 2 * keep) + number[-keep:]
    return scheme + colon + hidden
