"""The system of record: Neo4j through the official driver.

Every statement comes from `graph.neo4j.cypher` (constant text, values as parameters). Batches are
written with UNWIND in one managed transaction each, so a failure never leaves half a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import neo4j
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from credtrace.graph.model import MODEL
from credtrace.graph.neo4j import cypher
from credtrace.graph.reads import Direction, Plan, check_types
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import (
    Merged,
    Reader,
    Store,
    StoreError,
    StoreUnavailable,
    T,
    VersionedRow,
)
from credtrace.graph.traverse import check_path_request
from credtrace.graph.view import Prefetched, Subgraph

_KINDS = {n.name for n in MODEL.nodes}
#: Seconds to open a connection (default 30): a server that is gone or still starting
#: answers a reader with `StoreUnavailable` (the API's 503) soon, not after half a minute.
CONNECT_TIMEOUT = 5.0


def _kind(labels: Iterable[str]) -> str:
    return next(label for label in labels if label in _KINDS)


def _reaching(call: Callable[[], T]) -> T:
    """`call()`, with the driver's connection and credential failures as store errors."""
    try:
        return call()
    except (ServiceUnavailable, SessionExpired) as exc:
        raise StoreUnavailable(f"Neo4j is unavailable: {exc}") from exc
    except AuthError as exc:
        raise StoreError(f"Neo4j refused the credentials: {exc}") from exc


