"""CLI: the city-wide evaluation run (`evaluate`): every enterprise's score and grade on a
date, written as JSON lines / CSV / xlsx with the change since a previous run, and the
run's record (`run.json`: counts, content hash, files and their SHA-256)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cliapp import AsOfOpt, StoreOpt, app, err, print_json, store_from
from api.result_files import FORMATS, file_digest, read_jsonl, writers
from queries.evaluation import Evaluation, Row

STEM = "evaluation"
HEADER = ("uscc", "name", "score", "grade", "supervision", "main_contributions", "flags",
          "change", "previous_grade", "previous_score", "score_delta", "why")
#: Progress on stderr every this many enterprises.
EVERY = 1000


def flat(row: Row) -> list[Any]:
    """A row as the CSV / xlsx columns of `HEADER`."""
    moved = row["change"]
    return [row["uscc"], row["name"], row["score"], row["grade"], row["supervision"],
            "; ".join(row["main"]), ", ".join(row["flags"]), moved["direction"],
            moved["previous_grade"], moved["previous_score"], moved["score_delta"],
            "; ".join(moved["why"])]


def _progress(count: int) -> None:
    if count % EVERY == 0:
        err.print(f"evaluated {count:,}")


def run_evaluation(db: Any, *, as_of: str | None, out: Path, previous: Path | None,
                   formats: list[str]) -> dict[str, Any]:
    """Evaluate every enterprise of `db` into `out`; return the run's record (also written
    to `out/run.json`)."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    prior = read_jsonl(previous / f"{STEM}.jsonl") if previous else None
    run = Evaluation(db, as_of=as_of, previous=prior, progress=_progress)
    with writers(out, STEM, formats, HEADER, flat) as write:
        for row in run.rows():
            write(row)
    record = {**run.summary(), "started": started,
              "finished": datetime.now(UTC).isoformat(timespec="seconds"),
              "previous": str(previous) if previous else None,
              "files": {f"{STEM}.{fmt}": file_digest(out / f"{STEM}.{fmt}") for fmt in formats}}
    if previous and (previous / "run.json").exists():
        record["previous_content_hash"] = json.loads(
            (previous / "run.json").read_text(encoding="utf-8")).get("content_hash")
    (out / "run.json").write_text(json.dumps(record, ensure_ascii=False, indent=2),
                                  encoding="utf-8")
    return record


@app.command()
def evaluate(
    out: Annotated[Path, typer.Option("--out", help="folder for the results and run.json")],
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="folder of an earlier run, to report grade changes")] = None,
    formats: Annotated[list[str] | None, typer.Option(
        "--format", help="jsonl, csv, xlsx (repeat; default all three)")] = None,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Score and grade every enterprise as of a date (公共信用综合评价), streaming; write the
    results with the main contributions and the change since --previous, and run.json."""
    chosen = formats or list(FORMATS)
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        err.print(f"[red]unknown format[/] {', '.join(unknown)} (one of {', '.join(FORMATS)})")
        raise typer.Exit(2)
    if previous is not None:
        if not (previous / f"{STEM}.jsonl").is_file():
            err.print(f"[red]no earlier run[/]: {previous / f'{STEM}.jsonl'} is missing")
            raise typer.Exit(2)
        if previous.resolve() == out.resolve():
            err.print("[red]--previous and --out must be different folders[/]")
            raise typer.Exit(2)
    with store_from(store) as db:
        record = run_evaluation(db, as_of=as_of, out=out, previous=previous, formats=chosen)
    print_json(record)
