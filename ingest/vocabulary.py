"""Registry vocabularies as data: the words registries use for enterprise kinds, statuses
and role titles, mapped to credtrace's canonical values by CSV files in `ingest/data/`
(`enterprise_kinds.csv`, `enterprise_statuses.csv`, `role_titles.csv`: `term,canonical`).

A term matches after normalisation (full-width to half-width, case, spaces, `_`/`-`); a
Chinese kind with a parenthesised qualifier matches its base term when the whole does not.

>>> canonical("enterprise_kinds", "有限责任公司（自然人投资或控股）")
'company'
>>> canonical("enterprise_statuses", "吊销，未注销"), canonical("role_titles", "Executive_Director")
('revoked', 'director')
>>> canonical("enterprise_kinds", "trust") is None
True
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import cache
from importlib import resources

_SEPARATORS = re.compile(r"[\s_\-]+")
_QUALIFIER = re.compile(r"\(.*$")


def normalised(term: str) -> str:
    """The form terms are compared in."""
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", term).lower()).strip()


@cache
def vocabulary(name: str) -> dict[str, str]:
    """Normalised term -> canonical value, from `ingest/data/<name>.csv`."""
    text = resources.files("credtrace.ingest.data").joinpath(f"{name}.csv").read_text("utf-8")
    return {normalised(row["term"]): row["canonical"] for row in csv.DictReader(io.StringIO(text))}


def canonical(name: str, term: str) -> str | None:
    """The canonical value of `term` in vocabulary `name`, None when it is not listed."""
    words = vocabulary(name)
    key = normalised(term)
    found = words.get(key)
    if found is None and "(" in key:
        found = words.get(_QUALIFIER.sub("", key).strip())
    return found