class Neo4jStore(Store):
    """Neo4j-backed store; opens a driver the store owns and creates the schema."""

    name = "neo4j"
    remote = True

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j") -> None:
        self.database, self._uri, self._auth = database, uri, (user, password)
        self.driver = self._connect()
        self.ensure_schema()

    def _connect(self) -> neo4j.Driver:
        try:
            # notifications off: "label not in the database" on an empty one is noise
            return neo4j.GraphDatabase.driver(self._uri, auth=self._auth,
                                              notifications_min_severity="OFF",
                                              connection_timeout=CONNECT_TIMEOUT)
        except ValueError as exc:
            raise StoreError(f"invalid Neo4j URI {self._uri!r}: {exc}") from exc

    def reconnect(self) -> None:
        """A new driver, forgetting connections and bookmarks: after the database was
        replaced (a bulk import), the old bookmarks name transactions it never had."""
        self.driver.close()
        self.driver = self._connect()

    def run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run one statement in a managed transaction and return its records as dicts."""
        return self._records(lambda: self.driver.execute_query(
            query, parameters_=params, database_=self.database)[0])

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run one read-only statement in an auto-commit transaction: a managed one costs a
        second exchange (its commit) and more client work. It still follows this driver's
        writes (their bookmarks)."""

        def fetch() -> list[neo4j.Record]:
            with self.driver.session(
                    database=self.database, default_access_mode=neo4j.READ_ACCESS,
                    bookmark_manager=self.driver.execute_query_bookmark_manager) as session:
                return list(session.run(query, params))

        return self._records(fetch)

    @staticmethod
    def _records(fetch: Callable[[], list[neo4j.Record]]) -> list[dict[str, Any]]:
        # dict(record), not record.data(): statements return maps, lists and scalars only,
        # and data()'s recursive copy costs more than the round trip on nested answers
        return [dict(record) for record in _reaching(fetch)]

    def ensure_schema(self) -> None:
        """Create what the schema lacks and drop what earlier versions had (one read when
        nothing is to be done)."""
        present = {r["name"] for r in self.read(cypher.INDEX_NAMES)}
        for name, statement in cypher.RETIRED.items():
            if name in present:
                self.run(statement)
        for name, statement in cypher.schema().items():
            if name not in present:
                self.run(statement)

    def await_indexes(self, seconds: int = 3600) -> None:
        """Wait until every index is online (after a bulk import they are being built)."""
        self.run(cypher.AWAIT_INDEXES, seconds=seconds)

    # --- writes -------------------------------------------------------------------
    def transaction(self, work: Callable[[Any], T]) -> T:
        """`work(tx)` in a managed write transaction (retried on transient errors)."""

        def call() -> T:
            with self.driver.session(
                    database=self.database,
                    bookmark_manager=self.driver.execute_query_bookmark_manager) as session:
                return session.execute_write(work)

        return _reaching(call)

    def merge(self, tx: Any, label: str, rows: Sequence[VersionedRow], edges: bool) -> Merged:
        query = cypher.merge_edges(label) if edges else cypher.merge_nodes(label)
        result = tx.run(query, rows=[row.as_param() for row in rows])
        record = result.single(strict=True)
        counters = result.consume().counters
        created = counters.relationships_created if edges else counters.nodes_created
        return Merged(created=created, reached=record["reached"],
                      changed={c["uid"]: c["props"] for c in record["changed"]})

    def replace(self, tx: Any, label: str, rows: Sequence[VersionedRow], edges: bool) -> None:
        query = cypher.replace_edges(label) if edges else cypher.replace_nodes(label)
        tx.run(query, rows=[row.as_param() for row in rows]).consume()

    # --- reads --------------------------------------------------------------------
    @staticmethod
    def _node(record: dict[str, Any]) -> Node:
        return Node(_kind(record["labels"]), record["uid"], record["props"])

    @staticmethod
    def _edge(record: dict[str, Any], rel_type: str | None = None) -> Edge:
        props = record["props"]
        return Edge(rel_type or record["type"], record["source"], record["target"],
                    props["eid"], props)

    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        records = self.read(cypher.GET_NODES, uids=list(uids))
        return {r["uid"]: self._node(r) for r in records}

    def kinds(self, uids: Iterable[str]) -> dict[str, str]:
        records = self.read(cypher.NODE_KINDS, uids=list(uids))
        return {r["uid"]: _kind(r["labels"]) for r in records}

    def adjacent(
        self,
        uids: Iterable[str],
        types: Sequence[str] | None = None,
        direction: Direction = "both",
        on: str | None = None,
    ) -> list[Edge]:
        check_types(types)
        records = self.read(
            cypher.ADJACENT[direction], uids=list(uids),
            types=list(types) if types is not None else None, on=on,
        )
        return [self._edge(r) for r in records]

    def nodes(self, kind: str) -> Iterator[Node]:
        for r in self.read(cypher.nodes_of(kind)):
            yield Node(kind, r["uid"], r["props"])

    def uids(self, kind: str) -> Iterator[str]:
        """Pages of `UID_PAGE` keys in index order: a 1M-node sweep never holds the nodes."""
        after = ""
        while page := self.read(cypher.uid_page(kind), after=after,
                                limit=cypher.UID_PAGE_SIZE)[0]["uids"]:
            yield from page
            after = page[-1]

    def edges(self, rel_type: str) -> Iterator[Edge]:
        for r in self.read(cypher.edges_of(rel_type)):
            yield self._edge(r, rel_type)

    def search(self, text: str, limit: int = 20) -> list[Node]:
        records = self.read(cypher.SEARCH, text=text, upper=text.upper(), limit=limit)
        return [self._node(r) for r in records]

    def counts(self) -> dict[str, int]:
        result = {k.name: self.read(cypher.count_nodes(k.name))[0]["n"] for k in MODEL.nodes}
        for rel in MODEL.rels:
            result[rel.name] = self.read(cypher.count_edges(rel.name))[0]["n"]
        return result

    def shortest_paths(self, a: str, b: str, types: Sequence[str], on: str | None,
                       max_hops: int, limit: int) -> list[list[Edge]]:
        """Server-side ALL SHORTEST search (see `Reader.shortest_paths`)."""
        check_path_request(a, b, max_hops, limit)
        records = self.read(cypher.SHORTEST_PATHS[max_hops], a=a, b=b, types=list(types),
                           on=on, limit=limit)
        return [[self._edge(step) for step in r["steps"]] for r in records]

    def prefetch(self, uids: Sequence[str], plan: Plan, kinds: Sequence[str] = ()) -> Reader:
        """The plan read in one statement (see `Reader.prefetch`, `graph.view.gather`)."""
        (record,) = self.read(cypher.gather(cypher.plan_key(plan), tuple(kinds)),
                             uids=list(uids))
        sub = Subgraph(nodes={n["uid"]: self._node(n) for n in record["nodes"]},
                       edges={r["props"]["eid"]: self._edge(r) for r in record["edges"]},
                       kinds=set(kinds))
        frontiers = record["frontiers"]
        sub.missing = set(uids) - set(frontiers[0])
        for hop, frontier in zip(plan, frontiers, strict=False):
            sub.cover((sub.nodes[u] for u in frontier), hop)
        return Prefetched(self, sub)

    # --- lifecycle ----------------------------------------------------------------
    def ping(self) -> None:
        self.read(cypher.PING)

    def clear(self) -> None:
        with self.driver.session(database=self.database) as session:
            session.run(cypher.CLEAR).consume()

    def close(self) -> None:
        self.driver.close()
