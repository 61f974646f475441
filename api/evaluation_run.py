"""One evaluation run written to a folder: the rows of `queries.evaluation.Evaluation` as
JSON lines / CSV / xlsx and the run's record (`run.json`: counts, content hash, files and
their SHA-256). Shared by `credtrace evaluate` and the API's evaluation jobs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credtrace.api.result_files import file_digest, read_jsonl, writers
from credtrace.graph.store import Reader
from credtrace.queries.evaluation import Evaluation, Row

STEM = "evaluation"
HEADER = ("uscc", "name", "score", "grade", "supervision", "main_contributions", "flags",
          "change", "previous_grade", "previous_score", "score_delta", "why")


def flat(row: Row) -> list[Any]:
    """A row as the CSV / xlsx columns of `HEADER`."""
    moved = row["change"]
    return [row["uscc"], row["name"], row["score"], row["grade"], row["supervision"],
            "; ".join(row["main"]), ", ".join(row["flags"]), moved["direction"],
            moved["previous_grade"], moved["previous_score"], moved["score_delta"],
            "; ".join(moved["why"])]


def write_rows(out: Path, rows: Iterable[Row], formats: Iterable[str]) -> None:
    """Write `rows` to `out/evaluation.<format>` for each format."""
    with writers(out, STEM, formats, HEADER, flat) as write:
        for row in rows:
            write(row)


def stepped(rows: Iterator[Row], step: Callable[[], AbstractContextManager[Any]]
            ) -> Iterator[Row]:
    """`rows`, each one computed inside `step()` (e.g. the store's read lock, taken per
    enterprise so that a long run never holds writers off for its whole length)."""
    while True:
        with step():
            row = next(rows, None)
        if row is None:
            return
        yield row


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_evaluation(db: Reader, *, as_of: str | None, out: Path, previous: Path | None,
                   formats: list[str], progress: Callable[[int], None] | None = None,
                   step: Callable[[], AbstractContextManager[Any]] = nullcontext
                   ) -> dict[str, Any]:
    """Evaluate every enterprise of `db` into `out`; return the run's record (also written
    to `out/run.json`). `progress` is called with the number of enterprises done after
    each one (it may raise to stop the run)."""
    started = now()
    prior = read_jsonl(previous / f"{STEM}.jsonl") if previous else None
    run = Evaluation(db, as_of=as_of, previous=prior, progress=progress)
    write_rows(out, stepped(run.rows(), step), formats)
    record = {**run.summary(), "started": started, "finished": now(),
              "previous": str(previous) if previous else None,
              "files": {f"{STEM}.{fmt}": file_digest(out / f"{STEM}.{fmt}") for fmt in formats}}
    if previous and (previous / "run.json").exists():
        record["previous_content_hash"] = json.loads(
            (previous / "run.json").read_text(encoding="utf-8")).get("content_hash")
    (out / "run.json").write_text(json.dumps(record, ensure_ascii=False, indent=2),
                                  encoding="utf-8")
    return record
