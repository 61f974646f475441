"""R5 related parties: who is within K hops of a party on a date, and how they are related.

The walk follows the chosen relationship kinds (default: roles, shareholdings and contacts)
valid, or possibly valid, on the as-of date. Each party found is explained by relations,
each with the connecting party (`via`) and the paths or control chains behind it:

- direct: `role` (one holds a role in the other) or `shareholding`;
- through one party both are attached to: `shared_legal_representative` (legal
  representative or principal of both), `shared_executive` (an officer of both: legal
  representative, principal, director, supervisor, manager, CFO, board secretary),
  `shared_shareholder`, `shared_controller` (declared), `shared_party` (other mixes); for
  two parties attached to one enterprise: `co_officer`, `co_shareholder`,
  `same_enterprise`; along shareholdings: `indirect_shareholding`, `indirect_shareholder`;
- `control`: one is on the other's control chain (`queries.ownership.actual_controller`:
  controlling shareholders up to the actual controller); `shared_controller` also when
  neither controls the other and both chains end at the same controller;
- farther than two hops: `indirect`, with the shortest paths;
- `shared_address`, `shared_phone`, `shared_email` (through a contact), and any relation
  whose path runs through a contact, are **suspected** and listed apart under `suspected`;
- `family` (配偶, 父母, 子女, 兄弟姐妹, 亲属) and `associate` links, and any relation whose
  path runs through one, are listed apart under `family`: they explain a connection and
  never carry a measure (R2).

A contact shared by more than `HUB_CONTACT_PARTIES` parties (a registered agent's address,
a shared switchboard) says nothing about any two of them: parties reached only through such
a hub are not listed as suspected, and the hub is reported under `suppressed_hubs` with the
number of parties it links and how many were left out.

Depth and size are bounded; parties come nearest first, then by key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from typing_extensions import TypedDict

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import EXECUTIVE_ROLES, MODEL, PARTIES, Label, Rel
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader
from credtrace.graph.traverse import Walk
from credtrace.queries.common import Json, Party, as_of_date, require_node
from credtrace.queries.network import (
    RELATED_KINDS,
    bounded,
    brief,
    explore,
    path_entry,
    rel_types,
)
from credtrace.queries.ownership import ControllerAnswer, actual_controller

REPRESENTATIVE = {MODEL.role_type("legal_representative"), MODEL.role_type("principal")}
OFFICER = REPRESENTATIVE | {MODEL.role_type(r) for r in EXECUTIVE_ROLES}
CONTROLLER = {MODEL.role_type("actual_controller")}
SHARES = {Rel.HOLDS_SHARES}
#: What a party holding relationships into both sides makes them, first match wins.
SHARED = (("shared_legal_representative", REPRESENTATIVE), ("shared_controller", CONTROLLER),
          ("shared_executive", OFFICER), ("shared_shareholder", SHARES))

#: The relations, in the order answers list them, with their Chinese labels.
RELATIONS = {
    "control": "控制关系", "role": "任职", "shareholding": "持股",
    "shared_controller": "同一实际控制人", "shared_legal_representative": "同一法定代表人",
    "shared_executive": "同一董监高", "shared_shareholder": "同一股东",
    "shared_party": "同一关联方", "co_officer": "共同任职", "co_shareholder": "共同投资",
    "same_enterprise": "同一企业关联", "indirect_shareholding": "间接持股",
    "indirect_shareholder": "间接股东", "indirect": "间接关联",
    "shared_address": "疑似关联：同一地址", "shared_phone": "疑似关联：同一电话",
    "shared_email": "疑似关联：同一邮箱", "family": "亲属", "associate": "关联人",
}
FAMILY_TYPES = set(MODEL.rels_of("family"))
#: Chinese labels of family relations (`relation` of a FAMILY link).
FAMILY_LABELS = {"spouse": "配偶", "parent": "父母", "child": "子女", "sibling": "兄弟姐妹",
                 "family": "亲属", "associate": "关联人", "unknown_link": "未知关联"}
INVERSE = {"parent": "child", "child": "parent"}
ORDER = {name: i for i, name in enumerate(RELATIONS)}
#: Paths kept per relation, and looked at per party farther than two hops.
MAX_PATHS = 3
#: A contact attached to more parties than this is a hub: links through it are suppressed.
HUB_CONTACT_PARTIES = 50


def shared_relation(via: Node, first: Edge, second: Edge) -> str:
    """The relation of two parties both attached to `via`, `first` the centre's link."""
    if via.kind == Label.CONTACT:
        return f"shared_{via.props.get('field')}"
    pair = {first.type, second.type}
    via_holds = (first.source == via.uid, second.source == via.uid)
    if via_holds == (True, True):
        return next((name for name, types in SHARED if pair <= types), "shared_party")
    if via_holds == (False, False):
        return ("co_officer" if pair <= OFFICER else
                "co_shareholder" if pair <= SHARES else "same_enterprise")
    if pair <= SHARES:
        return "indirect_shareholding" if via_holds == (False, True) else "indirect_shareholder"
    return "indirect"


