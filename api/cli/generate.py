"""CLI: the synthetic registry generator (`generate`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Column

from credtrace.api.cli.common import err
from credtrace.api.cli.tables import print_table
from credtrace.ingest.generate import generate_bundle
from credtrace.ingest.realistic import generate_realistic

PROFILES = {"basic": generate_bundle, "realistic": generate_realistic}


def generate(
    out: Annotated[Path, typer.Option(help="folder to write the bundle into")],
    enterprises: Annotated[int, typer.Option(min=1, help="number of enterprises")] = 1000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same files")] = 1,
    profile: Annotated[str, typer.Option(
        help="basic, or realistic: multi-parent groups, cross-holdings and cycles, nominee "
             "hubs, family clusters (relations.csv), registered-agent addresses")] = "basic",
) -> None:
    """Write a synthetic canonical bundle that looks like Chinese registry data."""
    columns = (TextColumn("generate"), BarColumn(),
               TextColumn("{task.completed:,.0f}/{task.total:,.0f} enterprises"),
               TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("generate", total=enterprises)
        if profile not in PROFILES:
            raise typer.BadParameter(f"profile must be one of {', '.join(PROFILES)}")
        counts = PROFILES[profile](out, enterprises, seed,
                                 progress=lambda done: bar.update(task, completed=done))
    print_table(f"bundle written to {out}", ("file", Column("rows", justify="right")),
                ((name, f"{rows:,}") for name, rows in counts.items()))
