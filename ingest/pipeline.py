"""The ingestion pipeline shared by every importer: validate, resolve, batch, record.

Rows arrive as `(line, {column: text})` for one of the canonical tables. Each row is
converted (see `ingest.tables`), its references are resolved against this run and the
store, and its writes are batched into transactions. A bad row becomes a `Reject` naming
file, line, field, value and reason; good rows still load. The run itself is recorded as
an `IngestRun` node.
"""

from __future__ import annotations

import csv
import json
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from credtrace.graph.model import MODEL, Label
from credtrace.graph.store import EntityRow, Reader, VersionedRow, Writer, WriteResult
from credtrace.ingest.doubtful import DoubtfulFacts
from credtrace.ingest.due_process import DueProcess
from credtrace.ingest.fields import FieldError
from credtrace.ingest.prepare import InProcess, Prepared, RowPool, fewer_collections, prepare_rows
from credtrace.ingest.tables import Table

BATCH_ROWS = 5000
#: Node kinds that rows refer to; their keys are remembered for the whole run.
REFERABLE = frozenset({Label.ENTERPRISE, Label.PERSON, Label.MEASURE})
Rows = Iterable[tuple[int, dict[str, str]]]
Progress = Callable[[str, int], None]


@dataclass(slots=True)
class Reject:
    """A row (or value) not loaded as given, and why."""

    file: str
    line: int
    field: str
    value: str
    reason: str
    severity: str = "error"  # "warning": loaded, but flagged
    kind: str = ""  # what is wrong, for the summary's counts; the field when not given

    @property
    def group(self) -> str:
        """`severity: kind` under which the run's summary counts this reject."""
        return f"{self.severity}: {self.kind or self.field}"


@dataclass
class TableCounts:
    """Rows read, loaded and rejected for one file."""

    read: int = 0
    loaded: int = 0
    rejected: int = 0


@dataclass
class IngestReport:
    """The outcome of one run."""

    run_id: str
    source: str
    path: str
    started: str
    finished: str = ""
    status: str = "running"
    tables: dict[str, TableCounts] = field(default_factory=dict)
    writes: WriteResult = field(default_factory=WriteResult)
    rejects: list[Reject] = field(default_factory=list)  # the first ones, for the summary
    rejected: int = 0
    warnings: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # rejects and warnings by group
    rejects_file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _problem(writes: Prepared, known: dict[str, str],
             stored: dict[str, str]) -> tuple[str, str, str] | None:
    """Why a row cannot be written (field, value, reason): a reference to a party that
    exists nowhere or is of another kind, or a key already used by another kind."""
    for label, uid, name in writes.refs:
        kind = known.get(uid)
        if kind is None:
            return name, uid, f"refers to a {label.lower()} that exists nowhere"
        if kind not in MODEL.labels_of(label):
            return name, uid, f"refers to a {kind.lower()}, expected a {label.lower()}"
    for kind, row in writes.nodes:
        other = known.get(row.uid) or stored.get(row.uid)
        if other is not None and other != kind:
            return "key", row.uid, f"key already used by a {other.lower()}"
    return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RejectSink:
    """Writes rejects to a CSV file as they come and keeps the first ones in memory."""

    KEEP = 200

    def __init__(self, path: Path | None, report: IngestReport) -> None:
        self.path, self.report = path, report
        self._fh: IO[str] | None = None
        self._writer: Any = None

    def add(self, reject: Reject) -> None:
        if reject.severity == "error":
            self.report.rejected += 1
        else:
            self.report.warnings += 1
        group = reject.group
        self.report.by_kind[group] = self.report.by_kind.get(group, 0) + 1
        if len(self.report.rejects) < self.KEEP:
            self.report.rejects.append(reject)
        if self.path is None:
            return
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # owner-only (0600): rejected rows carry ID numbers
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.chmod(self.path, 0o600)
            self._fh = open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed in close())
            self._writer = csv.writer(self._fh)
            self._writer.writerow(["file", "line", "field", "value", "reason", "severity"])
            self.report.rejects_file = str(self.path)
        self._writer.writerow([reject.file, reject.line, reject.field, reject.value,
                               reject.reason, reject.severity])

    def close(self) -> None:
        if self._fh:
            self._fh.close()