class Relations:
    """The relations found per party, merged by (relation, label, via, suspected, family).

    A relation is uncertain (reasons listed) only when none of its paths or chains is
    certain on the date.
    """

    def __init__(self, center: str, nodes: Mapping[str, Node], day: str) -> None:
        self.center, self.nodes, self.day = center, nodes, day
        self.found: dict[str, dict[tuple[str, str, str, bool, bool], dict[str, Any]]] = \
            defaultdict(dict)

    def add(self, party: str, name: str, *, via: Node | None = None, label: str | None = None,
            path: Sequence[Edge] = (), chain: list[dict[str, Any]] | None = None,
            reasons: Iterable[str] = (), **extra: Any) -> None:
        shown = path_entry(self.center, path, self.nodes, self.day) if path else None
        suspected = shown is not None and any(n["kind"] == Label.CONTACT for n in shown["nodes"])
        family = any(e.type in FAMILY_TYPES for e in path)
        label = label or RELATIONS[name]
        entry = self.found[party].setdefault((name, label, via.uid if via else "", suspected,
                                              family), {
            "relation": name, "label_zh": label, "suspected": suspected, "family": family,
            "via": brief(via) if via else None, **extra,
            "paths": [], "chains": [], "uncertain": [], "certain": False,
        })
        reasons = list(reasons)
        if shown is not None:
            reasons += [shown["edges"][i]["reason"] for i in shown["uncertain"]]
            if len(entry["paths"]) < MAX_PATHS:
                entry["paths"].append(shown)
        if chain is not None:
            entry["chains"].append(chain)
        entry["certain"] = entry["certain"] or not reasons
        entry["uncertain"] = sorted({*entry["uncertain"], *reasons})

    def of(self, party: str) -> list[dict[str, Any]]:
        """The party's relations in answer order."""
        items = sorted(self.found.get(party, {}).items(),
                       key=lambda kv: (ORDER[kv[0][0]], *kv[0][1:]))
        result = []
        for _, entry in items:
            certain = entry.pop("certain")
            result.append({**entry, "uncertain": [] if certain else entry["uncertain"]})
        return result


def _neighbours(walk: Walk, center: str, parties: set[str], relations: Relations) -> None:
    """Direct relations, and relations through one party or contact next to the centre."""
    touching: dict[str, list[Edge]] = defaultdict(list)
    for edge in sorted(walk.edges.values(), key=lambda e: e.eid):
        touching[edge.source].append(edge)
        touching[edge.target].append(edge)
    for first in touching[center]:
        via = first.other(center)
        if via in parties:
            rel = MODEL.rel(first.type)
            if rel.role:
                relations.add(via, "role", label=rel.label_zh, path=[first], role=rel.role)
            elif rel.category == "family":
                word = first.props.get("relation") or ""  # what the target is to the source
                if first.target == center:
                    word = INVERSE.get(word, word)
                relations.add(via, "family" if rel.name == Rel.FAMILY else "associate",
                              label=FAMILY_LABELS.get(word, word), path=[first], kin=word)
            else:
                relations.add(via, "shareholding", path=[first])
        for second in touching[via]:
            other = second.other(via)
            if other != center and other in parties:
                name = shared_relation(relations.nodes[via], first, second)
                relations.add(other, name, via=relations.nodes[via], path=[first, second])


def _on_chain(answer: ControllerAnswer, uid: str) -> list[dict[str, Any]] | None:
    """The control chain up to `uid` if `uid` is on it (a holder or the declared controller)."""
    for i, step in enumerate(answer.chain):
        if (step.get("holder") or step.get("controller") or {}).get("id") == uid:
            return answer.chain[: i + 1]
    return None


def _control(store: Reader, center: Node, kept: Sequence[str], relations: Relations) -> None:
    """`control` and derived `shared_controller` relations between the centre and `kept`."""
    nodes, day = relations.nodes, relations.day
    companies = [uid for uid in (center.uid, *kept) if nodes[uid].kind == Label.ENTERPRISE]
    answers = {uid: actual_controller(store, uid, day) for uid in companies}
    mine = answers.get(center.uid)
    for uid in kept:
        theirs = answers.get(uid)
        controls = False
        for answer, boss, owned in ((mine, uid, center.uid), (theirs, center.uid, uid)):
            chain = _on_chain(answer, boss) if answer else None
            if answer and chain:
                controls = True
                relations.add(uid, "control", chain=chain, reasons=answer.uncertain,
                              controller=brief(nodes[boss]), controlled=brief(nodes[owned]),
                              declared=chain[-1]["step"] == "declared_controller")
        if not controls and mine and theirs and mine.controller and theirs.controller \
                and mine.controller.uid == theirs.controller.uid \
                and mine.controller.uid not in (center.uid, uid):
            for answer in (mine, theirs):
                relations.add(uid, "shared_controller", via=mine.controller, chain=answer.chain,
                              reasons=answer.uncertain)


