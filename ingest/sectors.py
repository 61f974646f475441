"""The sector (行业/领域) of a measure, as the words registries use mapped to a code by
data (`ingest/data/sectors.csv`). Some rules apply per sector: Order No. 58's one-year
minimum for special equipment, work safety and fire penalties (docs/law.md).

>>> sector("特种设备"), sector(" 消防 "), sector("FIRE"), sector(""), sector("渔业")
('special_equipment', 'fire', 'fire', None, '渔业')
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

FILE = "sectors.csv"


@cache
def vocabulary() -> dict[str, str]:
    """Every accepted word (Chinese or the code itself) to its sector code."""
    text = resources.files("credtrace.ingest.data").joinpath(FILE).read_text("utf-8")
    return {row["word"].strip().lower(): row["sector"].strip()
            for row in csv.DictReader(text.splitlines())}


def codes() -> frozenset[str]:
    """The sector codes the vocabulary knows."""
    return frozenset(vocabulary().values())


def sector(raw: str | None) -> str | None:
    """The code of a sector word; a word the vocabulary lacks is kept as given (nothing
    lost: no sector-specific rule applies to it), empty is None."""
    word = (raw or "").strip()
    return vocabulary().get(word.lower(), word) if word else None
