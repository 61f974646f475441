"""Answers as rich tables: the one way the commands print a table, and the cells several
answers share (a party, a share, a measure's state, an evidence chain)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.table import Column, Table

from credtrace.api.cli.common import console
from credtrace.queries.common import Bounds


def print_table(title: str, columns: Sequence[str | Column],
                rows: Iterable[Sequence[str]]) -> None:
    """One table: a head per column (a `Column` to align or fold it), a line per row."""
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def party(item: Mapping[str, Any] | None) -> str:
    """A party as its name and key.

    >>> party({"id": "914101057123456728", "name": "华信"}), party(None)
    ('华信 (914101057123456728)', '—')
    """
    return "—" if item is None else f"{item['name']} ({item['id']})"


def share(value: Bounds | None) -> str:
    """A share's bounds in percent.

    >>> share({"low": 51, "high": 51}), share({"low": 20, "high": 35.5}), share(None)
    ('51%', '20–35.5%', '—')
    """
    if value is None:
        return "—"
    low, high = value["low"], value["high"]
    return f"{low:g}%" if low == high else f"{low:g}–{high:g}%"


def state(entry: Mapping[str, Any]) -> str:
    """A measure's state on the date, marked when the entry is uncertain."""
    status: str = entry["state"]["status"]
    return status + (" (uncertain)" if "reason" in entry else "")


def chain(evidence: Iterable[Mapping[str, Any]]) -> str:
    """An evidence chain, step by step."""
    return " → ".join(step["step"] for step in evidence)
