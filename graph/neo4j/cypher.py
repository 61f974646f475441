"""Every Cypher statement of credtrace, as constant text with `$parameters`.

Labels and relationship types appear only through `_label`, which accepts nothing but
names declared in `graph.model`; values always travel as parameters.
"""

from __future__ import annotations

from functools import cache

from credtrace.graph.model import MODEL, Label
from credtrace.graph.reads import Plan
from credtrace.graph.traverse import MAX_PATH_HOPS

#: Label every node carries, so any key can be looked up through one unique index.
NODE = "Node"


def _label(name: str) -> str:
    """A declared label or relationship type, back-quoted; anything else is refused."""
    declared = {n.name for n in MODEL.nodes} | {r.name for r in MODEL.rels}
    declared |= set(MODEL.shared_labels) | {NODE}
    if name not in declared:
        raise ValueError(f"{name!r} is not declared in the model")
    return f"`{name}`"


#: Constraints and indexes of earlier versions, dropped when a store connects: one unique
#: index on `Node.uid` serves every lookup, and relationships are found from their source.
RETIRED = {
    **{f"{label.lower()}_uid": f"DROP CONSTRAINT {label.lower()}_uid IF EXISTS"
       for label in (Label.ENTERPRISE, Label.PERSON, Label.AUTHORITY, Label.MEASURE,
                     Label.MEASURE_EVENT, Label.MEASURE_KIND, Label.CONTACT, Label.INGEST_RUN,
                     Label.PARTY)},
    **{f"{rel.name.lower()}_eid": f"DROP INDEX {rel.name.lower()}_eid IF EXISTS"
       for rel in MODEL.rels},
}

#: Names of the indexes there are (a uniqueness constraint's index has its name).
INDEX_NAMES = "SHOW INDEXES YIELD name RETURN name"


def schema() -> dict[str, str]:
    """Constraints and indexes by name, each statement idempotent: the unique key of every
    node (all carry the `Node` label) and the name indexes of search."""
    statements = {"node_uid": f"CREATE CONSTRAINT node_uid IF NOT EXISTS "
                              f"FOR (n:{_label(NODE)}) REQUIRE n.uid IS UNIQUE"}
    for kind in MODEL.labels_of(Label.PARTY):
        statements[f"{kind.lower()}_name"] = (f"CREATE TEXT INDEX {kind.lower()}_name IF NOT "
                                              f"EXISTS FOR (n:{_label(kind)}) ON (n.name)")
    return statements


def _seek(var: str, uid: str, label: str) -> str:
    """Find node `var` by key through the unique index on `Node.uid`, of kind `label`."""
    return f"MATCH ({var}:{_label(NODE)} {{uid: {uid}}}) WHERE {var}:{_label(label)}"


#: What a merge answers: the rows reached and the stored version of those that changed.
_CHANGED = """
WITH x, row
RETURN count(x) AS reached,
       collect(CASE WHEN x.fp <> row.fp THEN {uid: row.uid, props: properties(x)} END) AS changed
"""
_REPLACE = "SET x += row.props, x.fp = row.fp, x.history = row.history"


def merge_nodes(kind: str) -> str:
    """Create the absent nodes of `kind` (see `Store.merge`)."""
    labels = "".join(f":{_label(x)}" for x in MODEL.node(kind).labels)
    return (f"UNWIND $rows AS row MERGE (x:{_label(NODE)}:{_label(kind)} {{uid: row.uid}}) "
            f"ON CREATE SET {'x' + labels + ', ' if labels else ''}x += row.props, x.fp = row.fp"
            + _CHANGED)


def replace_nodes(kind: str) -> str:
    """Write changed nodes of `kind` over their stored versions."""
    return f"UNWIND $rows AS row {_seek('x', 'row.uid', kind)} {_REPLACE}"


def merge_edges(rel_type: str) -> str:
    """Create the absent relationships of `rel_type` between existing endpoints."""
    rel = MODEL.rel(rel_type)
    return (f"UNWIND $rows AS row {_seek('a', 'row.source', rel.source)} "
            f"{_seek('b', 'row.target', rel.target)} "
            f"MERGE (a)-[x:{_label(rel_type)} {{eid: row.uid}}]->(b) "
            "ON CREATE SET x += row.props, x.fp = row.fp" + _CHANGED)


