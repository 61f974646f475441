"""Where an answer stands on doubtful data: the `data_quality` notes of an answer.

Doubtful facts load, flagged (`graph.consistency`: holders above 100 %, a holder restated
while the old row stays open, overlapping legal representatives). An answer that uses an
enterprise on a date inside such a period carries a note naming who, how much over and
from which lines; where dropping any one of the contradicting holdings would change the
controlling shareholder, control on that date is uncertain, never a guess (the control
rule makes those holdings doubtful: `queries.ownership.doubt_contradictions`).

>>> from credtrace.graph.memory import MemoryStore
>>> notes(MemoryStore(), ["X"], "2024-01-01")
[]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from credtrace.graph.consistency import Inconsistency, over_allocations, sole_role_overlaps
from credtrace.graph.model import Label, Rel
from credtrace.graph.store import Reader

CHECKED = (Rel.HOLDS_SHARES, Rel.LEGAL_REPRESENTATIVE)


def inconsistencies(store: Reader, uids: Sequence[str], on: str) -> list[Inconsistency]:
    """The inconsistencies about enterprises `uids` whose period covers `on`."""
    if not uids:
        return []
    edges = store.adjacent(list(uids), list(CHECKED), "in")
    found = over_allocations(e for e in edges if e.type == Rel.HOLDS_SHARES)
    found += sole_role_overlaps(edges)
    return [i for i in found if i.covers(on)]


def as_note(found: Inconsistency, kinds: Mapping[str, str]) -> dict[str, Any]:
    """An inconsistency as an answer's note: kind, enterprise, period, total and how much
    over 100 %, the facts with their lines and each party's kind (`kinds`: key -> node
    kind; a party the reader's store does not show is taken for a person, so its key is
    masked like one), and one sentence."""
    over = None if found.total is None else round(found.total - 100.0, 4)
    facts = [{**{k: v for k, v in f.items() if k != "key"},  # unseen: masked as a person
              "party_kind": kinds.get(f["party"], Label.PERSON).lower()} for f in found.facts]
    return {"kind": found.kind, "enterprise": found.enterprise, "from": found.start,
            "until": found.end, "total": found.total, "over_by": over, "facts": facts,
            "note": found.describe()}


def notes(store: Reader, uids: Sequence[str], on: str) -> list[dict[str, Any]]:
    """The `data_quality` notes about enterprises `uids` on `on` (the parties' kinds are
    read only when there is a note)."""
    found = inconsistencies(store, uids, on)
    parties = {f["party"] for i in found for f in i.facts}
    kinds = store.kinds(parties) if parties else {}
    return [as_note(i, kinds) for i in found]


def with_notes(quality: Sequence[dict[str, Any]],
               found: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """An answer's `data_quality` notes with the notes `found` first (each note once)."""
    return [*found, *(n for n in quality if n not in found)]


def chain_notes(store: Reader, uscc: str, chain: Sequence[dict[str, Any]],
                on: str) -> list[dict[str, Any]]:
    """The notes about `uscc` and the enterprises of its control `chain` on `on`. Where an
    inconsistency can change who controls, the control rule itself has already made the
    holdings doubtful (`queries.ownership.doubt_contradictions`)."""
    uids = list(dict.fromkeys([uscc, *(s["enterprise"] for s in chain if "enterprise" in s)]))
    return notes(store, uids, on)