class Ingestor:
    """One ingest run into a store."""

    def __init__(
        self,
        store: Writer,
        *,
        source: str,
        path: str,
        rejects_path: Path | None = None,
        progress: Progress | None = None,
        batch_rows: int = BATCH_ROWS,
        workers: int = 0,
        import_parts: Path | None = None,
    ) -> None:
        self.store, self.progress, self.batch_rows = store, progress, batch_rows
        self._rows: InProcess = RowPool(workers) if workers > 1 else InProcess()
        self.import_parts = import_parts  # a bulk import's folder: prepared rows go there
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        self.report = IngestReport(run_id, source, path, _now())
        self.sink = RejectSink(rejects_path, self.report)
        #: key -> kind of referable nodes this run wrote (those in flight, and all of them
        #: when the store is remote: a cache of what it would answer)
        self.known: dict[str, str] = {}
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer")
        self._pending: Future[None] | None = None
        self.due_process = DueProcess(store if isinstance(store, Reader) else None)
        self._doubtful = DoubtfulFacts()  # what the current table writes that a rule covers
        self._record_run()

    # --- the run record -----------------------------------------------------------
    def _record_run(self) -> None:
        r = self.report
        counts = {name: asdict(c) for name, c in r.tables.items()}
        content = {"started": r.started, "finished": r.finished or None, "status": r.status,
                   "path": r.path, "format": r.source, "rejects": r.rejected,
                   "counts": json.dumps(counts, ensure_ascii=False)}
        self.store.upsert_nodes(Label.INGEST_RUN, [EntityRow(r.run_id, content,
                                                        {"source": r.source, "run_id": r.run_id})])
        self.store.flush()

    def finish(self, status: str = "succeeded") -> IngestReport:
        """Close the run: record its counts and status, make it durable."""
        if self._pending is not None:  # let a batch in flight end (commit or roll back)
            wait([self._pending])
            self._pending = None
        self._writer.shutdown()
        self._rows.close()
        self.report.status, self.report.finished = status, _now()
        self.sink.close()
        self._record_run()
        return self.report

    # --- loading ------------------------------------------------------------------
    def load_table(self, table: Table, rows: Callable[[], Rows], file: str) -> None:
        """Validate and load every row of one table, in batches; then flag the doubtful
        facts it wrote, judged with what the store holds (`ingest.doubtful`)."""
        with fewer_collections():
            self._load_table(table, rows, file)

    def _load_table(self, table: Table, rows: Callable[[], Rows], file: str) -> None:
        counts = self.report.tables.setdefault(table.name, TableCounts())
        seen: dict[str, int] = {}
        batch: list[tuple[int, Prepared]] = []
        for line, result in self._prepared(table, rows, file):
            counts.read += 1
            prepared = self._accept(table, file, line, result, seen)
            if prepared is None or self._refused_by_due_process(file, line, prepared):
                counts.rejected += 1
                continue
            batch.append((line, prepared))
            if len(batch) >= self.batch_rows:
                self._write_batch(file, batch, counts)
                batch = []
        self._write_batch(file, batch, counts)
        self._wait_for_writes()
        self.store.flush()
        # a bulk load goes into an empty database, through a spool that answers no reads
        store = self.store if isinstance(self.store, Reader) else None
        for line, name, value, reason, kind in self._doubtful.judge(store):
            self.sink.add(Reject(file, line, name, value, reason, "warning", kind))

    def _prepared(self, table: Table, rows: Callable[[], Rows],
                  file: str) -> Iterator[tuple[int, Prepared | FieldError]]:
        """(line, prepared row) in file order."""
        r = self.report
        args = (table, r.source, file, r.run_id, self.import_parts)
        for chunk, answers in self._rows.map(prepare_rows, rows(), *args):
            yield from zip((line for line, _ in chunk), answers, strict=True)

    def _accept(self, table: Table, file: str, line: int, result: Prepared | FieldError,
                seen: dict[str, int]) -> Prepared | None:
        """The prepared row, or None when it is refused (reported) or a duplicate."""
        if isinstance(result, FieldError):
            self.sink.add(Reject(file, line, result.field, result.value, result.reason))
            return None
        for name, value, message, kind in result.warnings:
            self.sink.add(Reject(file, line, name, value, message, "warning", kind))
        key = result.key
        if key in seen:
            self.sink.add(Reject(file, line, table.columns[0], key,
                                 f"duplicate of line {seen[key]} in the same file"))
            return None
        seen[key] = line
        return result

    def _refused_by_due_process(self, file: str, line: int, prepared: Prepared) -> bool:
        """Whether a due-process event breaks the rules of `ingest.due_process` (reported)."""
        problem = self.due_process.admit(prepared.edges)
        if problem:
            self.sink.add(Reject(file, line, *problem))
        return problem is not None

    def _write_batch(self, file: str, batch: list[tuple[int, Prepared]],
                     counts: TableCounts) -> None:
        if not batch:
            return
        self._resolve(file, batch)
        nodes: dict[str, list[VersionedRow]] = defaultdict(list)
        edges: dict[str, list[VersionedRow]] = defaultdict(list)
        fresh: dict[str, str] = {}  # referable keys this batch writes
        for _, prepared in batch:
            if prepared is None:
                continue
            counts.loaded += 1
            for kind, row in prepared.nodes:
                nodes[kind].append(row)
                if kind in REFERABLE:
                    fresh[row.uid] = kind
            for rel_type, row in prepared.edges:
                edges[rel_type].append(row)
                self._doubtful.note(rel_type, row)
        self._wait_for_writes()
        if self.store.remote:  # a round trip saved for every key seen again
            self.known.update(fresh)
        else:  # the store answers at once: remember only what is not written yet
            self.known = fresh
        self._pending = self._writer.submit(self._write, nodes, edges)
        if self.progress:
            self.progress(file, len(batch))

    def _write(self, nodes: dict[str, list[VersionedRow]],
               edges: dict[str, list[VersionedRow]]) -> None:
        """Write one batch (in the writer thread, while the next batch is validated)."""
        for kind, rows in nodes.items():
            self.report.writes += self.store.write_rows(kind, rows, edges=False)
        for rel_type, rows in edges.items():
            self.report.writes += self.store.write_rows(rel_type, rows, edges=True)

    def _wait_for_writes(self) -> None:
        """Wait for the batch in flight; its failure is raised here."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def _resolve(self, file: str, batch: list[tuple[int, Prepared]]) -> None:
        """Reject rows whose references do not exist or whose keys clash with another kind
        (what the run has not seen is asked of the store, once per batch)."""
        known = self.known
        wanted = {uid for _, w in batch for _, uid, _ in w.refs if uid not in known}
        wanted.update(row.uid for _, w in batch for _, row in w.nodes if row.uid not in known)
        stored = self.store.kinds(wanted) if wanted else {}
        if self.store.remote:
            known.update((uid, kind) for uid, kind in stored.items() if kind in REFERABLE)
        else:
            known = {**stored, **known}
        for i, (line, writes) in enumerate(batch):
            problem = _problem(writes, known, stored)
            if problem:
                self.sink.add(Reject(file, line, *problem))
                batch[i] = (line, None)  # type: ignore[assignment]
