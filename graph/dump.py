"""A logical dump of a store, and its load into another: the graph part of a backup.

The dump is every node and relationship of every declared kind with all its properties,
fingerprint and version history, as gzip-compressed JSON lines. It is written and read
through the `Store` primitives only, so it moves a graph between any two stores (Neo4j to
the embedded store and back) and a load reproduces the same answers, history included.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.graph.store import EntityRow
>>> import io
>>> source = MemoryStore()
>>> _ = source.upsert_nodes("Authority", [EntityRow("局", {"name": "郑州市市场监督管理局"})])
>>> buffer = io.BytesIO()
>>> dump_store(source, buffer)["Authority"]
1
>>> target = MemoryStore()
>>> _ = load_dump(target, io.BytesIO(buffer.getvalue()))
>>> target.get_node("局").props["name"]
'郑州市市场监督管理局'
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from itertools import islice
from typing import IO, Any

from credtrace.graph.model import MODEL
from credtrace.graph.store import Store, StoreError, VersionedRow

FORMAT = "credtrace-dump"
VERSION = 1
BATCH = 5_000
#: Keys a store keeps for itself: the relationship key is the line's own `key`.
_OWN = ("eid", "uid", "fp", "history")


class DumpError(StoreError):
    """A dump that cannot be read or does not match what it says it holds."""


def dump_store(store: Store, out: IO[bytes]) -> dict[str, int]:
    """Write every node and relationship of `store` to `out`; the counts per kind."""
    counts: dict[str, int] = {}
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as zipped:
        zipped.write(_line({"format": FORMAT, "version": VERSION}))
        for kind in MODEL.nodes:
            counts[kind.name] = 0
            for node in store.nodes(kind.name):
                zipped.write(_line({"node": kind.name, "key": node.uid, **_split(node.props)}))
                counts[kind.name] += 1
        for rel in MODEL.rels:
            counts[rel.name] = 0
            for edge in store.edges(rel.name):
                zipped.write(_line({"rel": rel.name, "key": edge.eid, "source": edge.source,
                                    "target": edge.target, **_split(edge.props)}))
                counts[rel.name] += 1
    return counts


def load_dump(store: Store, source: IO[bytes]) -> dict[str, int]:
    """Load a dump into `store`, which must be empty; the counts per kind.

    Each batch is one transaction; the counts are checked against the store afterwards.
    """
    nonempty = {k: n for k, n in store.counts().items() if n}
    if nonempty:
        raise DumpError(f"the target store is not empty ({_describe(nonempty)}); "
                        "restore into an empty store")
    counts: dict[str, int] = {}
    lines = _records(source)
    header = next(lines, None)
    if header != {"format": FORMAT, "version": VERSION}:
        raise DumpError(f"not a {FORMAT} version {VERSION} file (header {header!r})")
    label, edges = "", False
    batch: list[VersionedRow] = []
    for record in lines:
        kind, is_edge = (record["rel"], True) if "rel" in record else (record["node"], False)
        if (kind, is_edge) != (label, edges) or len(batch) == BATCH:
            _write(store, label, batch, edges)
            label, edges, batch = kind, is_edge, []
        batch.append(_row(record, is_edge))
        counts[kind] = counts.get(kind, 0) + 1
    _write(store, label, batch, edges)
    stored = {k: n for k, n in store.counts().items() if n}
    if stored != counts:
        raise DumpError(f"loaded {_describe(stored)}, the dump holds {_describe(counts)}")
    return counts


def _records(source: IO[bytes]) -> Iterator[dict[str, Any]]:
    try:
        with gzip.GzipFile(fileobj=source, mode="rb") as zipped:
            for number, raw in enumerate(zipped, start=1):
                try:
                    yield json.loads(raw)
                except ValueError as exc:
                    raise DumpError(f"line {number} of the dump cannot be read: {exc}") from None
    except (OSError, EOFError) as exc:
        raise DumpError(f"the dump cannot be read ({exc})") from None


def _write(store: Store, label: str, rows: list[VersionedRow], edges: bool) -> None:
    if not rows:
        return

    def work(tx: Any) -> None:
        merged = store.merge(tx, label, rows, edges)
        if merged.created != len(rows):
            raise DumpError(f"{len(rows) - merged.created} {label} rows of the dump were not "
                            "created (a repeated key or a missing endpoint)")
        store.replace(tx, label, [row for row in rows if row.history], edges)

    store.transaction(work)


def _row(record: dict[str, Any], edge: bool) -> VersionedRow:
    try:
        return VersionedRow(record["key"], record["props"], record["fp"],
                            record.get("source") if edge else None,
                            record.get("target") if edge else None,
                            tuple(record["history"]))
    except (KeyError, TypeError) as exc:
        raise DumpError(f"a dump record lacks {exc}: {str(record)[:200]}") from None


def _split(props: dict[str, Any]) -> dict[str, Any]:
    return {"props": {k: v for k, v in props.items() if k not in _OWN and v is not None},
            "fp": props.get("fp", ""), "history": list(props.get("history") or ())}


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, sort_keys=True, default=str) + "\n").encode()


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {kind}" for kind, n in islice(sorted(counts.items()), 12))
