"""CLI: the audit trail (`audit verify [--anchor FILE]`, `audit anchor`, `audit reseal`,
`audit show`). Text from requests (purposes, subjects, parameters) is printed with its
control characters escaped (``\x1b``), so an entry cannot drive the terminal."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from credtrace.api.audit import Anchor, AuditTrail
from credtrace.api.cli.common import JsonOpt, StoreOpt, console, err, print_json, security_db
from credtrace.api.cli.tables import print_table
from credtrace.api.securitydb import private


def trail(store: str | None) -> AuditTrail:
    return AuditTrail(security_db(store))


AnchorOpt = Annotated[Path | None, typer.Option(
    "--anchor", help="a head written by `audit anchor`: the anchored entry must still be "
                     "there, unchanged")]


def printable(text: Any) -> str:
    """`text` with control and format characters escaped, safe for a terminal and for rich
    markup.

    >>> printable("case\x1b[2J 17\u202e")
    'case\\\\x1b[2J 17\\\\u202e'
    """
    shown = "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")
                    else f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
                    for ch in str(text))
    return escape(shown)


def anchor(out: Annotated[Path, typer.Option("--out", help="file to write the head to")],
           store: StoreOpt = None) -> None:
    """Write the chain's head (sequence number and hash) to a file kept apart from the
    security database (another disk, host or medium): `verify --anchor` then detects a
    chain cut or rewound behind it, even with every hash recomputed."""
    head = trail(store).anchor()
    private(out)
    out.write_text(head.model_dump_json() + "\n", "utf-8")
    console.print(f"anchored entry {head.seq}, head {head.hash} → {printable(out)}")


def reseal(store: StoreOpt = None) -> None:
    """Set the head to the last entry, after `verify` has shown (and you have kept) what
    broke: appends, and so the API, work again."""
    head = trail(store).reseal()
    console.print(f"head set to entry {head.seq} ({head.hash})")


def verify(store: StoreOpt = None, as_json: JsonOpt = False, anchor: AnchorOpt = None) -> None:
    """Check the hash chain; exit 1 naming every edited, inserted, deleted or reordered
    entry, a missing head and, with `--anchor`, a chain cut or rewound behind the anchor."""
    kept = Anchor.model_validate_json(anchor.read_text("utf-8")) if anchor else None
    result = trail(store).verify(kept)
    if as_json:
        print_json(result.model_dump())
    elif result.ok:
        console.print(f"audit trail intact: {result.entries} entries, head {result.head}"
                      + (f" (anchored entry {kept.seq} present)" if kept else ""))
    else:
        for problem in result.problems:
            err.print(f"[red]{problem.problem}[/] at entry {problem.seq}: "
                      f"{printable(problem.detail)}")
    if not result.ok:
        raise typer.Exit(1)


def show(
    after: Annotated[int, typer.Option(min=0, max=2**63 - 1,
                                       help="entries after this sequence number")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="most entries")] = 50,
    store: StoreOpt = None, as_json: JsonOpt = False,
) -> None:
    """Audit entries, oldest first."""
    entries = trail(store).entries(after=after, limit=limit)
    if as_json:
        print_json([e.model_dump() for e in entries])
        return
    print_table("audit trail",
                ("seq", "time", "key", "role", "route", "subjects", "parameters", "purpose"),
                ((str(e.seq), e.ts, printable(e.key_id), printable(e.role),
                  printable(f"{e.method} {e.route}"), printable(", ".join(e.subjects)[:60]),
                  printable(json.dumps(e.params, ensure_ascii=False)[:80] if e.params else ""),
                  printable(e.purpose or ""))
                 for e in entries))