def replace_edges(rel_type: str) -> str:
    """Write changed relationships over their stored versions (found from their source)."""
    return (f"UNWIND $rows AS row MATCH (:{_label(NODE)} {{uid: row.source}})"
            f"-[x:{_label(rel_type)} {{eid: row.uid}}]->() {_REPLACE}")


GET_NODES = f"""
UNWIND $uids AS uid
MATCH (n:{_label(NODE)} {{uid: uid}})
RETURN n.uid AS uid, labels(n) AS labels, properties(n) AS props
"""

NODE_KINDS = f"""
UNWIND $uids AS uid
MATCH (n:{_label(NODE)} {{uid: uid}})
RETURN n.uid AS uid, labels(n) AS labels
"""

_ADJACENT = """
UNWIND $uids AS uid
MATCH (n:{node} {{uid: uid}}){pattern}(m)
WHERE ($types IS NULL OR type(r) IN $types)
  AND ($on IS NULL OR ((r.end IS NULL OR r.end > $on) AND (r.start IS NULL OR r.start <= $on)))
RETURN DISTINCT type(r) AS type, startNode(r).uid AS source, endNode(r).uid AS target,
       properties(r) AS props
"""

ADJACENT = {
    "out": _ADJACENT.format(node=_label(NODE), pattern="-[r]->"),
    "in": _ADJACENT.format(node=_label(NODE), pattern="<-[r]-"),
    "both": _ADJACENT.format(node=_label(NODE), pattern="-[r]-"),
}


def nodes_of(kind: str) -> str:
    return f"MATCH (n:{_label(kind)}) RETURN n.uid AS uid, properties(n) AS props ORDER BY n.uid"


#: Keys per page of `uid_page`.
UID_PAGE_SIZE = 10_000


def uid_page(kind: str) -> str:
    """The next `$limit` keys of `kind` after `$after`, read in order from the unique
    index on `Node.uid` (a range seek; matching `:{kind}` alone scans and sorts every node
    of the kind for each page: 238 s instead of seconds for 1M enterprises), as one list
    (a record per key cost more client time than the reading)."""
    return (f"MATCH (n:{_label(NODE)}) WHERE n.uid > $after AND n:{_label(kind)} "
            "WITH n.uid AS uid ORDER BY uid LIMIT $limit RETURN collect(uid) AS uids")


def edges_of(rel_type: str) -> str:
    return (
        f"MATCH (a)-[r:{_label(rel_type)}]->(b) "
        "RETURN a.uid AS source, b.uid AS target, properties(r) AS props ORDER BY r.eid"
    )


def count_nodes(kind: str) -> str:
    return f"MATCH (n:{_label(kind)}) RETURN count(n) AS n"


def count_edges(rel_type: str) -> str:
    return f"MATCH ()-[r:{_label(rel_type)}]->() RETURN count(r) AS n"


_BY_NAME = "\n  UNION\n".join(f"  MATCH (n:{_label(kind)}) WHERE n.name CONTAINS $text RETURN n"
                              for kind in MODEL.labels_of(Label.PARTY))
#: Parties by name (through each kind's text index) or by key prefix (through the key index).
SEARCH = f"""
CALL () {{
{_BY_NAME}
  UNION
  MATCH (n:{_label(NODE)}) WHERE (n.uid STARTS WITH $text OR n.uid STARTS WITH $upper)
    AND n:{_label(Label.PARTY)}
  RETURN n
}}
RETURN n.uid AS uid, labels(n) AS labels, properties(n) AS props
ORDER BY n.uid LIMIT $limit
"""

