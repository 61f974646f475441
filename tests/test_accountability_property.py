"""No candidate silently dropped, none certain on a guess: random ownership graphs (share
ranges, ties, cycles, declared controllers with known or unknown intervals) and legal
representatives with random intervals go through real ingestion into each store; the
persons `accountable` reaches or lists as uncertain are compared with brute-force control
(`tests.test_control_property.brute`) and with the role intervals."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from credtrace.graph import Store
from credtrace.queries.accountability import accountable
from credtrace.queries.control import ControlGraph
from tests.builders import Bundle
from tests.test_control_property import FIRMS, PERSONS, brute, graphs

CONDUCT = "2021-06-15"
START = "2021-09-01"
FOUNDED = "2010-01-01"
#: Legal-representative intervals: (start, end, may hold at the conduct, certainly holds).
INTERVALS = [
    (FOUNDED, "", True, True), (FOUNDED, "2021-06-01", False, False), ("", "", True, False),
    ("2021-07-01", "", False, False), ("", "2020-01-01", False, False),
    ("2021-06-15", "", True, True), (FOUNDED, "2021-06-15", False, False),
]
NAMES = {"P": "张三", "Q": "李四", "A": "郑州甲有限公司", "B": "郑州乙有限公司",
         "C": "郑州丙有限公司"}


def bundle(graph: ControlGraph, reps: dict[str, int], conduct: str) -> Bundle:
    b = Bundle()
    for firm in FIRMS:
        b.enterprise(firm, NAMES[firm], established=FOUNDED)
    for person in PERSONS:
        b.person(person, NAMES[person])
    for s in graph.stakes:
        if s.low == s.high:
            b.holds(s.holder, s.enterprise, s.low, FOUNDED)
        else:
            b.holds(s.holder, s.enterprise, "", FOUNDED, pct_min=f"{s.low:g}",
                    pct_max=f"{s.high:g}")
    for d in graph.declared:
        b.role(d.enterprise, d.controller, "actual_controller", FOUNDED if d.certain else "")
    for person, i in reps.items():
        start, end, _, _ = INTERVALS[i]
        b.role("A", person, "legal_representative", start, end)
    b.measure("M1", "A", "joint_punishment", conduct=conduct, start=START)
    return b


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graphs(), st.dictionaries(st.sampled_from(PERSONS), st.integers(0, len(INTERVALS) - 1)),
       st.booleans())
def test_every_person_who_may_be_responsible_is_reached_or_uncertain(
        store: Store, graph: ControlGraph, reps: dict[str, int], known: bool) -> None:
    totals: dict[str, float] = {}
    for s in graph.stakes:
        totals[s.enterprise] = totals.get(s.enterprise, 0.0) + s.high
    assume(all(total <= 100 for total in totals.values()))  # over 100 % is refused on load
    store.clear()
    conduct = CONDUCT if known else ""
    b = bundle(graph, reps, conduct)
    with tempfile.TemporaryDirectory() as folder:
        b.load(store, Path(folder))
    answer = accountable(store, b.uscc("A"), as_of="2022-01-01")
    key = {b.key(p): p for p in PERSONS}
    reached = {key[e["person"]]: e for e in answer["reached"]}
    uncertain = {key[e["person"]] for e in answer["uncertain"]}
    assert all(e["reason"] for e in answer["uncertain"])
    every, some = brute(graph)
    consistent = bool(every or some)
    for person in PERSONS:
        rep = reps.get(person)
        start, end, at_conduct, surely = INTERVALS[rep] if rep is not None else ("", "", 0, 0)
        in_window = (start or "") <= START and (end == "" or end > FOUNDED)
        may_rep = rep is not None and (at_conduct if known else in_window)
        sure_rep = known and rep is not None and surely
        sure_control = known and consistent and (person, "A") in every
        if may_rep or (consistent and (person, "A") in some):
            assert person in reached or person in uncertain, (person, answer)
        if sure_control:  # certain by brute force: reached, or at worst uncertain
            assert person in reached or person in uncertain, (person, answer)
        if person in reached:
            assert known, "reached on a guess: the conduct date is unknown"
            roles = reached[person]["roles"]
            assert ("legal_representative" in roles) == bool(sure_rep), (person, answer)
            if consistent and any(r.startswith("actual_controller") for r in roles):
                assert sure_control, ("controller on a guess", person, answer)
        else:
            assert not sure_rep, (person, answer)
