"""CLI: the city-wide alert sweep behind `credtrace alerts --all --out FILE`: every alert,
no list cut, written one at a time as JSON lines, CSV or xlsx (by the file's suffix),
filtered by alert kind, USCC region prefix and the date the alert arose."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from credtrace.api.cli.common import err, load_limits, print_json, shown, store_from
from credtrace.api.result_files import FORMATS, writers
from credtrace.queries.sweep import KINDS, Sweep

HEADER = ("kind", "date", "enterprise", "enterprise_name", "person", "person_name",
          "measures", "detail", "uncertain")
#: Progress on stderr every this many alerts.
EVERY = 10_000

KindOpt = Annotated[list[str] | None, typer.Option(
    "--kind", help=f"alert kinds to sweep ({', '.join(KINDS)}; repeat; default all)")]
RegionOpt = Annotated[str | None, typer.Option(
    "--region", help="start of the region code in the enterprise's USCC, e.g. 4101")]
SinceOpt = Annotated[str | None, typer.Option(
    "--since", help="alerts that arose on or after this date (undated ones are kept)")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", help="alerts that arose on or before this date (undated ones are kept)")]


def flat(alert: dict[str, Any]) -> list[Any]:
    """One alert as the CSV / xlsx columns of `HEADER`."""
    person = alert.get("person") or {}
    if alert["kind"] == "exposure":
        measures = [m["id"] for s in alert["sanctioned"] for m in s["measures"]]
        detail = "; ".join(f"{s['party']['name']} ({s['distance']} hops)"
                           for s in alert["sanctioned"])
        uncertain: list[str] = []
    else:
        measures = [alert["measure"]["id"]]
        detail = alert.get("role_zh") or ", ".join(
            f"{t['label_zh']} {t['date']}" for t in alert.get("triggers", []))
        uncertain = alert["uncertain"]
    return [alert["kind"], alert["date"], alert["enterprise"]["id"],
            alert["enterprise"]["name"], person.get("id"), person.get("name"),
            ", ".join(measures), detail, "; ".join(uncertain)]


def write_sweep(*, out: Path, store: str | None, as_of: str | None, k: int,
                kinds: list[str] | None, region: str | None, since: str | None,
                until: str | None, reveal_ids: bool) -> None:
    """Sweep every alert into `out` and print the sweep's summary as JSON."""
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        err.print(f"[red]--out must end in .{', .'.join(FORMATS)}[/], got {out.name}")
        raise typer.Exit(2)
    with store_from(store) as db:
        run = Sweep(db, as_of=as_of, k=k, kinds=kinds or KINDS, region=region, since=since,
                    until=until, limits=load_limits())
        written = 0
        with writers(out.parent, out.stem, [fmt], HEADER, flat) as write:
            for alert in run.alerts():
                write(shown(alert, reveal_ids))
                written += 1
                if written % EVERY == 0:
                    err.print(f"alerts written: {written:,}")
    print_json({**run.summary(), "out": str(out)})
