"""Where an answer stands on doubtful data: the `data_quality` notes of an answer.

Doubtful facts load, flagged (`graph.consistency`: holders above 100 %, a holder restated
while the old row stays open, overlapping legal representatives). An answer that uses an
enterprise on a date inside such a period carries a note naming who, how much over and
from which lines; where dropping any one of the contradicting holdings would change the
controlling shareholder, control on that date is uncertain, never a guess.

>>> from graph.memory import MemoryStore
>>> notes(MemoryStore(), ["X"], "2024-01-01")
[]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.consistency import Inconsistency, over_allocations, sole_role_overlaps
from graph.store import Store
from queries.ownership import (
    ControllerAnswer,
    actual_controller,
    controlling_shareholder,
    holdings_into,
    shareholding_step,
)

CHECKED = ("HOLDS_SHARES", "LEGAL_REPRESENTATIVE")


def inconsistencies(store: Store, uids: Sequence[str], on: str) -> list[Inconsistency]:
    """The inconsistencies about enterprises `uids` whose period covers `on`."""
    if not uids:
        return []
    edges = store.adjacent(list(uids), list(CHECKED), "in")
    found = over_allocations(e for e in edges if e.type == "HOLDS_SHARES")
    found += sole_role_overlaps(edges)
    return [i for i in found if i.covers(on)]


def as_note(found: Inconsistency) -> dict[str, Any]:
    """An inconsistency as an answer's note: kind, enterprise, period, total and how much
    over 100 %, the facts with their lines, and one sentence."""
    over = None if found.total is None else round(found.total - 100.0, 4)
    return {"kind": found.kind, "enterprise": found.enterprise, "from": found.start,
            "until": found.end, "total": found.total, "over_by": over,
            "facts": [{k: v for k, v in f.items() if k != "key"} for f in found.facts],
            "note": found.describe()}


def notes(store: Store, uids: Sequence[str], on: str) -> list[dict[str, Any]]:
    """The `data_quality` notes about enterprises `uids` on `on`."""
    return [as_note(i) for i in inconsistencies(store, uids, on)]


def control_alternatives(store: Store, uscc: str, on: str,
                         found: Sequence[Inconsistency]) -> tuple[str | None, set[str]]:
    """Who controls `uscc` on `on` as the data stand (holder key, "" for nobody), and who
    else would if one of the contradicting holdings `found` names were wrong."""
    doubtful = {f["key"] for i in found if i.enterprise == uscc and i.kind == "over_100"
                for f in i.facts}
    if not doubtful:
        return None, set()
    edges = holdings_into(store, [uscc], on)

    def holder(without: str | None) -> str:
        control = controlling_shareholder(store, uscc, on,
                                          [e for e in edges if e.eid != without])
        return control.holder if control else ""

    given = holder(None)
    return given, {holder(key) for key in sorted(doubtful)} - {given}


def control_doubt(store: Store, uscc: str, on: str,
                  found: Sequence[Inconsistency]) -> str | None:
    """Why control of `uscc` on `on` is uncertain, when one of the contradicting holdings
    `found` names, left out, would change the controlling shareholder; else None."""
    _, others = control_alternatives(store, uscc, on, found)
    if not others:
        return None
    which = next(i for i in found if i.enterprise == uscc and i.kind == "over_100")
    return f"data quality: {which.describe()}; control depends on which row is right"


def alternative_controllers(store: Store, uscc: str, on: str) -> list[ControllerAnswer]:
    """The natural persons who would be the actual controller of `uscc` on `on` if one of
    its contradicting holdings were wrong: each as a controller answer whose chain starts
    with that holding."""
    _, others = control_alternatives(store, uscc, on, inconsistencies(store, [uscc], on))
    found = []
    for holder in sorted(o for o in others if o):
        node = store.get_node(holder)
        if node is None:
            continue
        edge = next(e for e in holdings_into(store, [uscc], on) if e.source == holder)
        step = {**shareholding_step(edge, {holder: node}), "rule": "if the other row is wrong"}
        if node.kind == "Person":
            found.append(ControllerAnswer(node, False, [step], "person"))
            continue
        above = actual_controller(store, holder, on)
        if above.controller is not None and above.controller.kind == "Person":
            found.append(ControllerAnswer(above.controller, False, [step, *above.chain],
                                          "person"))
    return found


def control_quality(store: Store, uscc: str, chain: Sequence[dict[str, Any]],
                    on: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The notes about `uscc` and the enterprises of its control `chain` on `on`, and for
    each of them whose control the notes make uncertain, why."""
    uids = list(dict.fromkeys([uscc, *(s["enterprise"] for s in chain if "enterprise" in s)]))
    found = inconsistencies(store, uids, on)
    doubts = {uid: why for uid in uids if (why := control_doubt(store, uid, on, found))}
    return [as_note(i) for i in found], doubts
