"""The first load of a large source into an empty Neo4j database, through the offline
importer (`credtrace ingest --bulk`).

Rows pass the same validation, resolution, batching and provenance as any load; only the
writes differ: an `ImportSpool` turns them into `neo4j-admin database import` files, an
importer replaces the (empty) database by their import and starts the server again, and
the rows the spool deferred are then written online in their order. The run is recorded
like any other: started into the import, finished online. Earlier run records are
carried into the import. A load that fails before the import leaves the database as it
was, with the failed run recorded; so does a failed import (`scripts/neo4j-local import`
puts the database back as it was, and a start after a killed import does the same).
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from itertools import groupby
from pathlib import Path

from credtrace.graph.model import Label
from credtrace.graph.neo4j.bulk import ARRAY_DELIMITER, ImportGroup, ImportSpool
from credtrace.graph.neo4j.store import Neo4jStore
from credtrace.graph.store import INTERNAL_PROPS, StoreError, VersionedRow, WriteResult, rounds
from credtrace.ingest.errors import BundleError
from credtrace.ingest.pipeline import BATCH_ROWS, Ingestor, IngestReport, Progress
from credtrace.ingest.runs import close_interrupted

#: Runs the offline import of a folder written by `write_arguments`, and returns when
#: the server answers again.
Importer = Callable[[Path], None]
#: Hears what a long operation has done.
Status = Callable[[str], None]
#: The source checkout's script managing its local server (`scripts/neo4j-local import
#: DIR`); an installed package has no checkout around it, hence no such script.
CHECKOUT = Path(__file__).resolve().parents[1]
LOCAL_SCRIPT = CHECKOUT / "scripts" / "neo4j-local"


class Stopwatch:
    """Tells `say` how long each phase took."""

    def __init__(self, say: Status | None) -> None:
        self.say, self.started = say, time.perf_counter()

    def lap(self, done: str) -> None:
        now = time.perf_counter()
        if self.say:
            self.say(f"{done} in {now - self.started:.1f} s")
        self.started = now


def command_importer(command: Sequence[str]) -> Importer:
    """An importer running `command` with the folder appended (e.g. the local script's
    `import`); its output goes to the terminal, a non-zero exit is an error."""

    def run(folder: Path) -> None:
        done = subprocess.run([*command, str(folder)], check=False)
        if done.returncode:
            raise StoreError(f"the import command {' '.join(command)} failed "
                             f"(exit {done.returncode})")

    return run


def default_importer(checkout: Path = CHECKOUT) -> Importer:
    """The importer when none is set: in a source checkout its `scripts/neo4j-local import`
    (for the checkout's own server); an installed package has none, and says what to set.

    >>> default_importer(Path("/nowhere"))
    Traceback (most recent call last):
    ...
    credtrace.ingest.errors.BundleError: --bulk needs an importer: set CREDTRACE_NEO4J_IMPORTER ...
    """
    script = checkout / "scripts" / "neo4j-local"
    if not (script.is_file() and (checkout / "pyproject.toml").is_file()):
        raise BundleError(
            "--bulk needs an importer: set CREDTRACE_NEO4J_IMPORTER to a command that "
            "replaces the store's database by an offline import of a folder (appended to "
            "the command; its files and `neo4j-admin database import` arguments are in "
            "import.args) and returns when the server answers again; a source checkout "
            "of credtrace has one: `scripts/neo4j-local import`")
    return command_importer([str(script), "import"])


def write_arguments(folder: Path, files: Sequence[ImportGroup]) -> None:
    """The importer's arguments, one per line, in `folder/import.args`."""
    multiline = [f"{f.stem}.part-spool.csv" for f in files if f.multiline]
    lines = ["--id-type=string", f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
             *(["--multiline-fields-format=v2", f"--multiline-fields={','.join(multiline)}"]
               if multiline else []),
             *(f.argument for f in files)]
    (folder / "import.args").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_deferred(store: Neo4jStore, deferred: list[tuple[str, bool, VersionedRow]],
                   batch_rows: int = BATCH_ROWS) -> WriteResult:
    """Write the rows the spool deferred through the online path: nodes before
    relationships (which may need them), by label, each key's rows in their order."""
    result = WriteResult()
    ordered = sorted(deferred, key=lambda item: (item[1], item[0]))  # stable
    for (label, edges), group in groupby(ordered, key=lambda item: item[:2]):
        rows = [row for _, _, row in group]
        for start in range(0, len(rows), batch_rows):
            for batch in rounds(rows[start:start + batch_rows]):
                result += store.write_batch(label, batch, edges=edges)
    return result


def carry_runs(store: Neo4jStore, spool: ImportSpool) -> None:
    """Put the records of earlier runs into the import, as they are stored."""
    rows = [VersionedRow(n.uid, {k: v for k, v in n.props.items() if k not in INTERNAL_PROPS},
                         str(n.props.get("fp", "")),
                         history=tuple(n.props.get("history") or ()))
            for n in store.nodes(Label.INGEST_RUN)]
    spool.merge(None, Label.INGEST_RUN, rows, edges=False)


def ingest_bulk(store: Neo4jStore, *, source: str, path: str,
                load: Callable[[Ingestor], None], importer: Importer,
                rejects_path: Path | None = None, progress: Progress | None = None,
                workers: int = 0, workdir: Path | None = None,
                say: Status | None = None) -> IngestReport:
    """Load into an empty database through `importer` (see the module); `load` feeds the
    tables to the ingestor, `say` hears each phase's end
    with its duration."""
    held = {kind: n for kind, n in store.counts().items() if n and kind != Label.INGEST_RUN}
    if held:
        raise BundleError(
            "a bulk load needs an empty database, and this one holds "
            + ", ".join(f"{n:,} {kind}" for kind, n in held.items())
            + ": load without --bulk to add to it")
    with tempfile.TemporaryDirectory(prefix="credtrace-import-", dir=workdir) as tmp:
        folder = Path(tmp)
        spool = ImportSpool(folder)
        close_interrupted(store)  # before the runs are carried into the import
        carry_runs(store, spool)
        ingestor = Ingestor(spool, source=source, path=path, rejects_path=rejects_path,
                            progress=progress, workers=workers, import_parts=folder)
        clock = Stopwatch(say)
        try:
            load(ingestor)
            files = spool.finish()
            write_arguments(folder, files)
            clock.lap(f"validated and spooled {sum(f.rows for f in files):,} nodes and "
                      f"relationships into {folder}")
            store.close()  # no idle connection delays the server's stop
            importer(folder)
            clock.lap("imported (server stopped, neo4j-admin import, server started)")
            store.reconnect()
            store.ensure_schema()
            store.await_indexes()
            clock.lap("indexes built")
            if store.get_node(ingestor.report.run_id) is None:
                raise StoreError("after the import the store does not hold this run: the "
                                 "importer loaded another server than the store's URI")
            ingestor.store = store
            ingestor.report.writes += write_deferred(store, spool.deferred)
            clock.lap(f"wrote {len(spool.deferred):,} deferred rows online")
        except BaseException:
            ingestor.store = store
            with contextlib.suppress(StoreError):  # unreachable: the error raised says why
                store.reconnect()  # closed for the import, or the server was restarted
                ingestor.finish("failed")
            raise
        return ingestor.finish()