# All shortest paths between two nodes found through the unique index, traversed server-side
# with the type and date predicates inside the quantified pattern. The hop bound must be a
# literal, so there is one constant statement per bound 1..MAX_PATH_HOPS. The ORDER BY is the
# canonical path order of `graph.traverse` (the (node key, relationship key) sequence).
_SHORTEST_PATHS = """
MATCH (a:{node} {{uid: $a}}), (b:{node} {{uid: $b}})
MATCH p = ALL SHORTEST (a)(()-[r WHERE type(r) IN $types
    AND ($on IS NULL OR ((r.end IS NULL OR r.end > $on) AND (r.start IS NULL OR r.start <= $on)))
  ]-()){{1,{hops}}}(b)
WITH p ORDER BY [i IN range(1, length(p)) | [nodes(p)[i].uid, relationships(p)[i - 1].eid]]
LIMIT $limit
RETURN [r IN relationships(p) | {{type: type(r), source: startNode(r).uid,
        target: endNode(r).uid, props: properties(r)}}] AS steps
"""

SHORTEST_PATHS = {
    hops: _SHORTEST_PATHS.format(node=_label(NODE), hops=hops)
    for hops in range(1, MAX_PATH_HOPS + 1)
}

_GATHER_END = """
WITH [{frontiers}] AS frontiers, {rels} AS rels, {everything} AS everything
CALL (frontiers, everything) {{
  UNWIND reduce(all = everything, f IN frontiers | all + f) AS n
  WITH DISTINCT n
  RETURN collect({{uid: n.uid, labels: labels(n), props: properties(n)}}) AS nodes
}}
CALL (rels) {{
  UNWIND rels AS r
  WITH DISTINCT r
  RETURN collect({{type: type(r), source: startNode(r).uid, target: endNode(r).uid,
                   props: properties(r)}}) AS edges
}}
RETURN [f IN frontiers | [n IN f | n.uid]] AS frontiers, nodes, edges
"""
_ARROWS = {"out": "-[r:{types}]->", "in": "<-[r:{types}]-", "both": "-[r:{types}]-"}
#: A read plan in hashable form: per hop, (node kind, ((types, direction), ...)) pairs.
PlanKey = tuple[tuple[tuple[str, tuple[tuple[tuple[str, ...], str], ...]], ...], ...]


def plan_key(plan: Plan) -> PlanKey:
    return tuple(tuple((kind, tuple((tuple(types), d) for types, d in follow))
                       for kind, follow in hop.items()) for hop in plan)


@cache
def gather(plan: PlanKey, kinds: tuple[str, ...] = ()) -> str:
    """One statement reading a `graph.reads.Plan` (as `plan_key`) from the nodes `$uids`,
    and every node of `kinds`: the reading `graph.view.gather` makes over the primitives.
    Each hop follows, from the nodes the hop before reached, the typed pattern of each
    (kind, types, direction) of the plan."""
    text = f"UNWIND $uids AS uid OPTIONAL MATCH (s:{_label(NODE)} {{uid: uid}}) " \
           "WITH collect(DISTINCT s) AS f0"
    for i, hop in enumerate(plan):
        parts = [
            f"UNWIND f{i} AS n WITH n WHERE n:{_label(kind)} MATCH (n)"
            + _ARROWS[d].format(types="|".join(_label(t) for t in types)) + "(m) RETURN r, m"
            for kind, follow in hop for types, d in follow if types]
        text += (f"\nCALL (f{i}) {{ CALL (f{i}) {{ " + " UNION ALL ".join(parts)
                 + f" }} RETURN collect(DISTINCT r) AS r{i}, collect(DISTINCT m) AS f{i + 1} }}"
                 if parts else f"\nWITH *, [] AS r{i}, [] AS f{i + 1}")
    for k, kind in enumerate(kinds):
        text += f"\nCALL () {{ MATCH (n:{_label(kind)}) RETURN collect(n) AS k{k} }}"
    return text + _GATHER_END.format(
        frontiers=", ".join(f"f{i}" for i in range(len(plan) + 1)),
        rels=" + ".join(f"r{i}" for i in range(len(plan))) or "[]",
        everything=" + ".join(f"k{k}" for k in range(len(kinds))) or "[]")


CLEAR = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"

PING = "RETURN 1 AS one"

AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"
