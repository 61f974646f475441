"""Checks for a sanction system (domain.md §1, §5, R1–R3): is this party, or a party
responsible for it, under a measure in force that applies to this action?

A person is answered with their own measures and the measures derived to them under R1:
measures on enterprises where they held a reached role on the conduct date, or of which
they were the actual controller (declared, or derived through control chains). An
enterprise is answered with ITS OWN measures only (R2: a derived measure never reaches the
person's other enterprises); the measures of the persons now in its roles, holding its
shares or possibly controlling it are listed apart under `risk`, for information. A
measure under objection is in force and says so; cases the data cannot settle (unknown
start of a role, unknown status date) go to `uncertain` with the reason. A batch shares
every read, so checking many parties costs a few store round trips more than checking one.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> answer = check(store, "410105198207070429", scenario="procurement", as_of="2024-01-01")
>>> [(m["measure"], m["derived"], m["state"]["status"]) for m in answer["measures"]]
[('ZZ-2021-JP-0001', True, 'active')]
>>> check(store, "91410102812345696N", as_of="2024-01-01")["measures"]
[]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NotRequired, final

from typing_extensions import TypedDict

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import MODEL, PARTIES, ROLE_TYPES, Label, Rel
from credtrace.graph.reads import Follow, Hop, Plan
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader
from credtrace.graph.timeline import possibly_valid
from credtrace.queries.accountability import REACHED_PLAN, Reach, Reached, measure_step, reached_by
from credtrace.queries.common import (
    EntityNotFound,
    InvalidInput,
    Json,
    Kept,
    MeasureKind,
    Party,
    QueryError,
    as_of_date,
    catalogue,
    key_forms,
    kind_of,
    party,
)
from credtrace.queries.control import Tri
from credtrace.queries.data_quality import notes, with_notes
from credtrace.queries.explain import explanation
from credtrace.queries.measures import MeasureState, State, events_of, state
from credtrace.queries.ownership import (
    CONTROL_TYPES,
    DOWNWARD_PLAN,
    MAX_CHAIN,
    controllers_of_each,
    read_upward,
    share_bounds,
    upward_plan,
)

ROLE_NAMES = {rel_type: role for role, rel_type in MODEL.roles.items()}
#: Most enterprises followed downward from a batch's persons when looking for control.
MAX_CONTROLLED = 5000

Derived = tuple[Node, Node, Reached]  # (enterprise, source measure, reached_by entry)

_PARTY: Follow = (  # what `Checker.person_edges` reads
    ((Rel.IMPOSED_ON, *ROLE_TYPES, Rel.HOLDS_SHARES), "both"),)
_LATER: Hop = {Label.ENTERPRISE: (((Rel.IMPOSED_ON,), "in"), (CONTROL_TYPES, "out")),
               Label.MEASURE: (((Rel.EVENT_OF,), "in"),)}


def read_plan(with_risk: bool) -> Plan:
    """What a check reads, hop by hop from its subjects (`Reader.prefetch`): their measures
    and roles (a person's holdings too); the measures on, and the control reaching on
    from, the enterprises so reached (with risk: of the persons in an enterprise's roles
    and its shareholders first), and the measures' events. Holdings higher up, read for
    an enterprise's controllers, cost a round trip per level."""
    held = (Rel.HOLDS_SHARES,) if with_risk else ()
    ent: tuple[str, ...] = (Rel.IMPOSED_ON, *ROLE_TYPES, *held)
    first: Hop = {Label.ENTERPRISE: ((ent, "in"),), Label.PERSON: _PARTY}
    second: Hop = {**_LATER, Label.PERSON: _PARTY} if with_risk else _LATER
    return (first, second, _LATER, _LATER)


class Checker:
    """The reads of one as-of date, shared by every party of a batch (each key read once).

    Score and other queries build on it to learn which parties are under measures.
    """

    def __init__(self, store: Reader, day: str, kinds: dict[str, MeasureKind] | None = None,
                 keep: int | None = None) -> None:
        self.store, self.day = store, day
        self.kinds = catalogue(store) if kinds is None else kinds
        self.limits: list[str] = []
        # what the reads and derivations gave, at most `keep` of each (None: all)
        self._nodes: Kept[str, Node] = Kept(keep)
        self._events: Kept[str, list[dict[str, Any]]] = Kept(keep)
        self._imposed: Kept[str, list[Edge]] = Kept(keep)
        self._reached: Kept[tuple[str, str], Reach] = Kept(keep)
        self._walks: Kept[str, list[set[str]]] = Kept(keep)  # enterprises new at each level
        self._steps: Kept[str, set[str]] = Kept(keep)  # enterprise -> where control may step
        self._derived: Kept[str, list[Derived]] = Kept(keep)

    # --- cached reads -------------------------------------------------------------
    def nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        """The nodes with these keys that exist (fetched once per key)."""
        return self._nodes.fetch(uids, self.store.get_nodes)

    def events(self, measure_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Due-process events per measure (fetched once per measure)."""
        return self._events.fetch(measure_ids, lambda missing: events_of(self.store, missing))

    def imposed(self, uids: Iterable[str]) -> list[Edge]:
        """The measures' IMPOSED_ON relationships into `uids`, any date (read once per key)."""
        def read(missing: list[str]) -> dict[str, list[Edge]]:
            found: dict[str, list[Edge]] = {u: [] for u in missing}
            for edge in self.store.adjacent(missing, [Rel.IMPOSED_ON], "in"):
                found[edge.target].append(edge)
            return found

        return [e for edges in self._imposed.fetch(uids, read).values() for e in edges]

    def state(self, measure: Node) -> MeasureState:
        return state(measure.props, self.events([measure.uid])[measure.uid], self.day,
                     self.kind(measure))

    def kind(self, measure: Node) -> MeasureKind | None:
        """The catalogue version that applies to `measure` (by its decision date)."""
        return kind_of(self.kinds, measure)

    def reached(self, enterprise: Node, measure: Node, kind: MeasureKind,
                store: Reader | None = None) -> Reach:
        """`queries.accountability.reached_by`, once per enterprise measure (read through
        `store`, e.g. a prefetched view, when given)."""
        return self._reached.fetch([(enterprise.uid, measure.uid)], lambda todo: {
            key: reached_by(store or self.store, enterprise, measure, kind, self.day,
                            events=self.events([measure.uid])[measure.uid]) for key in todo}
        )[enterprise.uid, measure.uid]

    # --- who is under what ----------------------------------------------------------
    def person_edges(self, persons: Sequence[str]) -> list[Edge]:
        """Measures on, roles of and holdings of `persons` (any date), in one read."""
        if not persons:
            return []
        return self.store.adjacent(persons, [Rel.IMPOSED_ON, *ROLE_TYPES, Rel.HOLDS_SHARES], "both")

    def controlled(self, persons: Sequence[str], edges: list[Edge]) -> dict[str, set[str]]:
        """Enterprises each person may control on some date: declared-controlled or held
        by the person, or by an enterprise so reached (bounded depth); the walk stops for
        the whole batch once it has reached `MAX_CONTROLLED` enterprises. `edges`: the
        persons' `person_edges`."""
        return self._controlled(persons, edges)[0]

    def _controlled(self, persons: Sequence[str],
                    edges: list[Edge]) -> tuple[dict[str, set[str]], bool]:
        """`controlled`, and whether the walk was stopped."""
        walks = self._walked(persons, edges)
        reach: dict[str, set[str]] = {p: set() for p in persons}
        total = 0
        for depth in range(MAX_CHAIN):
            fresh = [(p, walk[depth]) for p, walk in walks.items() if depth < len(walk)]
            if not fresh:
                break
            for person, found in fresh:
                reach[person] |= found
                total += len(found)
            if total > MAX_CONTROLLED:
                self.limits.append(f"control walk stopped after {MAX_CONTROLLED} enterprises")
                return reach, True
        return reach, False

    def _walked(self, persons: Sequence[str], edges: list[Edge]) -> dict[str, list[set[str]]]:
        """Each person's own control walk: the enterprises it newly reaches at each level
        (kept; one read per level for the persons not walked yet). A walk ends where it
        alone passes `MAX_CONTROLLED`: a batch holding the person stops there anyway."""
        return self._walks.fetch(persons, lambda todo: self._walk_all(todo, edges))

    def _walk_all(self, persons: list[str], edges: list[Edge]) -> dict[str, list[set[str]]]:
        """The walks of `persons`, together."""
        frontier: dict[str, set[str]] = {p: set() for p in persons}
        for source, target in _control_steps(e for e in edges if e.source in frontier):
            frontier[source].add(target)
        walks: dict[str, list[set[str]]] = {p: [] for p in persons}
        seen: dict[str, set[str]] = {p: set() for p in persons}
        for _ in range(MAX_CHAIN):
            frontier = {p: found for p, found in frontier.items() if found}
            for person, found in frontier.items():
                walks[person].append(found)
                seen[person] |= found
            frontier = {p: found for p, found in frontier.items()
                        if len(seen[p]) <= MAX_CONTROLLED}
            if not frontier:
                break
            steps = self._steps.fetch(set().union(*frontier.values()), self._read_steps)
            frontier = {p: {t for u in found for t in steps[u]} - seen[p]
                        for p, found in frontier.items()}
        return walks

    def _read_steps(self, enterprises: list[str]) -> dict[str, set[str]]:
        """The enterprises control may step to from each of `enterprises`."""
        steps: dict[str, set[str]] = {u: set() for u in enterprises}
        for source, target in _control_steps(
                self.store.adjacent(sorted(enterprises), CONTROL_TYPES, "out")):
            steps[source].add(target)
        return steps

    def derived(self, persons: Sequence[str], edges: list[Edge]) -> dict[str, list[Derived]]:
        """R1 entries (certain and uncertain) reaching each of `persons`, any state.

        Only measures that can reach a person are resolved: the person held one of the
        kind's roles at the enterprise on some date, or may control it. A person's entries
        depend on nothing but their own roles and control walk, so they are kept, unless
        the walk was stopped for the batch.
        """
        reach, stopped = self._controlled(persons, edges)
        if stopped:
            return self._derive(list(reach), edges, reach)
        return self._derived.fetch(reach, lambda todo: self._derive(todo, edges, reach))

    def _derive(self, persons: list[str], edges: list[Edge],
                reach: dict[str, set[str]]) -> dict[str, list[Derived]]:
        """`derived` for `persons`, given the enterprises each may control."""
        members = set(persons)
        roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for edge in edges:  # enterprise -> person -> role names held on some date
            if edge.type in ROLE_TYPES and edge.type != Rel.ACTUAL_CONTROLLER \
                    and edge.source in members:
                roles[edge.target][edge.source].add(ROLE_NAMES[edge.type])
        controllers: dict[str, set[str]] = defaultdict(set)  # enterprise -> persons
        for person in persons:
            for uscc in reach[person]:
                controllers[uscc].add(person)
        candidates = sorted(set(roles) | set(controllers))
        imposed = self.imposed(candidates)
        loaded = self.nodes([*(e.source for e in imposed), *(e.target for e in imposed)])
        wanted: list[tuple[Node, Node, MeasureKind, set[str]]] = []
        for edge in sorted(imposed, key=lambda e: (e.target, e.source)):
            measure, enterprise = loaded[edge.source], loaded[edge.target]
            kind = self.kind(measure)
            if kind is None or not kind.reaches_persons:
                continue
            reached_roles = set(kind.roles)
            who = {p for p, held in roles[enterprise.uid].items() if held & reached_roles}
            if "actual_controller" in kind.roles:
                who |= controllers[enterprise.uid]
            if who:
                wanted.append((enterprise, measure, kind, who))
        unknown = sorted({e.uid for e, m, _, _ in wanted if (e.uid, m.uid) not in self._reached})
        # what `reached_by` reads of these enterprises, at once
        view = self.store.prefetch(unknown, REACHED_PLAN) if unknown else self.store
        self.events(m.uid for _, m, _, _ in wanted)
        result: dict[str, list[Derived]] = {p: [] for p in persons}
        for enterprise, measure, kind, who in wanted:
            answer = self.reached(enterprise, measure, kind, view)
            for entry in answer["reached"] + answer["uncertain"]:
                if entry["person"] in who:
                    result[entry["person"]].append((enterprise, measure, entry))
        return result


def _control_steps(edges: Iterable[Edge]) -> set[tuple[str, str]]:
    """(party, enterprise) pairs along which control may run on some date: a declared
    controller, or any holding that may be positive (not a declared indirect figure).
    Under pooled control (`queries.control`) a holding of any size may add to a bloc that
    controls, so none is left out; `reached_by` then decides."""
    return {(e.source, e.target) for e in edges
            if e.type == Rel.ACTUAL_CONTROLLER
            or (e.type == Rel.HOLDS_SHARES and e.props.get("direct") is not False
                and share_bounds(e)[1] > 0)}


def imposed_measures(edges: Iterable[Edge]) -> dict[str, list[str]]:
    """Measure keys by subject, from IMPOSED_ON relationships."""
    result: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        if edge.type == Rel.IMPOSED_ON:
            result[edge.target].append(edge.source)
    return result


def applies(kind: MeasureKind | None, scenario: str | None) -> bool:
    """Whether a measure of `kind` applies to `scenario` (None: every scenario); a
    disclosure record (not a sanction) applies to none."""
    if kind is not None and not kind.sanction:
        return False
    return scenario is None or (kind is not None and scenario in kind.scenarios)


def _item(checker: Checker, measure: Node, subject: Node, measure_state: State,
          evidence: list[dict[str, Any]], roles: list[str] | None = None) -> dict[str, Any]:
    kind = checker.kind(measure)
    derived = roles is not None
    return {
        "measure": measure.uid, "kind": measure.props.get("kind"),
        "kind_zh": kind.name_zh if kind else None, "derived": derived,
        "source": measure.uid if derived else None, "subject": party(subject),
        "roles": roles or [], "state": measure_state,
        "scenarios": list(kind.scenarios) if kind else [],
        "start": measure.props.get("start"), "end": measure.props.get("end"),
        "authority": measure.props.get("authority"), "evidence": evidence,
    }


@final  # so that `"error" in item` tells a batch item's kind (mypy)
class CheckAnswer(TypedDict):
    """Whether measures in force apply to the party for the scenario, with evidence;
    `risk` (an enterprise's): measures on persons in its roles, information only (R2)."""

    subject: Party
    as_of: str
    scenario: str | None
    applies: bool
    measures: list[Json]
    uncertain: list[Json]
    data_quality: list[Json]
    risk: NotRequired[list[Json]]


class ItemError(TypedDict):
    status: int
    detail: str


@final
class CheckError(TypedDict):
    """A batch subject that could not be checked (e.g. unknown key: status 404)."""

    id: str
    error: ItemError


def answer_for(checker: Checker, subject: Node, own: list[Node], derived: list[Derived],
            scenario: str | None) -> CheckAnswer:
    """One party's answer from its own measures and the entries derived to it."""
    measures: list[dict[str, Any]] = []
    uncertain: list[dict[str, Any]] = []
    for measure in own:
        current = checker.state(measure)
        if current.in_force is False or not applies(checker.kind(measure), scenario):
            continue
        evidence = [measure_step(measure, checker.kind(measure)),
                    {"step": subject.kind.lower(), **party(subject)}]
        item = {**_item(checker, measure, subject, current.as_dict(), evidence),
                "explanation": explanation(f"own measure: {current.status}",
                                           {"scenario": scenario},
                                           [] if current.in_force else [current.reason])}
        if current.in_force:
            measures.append(item)
        else:
            uncertain.append({**item, "reason": current.reason})
    for enterprise, measure, entry in derived:
        source_state = entry["state"]
        if source_state["in_force"] is False or not applies(checker.kind(measure), scenario):
            continue
        item = {**_item(checker, measure, enterprise, source_state, entry["evidence"],
                        entry["roles"]), "explanation": entry["explanation"]}
        reason = entry.get("reason") or (None if source_state["in_force"]
                                         else source_state["reason"])
        if reason:
            uncertain.append({**item, "reason": reason})
        else:
            measures.append(item)
    certain = {(m["measure"], m["derived"]) for m in measures}
    uncertain = [u for u in uncertain if (u["measure"], u["derived"]) not in certain]
    uncertain += [{"measure": None, "reason": note} for note in checker.limits]
    measures.sort(key=lambda m: (m["derived"], m["measure"], m["subject"]["id"]))
    uncertain.sort(key=lambda m: (m["measure"] or "", m.get("subject", {}).get("id", ""),
                                  m["reason"]))
    quality: list[dict[str, Any]] = []
    for enterprise, measure, _ in derived:  # the notes the derivations found on their dates
        kind = checker.kind(measure)
        for note in checker.reached(enterprise, measure, kind)["data_quality"] if kind else []:
            if note not in quality:
                quality.append(note)
    return {"subject": party(subject), "as_of": checker.day, "scenario": scenario,
            "applies": bool(measures), "measures": measures, "uncertain": uncertain,
            "data_quality": quality}


def _risk(checker: Checker, enterprise: Node, holders: dict[str, list[str]],
          answers: dict[str, CheckAnswer]) -> list[dict[str, Any]]:
    """Measures in force on the persons now in the enterprise's roles, holding its shares
    or possibly controlling it, other than those derived from the enterprise's own
    measures (information, not a measure: R2, R4)."""
    risk = []
    for person, roles in sorted(holders.items()):
        for item in answers[person]["measures"]:
            if item["subject"]["id"] == enterprise.uid:
                continue
            risk.append({
                "person": answers[person]["subject"], "roles": sorted(set(roles)),
                "measure": item["measure"], "kind": item["kind"], "kind_zh": item["kind_zh"],
                "derived": item["derived"], "source_subject": item["subject"],
                "state": item["state"],
            })
    return sorted(risk, key=lambda r: (r["person"]["id"], r["measure"], r["derived"]))


def owners_and_controllers(store: Reader, enterprises: Sequence[str],
                           day: str) -> dict[str, dict[str, list[str]]]:
    """Persons who hold shares in, or may control, each enterprise on `day` (R2: their
    measures are a risk signal for it whether or not they hold a role there)."""
    up = read_upward(store.prefetch(enterprises, upward_plan(())), enterprises, day)
    result: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    wanted = set(enterprises)
    for edge in up.edges:
        node = up.nodes.get(edge.source)
        if edge.type == Rel.HOLDS_SHARES and edge.target in wanted and node is not None \
                and node.kind == Label.PERSON:
            result[edge.target][edge.source].append("shareholder")
    for uscc, answer in controllers_of_each(up, day, enterprises).items():
        for candidate in answer.candidates:
            if candidate.party.kind == Label.PERSON:
                how = "actual_controller" + ("" if candidate.status is Tri.YES
                                             else " (uncertain)")
                result[uscc][candidate.party.uid].append(how)
    return result


def _subjects(checker: Checker, ids: Sequence[str]) -> list[Node | QueryError]:
    """Each id's enterprise or person (keys are tried as given and upper-cased)."""
    keys = [key_forms(i) for i in ids]
    found = checker.nodes(k for forms in keys for k in forms)
    result: list[Node | QueryError] = []
    for raw, pair in zip(ids, keys, strict=True):
        node = next((found[k] for k in pair if k in found), None)
        if node is None or node.kind not in PARTIES:
            result.append(EntityNotFound(f"no enterprise or person with key {raw!r}"))
        else:
            result.append(node)
    return result


def known_scenario(kinds: dict[str, MeasureKind], scenario: str | None) -> str | None:
    """`scenario` if some catalogue kind names it (or None), else `InvalidInput`."""
    if scenario is None:
        return None
    known = sorted({s for k in kinds.values() for s in k.scenarios})
    if scenario not in known:
        raise InvalidInput(f"unknown scenario {scenario!r}; known: {', '.join(known)}")
    return scenario


def _run(store: Reader, ids: Sequence[str], scenario: str | None, as_of: str | None,
         with_risk: bool) -> list[CheckAnswer | QueryError]:
    keys = [k for i in ids for k in key_forms(i)]
    store = store.prefetch(keys, read_plan(with_risk), [Label.MEASURE_KIND])
    checker = Checker(store, as_of_date(as_of))
    scenario = known_scenario(checker.kinds, scenario)
    subjects = _subjects(checker, ids)
    found = list({s.uid: s for s in subjects if isinstance(s, Node)}.values())
    enterprises = [s.uid for s in found if s.kind == Label.ENTERPRISE]
    ent_edges = store.adjacent(enterprises, [Rel.IMPOSED_ON, *ROLE_TYPES], "in") \
        if enterprises else []
    holders: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for edge in ent_edges if with_risk else []:
        if edge.type in ROLE_TYPES and possibly_valid(edge.start, edge.end, checker.day):
            holders[edge.target][edge.source].append(ROLE_NAMES[edge.type])
    for uscc, persons_of in (owners_and_controllers(store, enterprises, checker.day).items()
                             if with_risk and enterprises else ()):
        for person, how in persons_of.items():
            holders[uscc][person] += how
    persons = sorted({s.uid for s in found if s.kind == Label.PERSON}
                     | {p for by_person in holders.values() for p in by_person})
    person_edges = checker.person_edges(persons)
    asked = set(persons)
    below = sorted({t for s, t in _control_steps(person_edges) if s in asked})
    if below:  # the control chains below the persons' holdings, read at once
        checker.store = checker.store.prefetch(below, DOWNWARD_PLAN)
    own = imposed_measures([*ent_edges, *person_edges])
    loaded = checker.nodes([*persons, *(m for ms in own.values() for m in ms)])
    persons = [p for p in persons if p in loaded and loaded[p].kind == Label.PERSON]
    derived = checker.derived(persons, person_edges)
    checker.events(m for ms in own.values() for m in ms)
    doubts = notes(store, enterprises, checker.day)  # read with the plan when with_risk

    def answer(node: Node) -> CheckAnswer:
        mine = sorted((loaded[m] for m in own.get(node.uid, [])), key=lambda n: n.uid)
        result = answer_for(checker, node, mine, derived.get(node.uid, []), scenario)
        found = [n for n in doubts if n["enterprise"] == node.uid]
        return {**result, "data_quality": with_notes(result["data_quality"], found)}

    people = {p: answer(loaded[p]) for p in persons}
    results: list[CheckAnswer | QueryError] = []
    for subject in subjects:
        if not isinstance(subject, Node):
            results.append(subject)
            continue
        result = people[subject.uid] if subject.kind == Label.PERSON else answer(subject)
        in_roles = {p: r for p, r in holders.get(subject.uid, {}).items() if p in people}
        results.append({**result, "risk": _risk(checker, subject, in_roles, people)})
    return results


def check(store: Reader, subject_id: str, *, scenario: str | None = None,
          as_of: str | None = None, with_risk: bool = True) -> CheckAnswer:
    """The measures in force on `as_of` that apply to `scenario`, for an enterprise (its
    own) or a person (own and derived), each with its state and evidence.

    `with_risk=False` skips the enterprise's informational `risk` list (fewer reads).

    >>> from credtrace.graph.memory import MemoryStore
    >>> check(MemoryStore(), "nobody")
    Traceback (most recent call last):
    credtrace.queries.common.EntityNotFound: no enterprise or person with key 'nobody'
    """
    (result,) = _run(store, [subject_id], scenario, as_of, with_risk)
    if isinstance(result, QueryError):
        raise result
    return result


def check_batch(store: Reader, ids: Sequence[str], *, scenario: str | None = None,
                as_of: str | None = None, with_risk: bool = True,
                limits: Limits = DEFAULT_LIMITS) -> list[CheckAnswer | CheckError]:
    """`check` for each id (at most `limits.max_batch`), in order; an unknown id answers
    with its own error item.

    >>> from credtrace.graph.memory import MemoryStore
    >>> check_batch(MemoryStore(), ["nobody"])[0]["error"]["status"]
    404
    """
    if len(ids) > limits.max_batch:
        raise InvalidInput(f"at most {limits.max_batch} parties per batch, got {len(ids)}")
    return [
        {"id": raw, "error": {"status": r.status, "detail": str(r)}}
        if isinstance(r, QueryError) else r
        for raw, r in zip(ids, _run(store, ids, scenario, as_of, with_risk), strict=True)
    ]
