"""A transparent credit score per enterprise (domain.md §7), with its contributions.

The score starts at 100. Each of the enterprise's own measures takes away
`SEVERITY_POINTS` × its catalogue severity × a recency factor (half-life
`HALF_LIFE_YEARS` from its start) × a factor for its state on the as-of date
(`STATE_FACTOR`: a repaired, exited or expired measure counts much less, one revoked by an
upheld objection not at all; one under objection counts in full and is flagged).

Network exposure then takes away, for every measure in force on a party within two hops,
`EXPOSURE_POINTS` × its severity × the weight of the strongest path to that party: the
product of the links' weights (`LINK_WEIGHT`: a role, control of or by the enterprise),
times `HOP_DECAY` for a second hop. A measure counts once, on its strongest path; the
enterprise's own measures (and measures derived from them) are not counted again as
exposure; exposure is capped at `EXPOSURE_CAP`.

Grade caps: an own measure in force whose catalogue version has a `grade_cap` keeps the
score within that grade (an active joint punishment or a serious-violation listing: D,
the highest-risk class), shown as a `grade_cap` contribution. The contributions always
sum to 100 − score (a cap or the floor at 0 appears as a contribution of its own).

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> answer = score(store, "914101057123456728", as_of="2024-01-01")
>>> answer["grade"], [(c["source"], c["type"]) for c in answer["contributions"]]
... # doctest: +NORMALIZE_WHITESPACE
('D', [('ZZ-2021-JP-0001', 'own'), ('ZZ-2023-CG-0005', 'exposure'),
       ('ZZ-2021-JP-0001', 'grade_cap')])
>>> round(100 - sum(c["points"] for c in answer["contributions"]), 2) == answer["score"]
True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, NotRequired

from typing_extensions import TypedDict

from credtrace.graph.model import EXECUTIVE_ROLES, ROLE_TYPES, Label, Rel
from credtrace.graph.reads import Follow, Hop, Plan
from credtrace.graph.records import Node
from credtrace.graph.store import Reader
from credtrace.graph.timeline import possibly_valid
from credtrace.graph.view import Prefetched
from credtrace.queries.accountability import REACHED_PLAN
from credtrace.queries.check import ROLE_NAMES, Checker, answer_for, imposed_measures
from credtrace.queries.common import MeasureKind, Party, as_of_date, party, require_node
from credtrace.queries.data_quality import CHECKED
from credtrace.queries.owners import ControlLinks
from credtrace.queries.ownership import CONTROL_TYPES, DOWN, MAX_CHAIN

START = 100.0
#: Own measure: points per unit of catalogue severity (severity 3 → 30 points when new).
SEVERITY_POINTS = 10.0
#: Own measure: its weight halves every this many years after its start.
HALF_LIFE_YEARS = 2.0
#: Own measure: factor by state on the as-of date.
STATE_FACTOR = {
    "active": 1.0, "under_objection": 1.0, "uncertain": 0.5,
    "repaired": 0.2, "exited": 0.2, "expired": 0.2, "objection_upheld": 0.0,
}
#: Exposure: points per unit of severity of a measure in force on a neighbour, × path weight.
EXPOSURE_POINTS = 5.0
#: Exposure: weight of each link of a path (roles by name; control in either direction).
LINK_WEIGHT = {
    "legal_representative": 1.0, "principal": 1.0, "controlled_by": 1.0,
    "directly_responsible": 0.8, "controls": 0.6,
    **{role: 0.5 for role in EXECUTIVE_ROLES},
}
#: Exposure: factor of the second hop.
HOP_DECAY = 0.5
#: Exposure: most points taken away in total.
EXPOSURE_CAP = 30.0
#: Most parties looked at around one enterprise (the nearest first).
MAX_NEIGHBOURS = 500
#: Grade thresholds, best first, and the supervision intensity each grade calls for.
GRADES = ((90.0, "A"), (75.0, "B"), (60.0, "C"), (float("-inf"), "D"))
SUPERVISION = {
    "A": "较少抽查",      # fewer random inspections
    "B": "常规抽查",      # routine random inspection
    "C": "提高抽查比例",  # more frequent random inspection
    "D": "重点监管",      # priority supervision
}

Path = list[dict[str, Any]]

_NEAR = (*ROLE_TYPES, Rel.HOLDS_SHARES)
_MEASURE: Follow = (((Rel.EVENT_OF,), "in"),)
_PERSON: Follow = (((Rel.IMPOSED_ON, *_NEAR), "both"),)
_FIRST: Follow = (((Rel.IMPOSED_ON,), "in"), (_NEAR, "both"))
_ABOVE: Hop = {Label.MEASURE: _MEASURE, Label.PERSON: ((CONTROL_TYPES, "in"),),
               Label.ENTERPRISE: ((tuple(dict.fromkeys((Rel.IMPOSED_ON, *CONTROL_TYPES,
                                                        *CHECKED))), "in"),)}
_FURTHER: Follow = (*_ABOVE[Label.ENTERPRISE], *DOWN)
#: What scoring an enterprise reads, hop by hop from it (`Reader.prefetch`): the parties
#: within two hops, their measures and events; the roles and holdings of the persons among
#: them; the measures on and holders of the enterprises so reached and three steps of
#: control down from them (the persons' control walks); then what lies above every
#: enterprise reached, to `MAX_CHAIN` levels. The officers of the enterprises beyond the
#: parties are read only where an R1 derivation needs them (`Scorer.read`: the enterprises
#: with a measure, `REACHED_PLAN`): they are most of the graph around a hub, and few of
#: those enterprises have a measure.
SCORE_PLAN: Plan = (
    {Label.ENTERPRISE: _FIRST},
    {Label.MEASURE: _MEASURE, Label.PERSON: _PERSON, Label.ENTERPRISE: _FIRST},
    {Label.MEASURE: _MEASURE, Label.PERSON: _PERSON, Label.ENTERPRISE: _FURTHER},
    {**_ABOVE, Label.ENTERPRISE: _FURTHER},
    {**_ABOVE, Label.ENTERPRISE: _FURTHER},
    *[_ABOVE] * (MAX_CHAIN - 2))


def sanctioned_in(view: Reader) -> list[str]:
    """The enterprises with a measure among what `view` read (none where a store reads
    as it goes)."""
    if not isinstance(view, Prefetched):
        return []
    nodes = view.sub.nodes
    return sorted({e.target for e in view.sub.edges.values() if e.type == Rel.IMPOSED_ON
                   and e.target in nodes and nodes[e.target].kind == Label.ENTERPRISE})


def _years(start: str, day: str) -> float:
    return max((date.fromisoformat(day) - date.fromisoformat(start)).days, 0) / 365.25


class Link(TypedDict):
    link: str
    party: Party


class Contribution(TypedDict):
    """Points taken off the score (negative: given back) and why: an own measure, one on a
    party nearby (`exposure`, with the path), a cap or floor, or a grade cap."""

    source: str
    kind: str | None
    points: float
    type: str
    flag: str | None
    explanation: str
    party: NotRequired[Party]
    hops: NotRequired[int]
    path: NotRequired[list[Link]]


def _own(checker: Checker, measures: list[Node]) -> list[Contribution]:
    """One contribution per own measure that has started by the as-of date."""
    result: list[Contribution] = []
    for measure in measures:
        current = checker.state(measure)
        if current.status == "not_started":
            continue
        kind = checker.kind(measure)
        severity = kind.severity if kind else 1
        if kind is not None and not kind.sanction:  # a registration or licensing record
            continue
        start = measure.props.get("start")
        recency = 0.5 ** (_years(start, checker.day) / HALF_LIFE_YEARS) if start else 1.0
        factor = STATE_FACTOR[current.status]
        points = round(SEVERITY_POINTS * severity * recency * factor, 2)
        result.append({
            "source": measure.uid, "kind": measure.props.get("kind"), "points": points,
            "type": "own",
            "flag": current.status if current.status in ("under_objection", "uncertain")
            else None,
            "explanation": (
                f"own measure {kind.name_zh if kind else measure.props.get('kind')}: "
                f"{SEVERITY_POINTS:g} × severity {severity} × recency {recency:.3f} "
                f"(since {start or 'an unknown date'}) × {current.status} {factor:g}"),
        })
    return result


def neighbourhood(checker: Checker, control: ControlLinks,
                  uscc: str) -> dict[str, tuple[float, Path]]:
    """Parties within two hops of `uscc` on the as-of date, each with the weight of its
    strongest path and the path (links: roles held, control of or by the enterprise)."""
    best: dict[str, tuple[float, Path]] = {uscc: (1.0, [])}
    frontier = [uscc]
    for hop in (1, 2):
        edges = checker.store.adjacent(frontier, [*ROLE_TYPES, Rel.HOLDS_SHARES], "both",
                                       checker.day)
        members = set(frontier)
        links = [(e.target, e.source, ROLE_NAMES[e.type]) if e.target in members
                 else (e.source, e.target, ROLE_NAMES[e.type])
                 for e in edges if e.type in ROLE_TYPES and e.type != Rel.ACTUAL_CONTROLLER
                 and possibly_valid(e.start, e.end, checker.day)]
        for link in control.touching(frontier, [e for e in edges if e.type != Rel.HOLDS_SHARES
                                                or e.source in members or e.target in members]):
            if link.controlled in members:
                links.append((link.controlled, link.controller, "controlled_by"))
            if link.controller in members:
                links.append((link.controller, link.controlled, "controls"))
        reached: dict[str, tuple[float, Path]] = {}
        for origin, other, name in sorted(links):
            weight = best[origin][0] * LINK_WEIGHT[name] * (HOP_DECAY if hop > 1 else 1.0)
            if other not in best and (other not in reached or weight > reached[other][0]):
                reached[other] = (weight, [*best[origin][1], {"link": name, "party": other}])
        room = max(MAX_NEIGHBOURS + 1 - len(best), 0)
        frontier = sorted(sorted(reached, key=lambda u: (-reached[u][0], u))[:room])
        if len(frontier) < len(reached):
            checker.limits.append(f"neighbourhood limited to the {MAX_NEIGHBOURS} nearest")
        best |= {u: reached[u] for u in frontier}
    del best[uscc]
    return best


def _exposure(checker: Checker, control: ControlLinks, uscc: str,
              own_ids: set[str]) -> list[Contribution]:
    """One contribution per measure in force on a neighbour, on its strongest path."""
    near = neighbourhood(checker, control, uscc)
    nodes = checker.nodes([uscc, *near])
    enterprises = [u for u in sorted(near) if nodes[u].kind == Label.ENTERPRISE]
    persons = [u for u in sorted(near) if nodes[u].kind == Label.PERSON]
    person_edges = checker.person_edges(persons)
    ent_edges = checker.imposed(enterprises)
    own = imposed_measures([*ent_edges, *person_edges])
    measures = checker.nodes(m for ms in own.values() for m in ms)
    derived = checker.derived(persons, person_edges)
    checker.events(measures)
    best: dict[str, Contribution] = {}
    for uid in sorted(near):
        if uid not in own and not derived.get(uid):
            continue  # nothing on this party
        weight, path = near[uid]
        mine = sorted((measures[m] for m in own.get(uid, [])), key=lambda n: n.uid)
        for item in answer_for(checker, nodes[uid], mine, derived.get(uid, []), None)["measures"]:
            if item["measure"] in own_ids or item["subject"]["id"] == uscc:
                continue
            kind = checker.kinds.get(item["kind"] or "")
            severity = kind.severity if kind else 1
            if kind is not None and not kind.sanction:
                continue
            points = round(EXPOSURE_POINTS * severity * weight, 2)
            if item["measure"] in best and best[item["measure"]]["points"] >= points:
                continue
            steps = " → ".join(f"{s['link']} {nodes[s['party']].name}" for s in path)
            best[item["measure"]] = {
                "source": item["measure"], "kind": item["kind"], "points": points,
                "type": "exposure",
                "flag": "under_objection" if item["state"]["status"] == "under_objection"
                else None,
                "party": party(nodes[uid]), "hops": len(path),
                "path": [{"link": s["link"], "party": party(nodes[s["party"]])} for s in path],
                "explanation": (
                    f"{nodes[uid].name} is under {item['kind_zh'] or item['kind']}"
                    f"{' (derived)' if item['derived'] else ''}, {len(path)} hop(s): {steps}; "
                    f"{EXPOSURE_POINTS:g} × severity {severity} × path weight {weight:g}"),
            }
    return list(best.values())


def _bound(contributions: list[Contribution], counted: list[Contribution], limit: float,
           source: str, explanation: str) -> None:
    """Append a contribution giving back what `counted` deducts beyond `limit`."""
    deducted = round(sum(c["points"] for c in counted), 2)
    if deducted > limit:
        contributions.append({"source": source, "kind": None, "type": source, "flag": None,
                              "points": round(limit - deducted, 2),
                              "explanation": explanation.format(deducted, limit)})


def ceiling(grade: str) -> float:
    """The highest score of `grade` (scores are rounded to cents).

    >>> ceiling("A"), ceiling("C")
    (100.0, 74.99)
    """
    index = [g for _, g in GRADES].index(grade)
    return START if index == 0 else round(GRADES[index - 1][0] - 0.01, 2)


def _cap(checker: Checker, measures: list[Node], value: float) -> Contribution | None:
    """The contribution that brings `value` down to the worst grade cap of an own measure
    in force (catalogue `grade_cap` of the version applied), if it is above it."""
    capped = []
    for measure in measures:
        kind, current = checker.kind(measure), checker.state(measure)
        if kind is None or kind.grade_cap is None:
            continue
        if current.in_force is None:
            checker.limits.append(f"grade cap {kind.grade_cap} of {measure.uid} uncertain: "
                                  f"{current.reason}")
        elif current.in_force:
            capped.append((ceiling(kind.grade_cap), measure.uid, kind, current.status))
    if not capped:
        return None
    top, uid, kind, status = min(capped, key=lambda c: (c[0], c[1]))
    if value <= top:
        return None
    return {"source": uid, "kind": kind.kind, "type": "grade_cap",
            "flag": status if status == "under_objection" else None,
            "points": round(value - top, 2),
            "explanation": (f"{kind.name_zh} in force ({status}) caps the grade at "
                            f"{kind.grade_cap}: score at most {top:g} "
                            f"({kind.legal_basis or 'catalogue'})")}


def grade_of(value: float) -> str:
    """The grade of a score.

    >>> grade_of(90), grade_of(89.99), grade_of(60), grade_of(0)
    ('A', 'B', 'C', 'D')
    """
    return next(grade for threshold, grade in GRADES if value >= threshold)


class ScoreAnswer(TypedDict):
    """The transparent credit score: 100 less the contributions, grade A–D."""

    enterprise: Party
    as_of: str
    score: float
    grade: str
    supervision: str
    contributions: list[Contribution]
    limits: list[str]


class Scorer:
    """Scores on one date that share their reads and what they work out: the catalogue,
    nodes, events and R1 derivations (`Checker`) and each enterprise's solved control
    (`ControlLinks`), at most `keep` of each kind (None: all)."""

    def __init__(self, store: Reader, day: str, kinds: dict[str, MeasureKind] | None = None,
                 keep: int | None = None) -> None:
        self.store, self.day = store, day
        self.checker = Checker(store, day, kinds, keep)
        self.control = ControlLinks(store, day, keep)

    def read(self, usccs: Sequence[str]) -> Reader:
        """What scoring `usccs` reads, read at once (on a remote store two statements:
        `SCORE_PLAN`, then `REACHED_PLAN` from the enterprises it found with a measure).
        Touches nothing of this scorer's but the store, so a run may read its next keys
        while it scores these."""
        view = self.store.prefetch(usccs, SCORE_PLAN)
        sanctioned = sanctioned_in(view)
        return view.prefetch(sanctioned, REACHED_PLAN) if sanctioned else view

    def scores(self, usccs: Sequence[str], view: Reader | None = None) -> Iterator[ScoreAnswer]:
        """The answer of `score` for each of `usccs`, asked through `view` (by default
        `read(usccs)`)."""
        self.checker.store = self.control.store = view or self.read(usccs)
        for uscc in usccs:
            yield self.score(uscc)

    def score(self, uscc: str) -> ScoreAnswer:
        """The answer of `score` for `uscc`."""
        checker = self.checker
        enterprise = require_node(checker.store, uscc, Label.ENTERPRISE)
        checker.limits = []  # this answer's notes (none comes from what is kept)
        own_ids = {e.source for e in checker.imposed([enterprise.uid])}
        own_nodes = checker.nodes(sorted(own_ids))
        checker.events(own_nodes)
        own = sorted(_own(checker, list(own_nodes.values())),
                     key=lambda c: (-c["points"], c["source"]))
        exposure = sorted(_exposure(checker, self.control, enterprise.uid, own_ids),
                          key=lambda c: (-c["points"], c["source"]))
        contributions = own + exposure
        _bound(contributions, exposure, EXPOSURE_CAP, "exposure_cap",
               "network exposure {:g} capped at {:g}")
        _bound(contributions, contributions, START, "floor",
               "deductions {:g} exceed {:g}; the score stops at 0")
        value = round(START - sum(c["points"] for c in contributions), 2)
        cap = _cap(checker, list(own_nodes.values()), value)
        if cap is not None:
            contributions.append(cap)
            value = round(value - cap["points"], 2)
        grade = grade_of(value)
        return {"enterprise": party(enterprise), "as_of": self.day, "score": value,
                "grade": grade, "supervision": SUPERVISION[grade],
                "contributions": contributions, "limits": checker.limits}


def score(store: Reader, uscc: str, *, as_of: str | None = None) -> ScoreAnswer:
    """The enterprise's score, grade, supervision intensity and the contributions.

    >>> from credtrace.graph.memory import MemoryStore
    >>> score(MemoryStore(), "X")
    Traceback (most recent call last):
    credtrace.queries.common.EntityNotFound: no enterprise with key 'X'
    """
    return Scorer(store, as_of_date(as_of)).score(uscc)
