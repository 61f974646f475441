"""The key of an identifier node, shared by the load that indexes identifiers and the
queries that resolve them (`queries.common.resolve`).

>>> identifier_key(" gb-coh:xe 9999 ")
'id:GB-COH:XE9999'
"""

from __future__ import annotations

import unicodedata


def identifier_key(value: str) -> str:
    """`id:` and the value in one canonical form (half-width, upper-case, no spaces)."""
    return "id:" + "".join(unicodedata.normalize("NFKC", value).upper().split())