def _hubs(store: Reader, walk: Walk, nodes: Mapping[str, Node]) -> tuple[dict[str, int],
                                                                        set[str]]:
    """Hub contacts in the walk (with their number of parties) and the nodes the walk
    reached only through them."""
    contacts = {uid for uid in walk.dist if nodes[uid].kind == Label.CONTACT}
    degree: dict[str, int] = defaultdict(int)
    if contacts:
        for edge in store.adjacent(sorted(contacts), MODEL.rels_of("suspected"), "both"):
            degree[edge.target if edge.target in contacts else edge.source] += 1
    hubs = {c: n for c, n in degree.items() if n > HUB_CONTACT_PARTIES}
    hidden: set[str] = set()
    for uid in sorted(walk.dist, key=lambda u: walk.dist[u]):
        steps = walk.parents.get(uid)
        if steps and all(p in hubs or p in hidden for p, _ in steps):
            hidden.add(uid)
    return hubs, hidden


def _listed_under(relation: dict[str, Any]) -> str:
    """Where an answer lists a relation: suspected (through a contact) first, then family
    (through a family or associate link), else related."""
    if relation["suspected"]:
        return "suspected"
    return "family" if relation["family"] else "related"


#: The lists of a related answer a party can be listed under.
LISTS: tuple[Literal["related", "suspected", "family"], ...] = ("related", "suspected", "family")


class RelatedParty(Party):
    distance: int
    relations: list[Json]


class SuppressedHub(Party):
    parties: int
    left_out: int


class RelatedAnswer(TypedDict):
    """Parties within `hops` and how they are related; suspected relations and family
    apart; hubs left out of the walk."""

    party: Party
    as_of: str
    hops: int
    kinds: list[str]
    related: list[RelatedParty]
    suspected: list[RelatedParty]
    family: list[RelatedParty]
    truncated: int
    complete: bool
    suppressed_hubs: list[SuppressedHub]


def related(store: Reader, party_id: str, *, hops: int = 2, kinds: Sequence[str] | None = None,
            as_of: str | None = None, limit: int = 200,
            limits: Limits = DEFAULT_LIMITS) -> RelatedAnswer:
    """Parties within `hops` of `party_id` on `as_of`, each with how it is related (R5).

    >>> from credtrace.graph.memory import MemoryStore
    >>> from credtrace.ingest import ingest_bundle
    >>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
    >>> answer = related(store, "914101057123456728", as_of="2024-01-01")
    >>> [[x["relation"] for x in r["relations"]] for r in answer["related"]
    ...  if r["name"] == "郑州新华信贸易有限公司"]
    [['shared_legal_representative', 'shared_shareholder', 'shared_party']]
    >>> [(r["name"], r["relations"][0]["relation"]) for r in answer["suspected"]]
    [('郑州管城餐饮管理有限公司', 'shared_address')]
    """
    hops = bounded("hops", hops, 1, limits.max_hops)
    limit = bounded("limit", limit, 1, limits.max_results)
    day = as_of_date(as_of)
    types = rel_types(kinds, RELATED_KINDS)
    center = require_node(store, party_id, *PARTIES)
    found = explore(store, center.uid, types, day, hops, limits.max_results)
    walk = found.walk
    nodes = store.get_nodes(walk.dist)
    hubs, hidden = _hubs(store, walk, nodes)
    reached = sorted((uid for uid in walk.dist if uid != center.uid and uid not in hidden
                      and nodes[uid].kind in PARTIES), key=lambda uid: (walk.dist[uid], uid))
    kept = reached[:limit]
    relations = Relations(center.uid, nodes, day)
    _neighbours(walk, center.uid, set(kept), relations)
    _control(store, center, kept, relations)
    for uid in kept:
        if walk.dist[uid] > 2:
            for path in walk.paths_to(uid, MAX_PATHS):
                relations.add(uid, "indirect", path=path)
    answer: RelatedAnswer = {
        "party": brief(center), "as_of": day, "hops": hops, "kinds": types,
        "related": [], "suspected": [], "family": [], "truncated": len(reached) - len(kept),
        "complete": found.complete,
        "suppressed_hubs": [{**brief(nodes[c]), "parties": n,
                             "left_out": sum(1 for u in hidden if nodes[u].kind in PARTIES
                                             and any(p == c for p, _ in walk.parents[u]))}
                            for c, n in sorted(hubs.items())],
    }
    for uid in kept:
        items = relations.of(uid)
        for key in LISTS:
            chosen = [r for r in items if _listed_under(r) == key
                      and not (r["via"] and r["via"]["id"] in hubs)]
            if chosen:
                answer[key].append({**brief(nodes[uid]), "distance": walk.dist[uid],
                                    "relations": chosen})
    return answer
