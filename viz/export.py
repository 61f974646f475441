"""Exports of a party's neighbourhood: CSV (one file per table), Excel (one sheet per
table), GraphML and GEXF (for Gephi: scalar attributes only) and JSON; for a download, one
file with its media type (CSV: a zip of the tables).

Personal ID numbers are masked with the shared tokens (`queries.privacy`) unless
`reveal_ids`; a masked key stays unique.

>>> import tempfile
>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> out = Path(tempfile.mkdtemp()) / "g.graphml"
>>> [p.name for p in export(store, "914101057123456728", fmt="graphml", out=out)]
['g.graphml']
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import networkx as nx
import pandas as pd

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.store import Reader
from credtrace.queries.common import InvalidInput, require_node
from credtrace.queries.network import Subgraph, neighbourhood
from credtrace.viz.cells import text_cells_only, write_csv
from credtrace.viz.masking import file_key, redact_subgraph
from credtrace.viz.tables import TABLE_ZH, subgraph_tables, zh_headers

Format = Literal["csv", "xlsx", "graphml", "gexf", "json"]
FORMATS: tuple[str, ...] = get_args(Format)
#: What a download of each format is sent as (csv: a zip of the tables).
MEDIA_TYPES = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "graphml": "application/graphml+xml", "gexf": "application/gexf+xml",
    "json": "application/json",
}
SCALARS = (str, int, float, bool)
#: Attribute names that GEXF reserves (an edge's `type` is directed/undirected, `source` an
#: endpoint) are renamed; `start` / `end` stay: Gephi reads them as the validity interval.
RENAMED = {"type": "rel_type", "source": "data_source", "id": "key"}


def scalar(value: Any) -> str | int | float | bool | None:
    """A value GraphML and GEXF can hold: lists joined, mappings as JSON, None dropped."""
    if value is None or isinstance(value, SCALARS):
        return value
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def flat(attrs: dict[str, Any]) -> dict[str, Any]:
    return {RENAMED.get(k, k): v for k, v in ((k, scalar(v)) for k, v in attrs.items())
            if v is not None}


def to_networkx(sub: Subgraph) -> nx.MultiDiGraph:
    """The neighbourhood as a directed multigraph with scalar attributes only."""
    graph = nx.MultiDiGraph(center=sub.center, as_of=sub.as_of, hops=sub.hops)
    for node in sub.nodes:
        attrs = {**node["props"], "kind": node["kind"], "kind_zh": node.get("label_zh"),
                 "label": node["name"], "distance": node.get("distance"),
                 "state": (node.get("state") or {}).get("status")}
        graph.add_node(node["id"], **flat(attrs))
    for edge in sub.edges:
        attrs = {**edge["props"], "rel_type": edge["type"], "label": edge["label_zh"],
                 "start": edge["start"], "end": edge["end"], "validity": edge["validity"],
                 "percentage": edge.get("percentage")}
        graph.add_edge(edge["source"], edge["target"], key=edge["id"], **flat(attrs))
    return graph


def export_subgraph(sub: Subgraph, fmt: str, out: Path, *, reveal_ids: bool = False,
                    mask_key: bytes | None = None, zh: bool = False) -> list[Path]:
    """Write `sub` as `fmt` to `out` (a folder for csv); the paths written."""
    sub = redact_subgraph(sub, reveal_ids=reveal_ids, key=mask_key)
    if fmt in ("csv", "xlsx"):
        tables = subgraph_tables(sub)
        frames = {name: pd.DataFrame(zh_headers(rows) if zh else rows)
                  for name, rows in tables.items()}
        return write_tables(frames, fmt, out, zh)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        out.write_text(json.dumps(sub.as_dict(), ensure_ascii=False, indent=2),
                       encoding="utf-8")
    elif fmt == "graphml":
        nx.write_graphml(to_networkx(sub), out, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(to_networkx(sub), out, encoding="utf-8")
    else:
        raise InvalidInput(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    return [out]


def write_tables(frames: dict[str, pd.DataFrame], fmt: str, out: Path, zh: bool) -> list[Path]:
    """CSV: one UTF-8 file per table in folder `out` (with a BOM, so Excel reads Chinese);
    Excel: one sheet per table. No cell is a live formula (`viz.cells`)."""
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in frames.items():
            path = out / f"{name}.csv"
            write_csv(path, [str(c) for c in frame.columns], frame.itertuples(index=False))
            written.append(path)
        return written
    out.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(out, engine="openpyxl") as book:
        for name, frame in frames.items():
            frame.to_excel(book, sheet_name=TABLE_ZH[name] if zh else name, index=False)
        text_cells_only(book.book)
    return [out]


def export(store: Reader, party_id: str, *, fmt: str, out: Path, hops: int = 1,
           kinds: Sequence[str] | None = None, as_of: str | None = None,
           reveal_ids: bool = False, mask_key: bytes | None = None,
           zh: bool = False, limits: Limits = DEFAULT_LIMITS) -> list[Path]:
    """Export the neighbourhood of `party_id` (up to `limits.max_results` nodes)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    sub = neighbourhood(store, party_id, hops=hops, kinds=kinds, as_of=as_of,
                        max_nodes=limits.max_results, limits=limits)
    return export_subgraph(sub, fmt, Path(out), reveal_ids=reveal_ids, mask_key=mask_key,
                           zh=zh)


@dataclass(frozen=True)
class Download:
    """One file to send: its name, media type and bytes."""

    filename: str
    media_type: str
    content: bytes


def download(store: Reader, party_id: str, *, fmt: str, **options: Any) -> Download:
    """The export of `fmt` (`export`'s `options`) as one file: csv zips its tables;
    named ``export-<key>.<ext>`` (a person's key masked unless `reveal_ids`).

    >>> from credtrace.graph.memory import MemoryStore
    >>> from credtrace.ingest import ingest_bundle
    >>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
    >>> d = download(store, "914101057123456728", fmt="csv", as_of="2024-01-01")
    >>> d.filename, d.media_type, len(zipfile.ZipFile(io.BytesIO(d.content)).namelist())
    ('export-914101057123456728.zip', 'application/zip', 6)
    """
    with tempfile.TemporaryDirectory(prefix="credtrace-export-") as folder:
        written = export(store, party_id, fmt=fmt, out=Path(folder) / f"export.{fmt}",
                         **options)
        if fmt == "csv":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in written:
                    archive.write(path, path.name)
            content = buffer.getvalue()
        else:
            content = written[0].read_bytes()
    key = file_key(require_node(store, party_id), reveal_ids=options.get("reveal_ids", False),
                   key=options.get("mask_key"))
    return Download(f"export-{key}.{'zip' if fmt == 'csv' else fmt}", MEDIA_TYPES[fmt],
                    content)
