"""CLI: the audit trail (`audit verify`, `audit show`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.audit import AuditTrail
from api.cliapp import JsonOpt, StoreOpt, app, console, err, load_settings, print_json
from api.securitydb import SecurityDB

audit_app = typer.Typer(help="The audit trail of the HTTP API.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def trail(store: str | None) -> AuditTrail:
    return AuditTrail(SecurityDB(load_settings(store=store).security_path))


@audit_app.command()
def verify(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Check the hash chain; exit 1 naming every edited, inserted, deleted or reordered
    entry. Keep the printed head hash elsewhere to detect a rewrite of the whole file."""
    result = trail(store).verify()
    if as_json:
        print_json(result.model_dump())
    elif result.ok:
        console.print(f"audit trail intact: {result.entries} entries, head {result.head}")
    else:
        for problem in result.problems:
            err.print(f"[red]{problem.problem}[/] at entry {problem.seq}: {problem.detail}")
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command()
def show(
    after: Annotated[int, typer.Option(help="entries after this sequence number")] = 0,
    limit: Annotated[int, typer.Option(help="most entries")] = 50,
    store: StoreOpt = None, as_json: JsonOpt = False,
) -> None:
    """Audit entries, oldest first."""
    entries = trail(store).entries(after=after, limit=limit)
    if as_json:
        print_json([e.model_dump() for e in entries])
        return
    table = Table(title="audit trail")
    for column in ("seq", "time", "key", "role", "route", "subjects", "purpose"):
        table.add_column(column)
    for e in entries:
        table.add_row(str(e.seq), e.ts, e.key_id, e.role, f"{e.method} {e.route}",
                      ", ".join(e.subjects)[:60], e.purpose or "")
    console.print(table)
