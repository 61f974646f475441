"""Every Cypher statement of credtrace, as constant text with `$parameters`.

Labels and relationship types appear only through `_label`, which accepts nothing but
names declared in `graph.model`; values always travel as parameters.
"""

from __future__ import annotations

from graph.model import MODEL
from graph.settings import MAX_PATH_HOPS

#: Label every node carries, so any key can be looked up through one unique index.
NODE = "Node"


def _label(name: str) -> str:
    """A declared label or relationship type, back-quoted; anything else is refused."""
    declared = {n.name for n in MODEL.nodes} | {r.name for r in MODEL.rels}
    declared |= set(MODEL.shared_labels) | {NODE}
    if name not in declared:
        raise ValueError(f"{name!r} is not declared in the model")
    return f"`{name}`"


def schema() -> list[str]:
    """Constraints and indexes, each idempotent."""
    statements = [
        f"CREATE CONSTRAINT node_uid IF NOT EXISTS FOR (n:{_label(NODE)}) REQUIRE n.uid IS UNIQUE"
    ]
    for label in (*(n.name for n in MODEL.nodes), *MODEL.shared_labels):
        statements.append(
            f"CREATE CONSTRAINT {label.lower()}_uid IF NOT EXISTS "
            f"FOR (n:{_label(label)}) REQUIRE n.uid IS UNIQUE"
        )
    for rel in MODEL.rels:
        statements.append(
            f"CREATE INDEX {rel.name.lower()}_eid IF NOT EXISTS "
            f"FOR ()-[r:{_label(rel.name)}]-() ON (r.eid)"
        )
    for kind in MODEL.labels_of("Party"):
        statements.append(
            f"CREATE TEXT INDEX {kind.lower()}_name IF NOT EXISTS "
            f"FOR (n:{_label(kind)}) ON (n.name)"
        )
    return statements


_VERSIONED_SET = """
WITH x, row, x.fp AS old
FOREACH (_ IN CASE WHEN old IS NULL OR old <> row.fp THEN [1] ELSE [] END |
  SET x.history = CASE WHEN old IS NULL THEN [] ELSE coalesce(x.history, []) + x.snapshot END,
      x += row.props, x.fp = row.fp, x.snapshot = row.snapshot)
RETURN sum(CASE WHEN old IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN old IS NOT NULL AND old <> row.fp THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN old = row.fp THEN 1 ELSE 0 END) AS unchanged
"""


def write_nodes(kind: str) -> str:
    """Versioned batch upsert of nodes of `kind` (see `graph.store.versioned`)."""
    labels = "".join(f":{_label(x)}" for x in (NODE, *MODEL.node(kind).labels))
    return (
        f"UNWIND $rows AS row MERGE (x:{_label(kind)} {{uid: row.uid}}) "
        f"ON CREATE SET x{labels}" + _VERSIONED_SET
    )


def write_edges(rel_type: str) -> str:
    """Versioned batch upsert of relationships; rows with a missing endpoint are skipped."""
    rel = MODEL.rel(rel_type)
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{_label(rel.source)} {{uid: row.source}}) "
        f"MATCH (b:{_label(rel.target)} {{uid: row.target}}) "
        f"MERGE (a)-[x:{_label(rel_type)} {{eid: row.uid}}]->(b)" + _VERSIONED_SET
    )


GET_NODES = f"""
UNWIND $uids AS uid
MATCH (n:{_label(NODE)} {{uid: uid}})
RETURN n.uid AS uid, labels(n) AS labels, properties(n) AS props
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


def edges_of(rel_type: str) -> str:
    return (
        f"MATCH (a)-[r:{_label(rel_type)}]->(b) "
        "RETURN a.uid AS source, b.uid AS target, properties(r) AS props ORDER BY r.eid"
    )


def count_nodes(kind: str) -> str:
    return f"MATCH (n:{_label(kind)}) RETURN count(n) AS n"


def count_edges(rel_type: str) -> str:
    return f"MATCH ()-[r:{_label(rel_type)}]->() RETURN count(r) AS n"


SEARCH = """
CALL () {
  MATCH (n:Enterprise) WHERE n.name CONTAINS $text RETURN n
  UNION
  MATCH (n:Person) WHERE n.name CONTAINS $text RETURN n
  UNION
  MATCH (n:Party) WHERE n.uid STARTS WITH $text OR n.uid STARTS WITH $upper RETURN n
}
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

CLEAR = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"

PING = "RETURN 1 AS one"
