"""A BODS record's statements as valid time (BODS 0.4: each statement is the state of the
record from its date on).

Statement k of a relationship record holds from its effect date until the effect date of
the record's next statement, its interests' own end dates, or the record's closing. The
first statement takes effect from its interests' own start dates. A restatement takes
effect from its interests' start date when that is later than the start of what it
replaces, otherwise from its statement date (a register cannot have known it earlier). A
`closed` statement ends the state before it on its interests' end date, else its date.

>>> series = [Statement(1, "2020-01-05", ("2020-01-01",), (), False),
...           Statement(2, "2021-06-01", ("2020-01-01",), (), False),   # restated: 2021-06-01
...           Statement(3, "2021-09-01", ("2021-08-15",), (), False),   # back-dated start
...           Statement(4, "2022-03-20", (), ("2022-03-10",), True)]   # exit recorded late
>>> [(w.line, w.start, w.until) for w in windows(series)]
[(1, '', '2021-06-01'), (2, '2021-06-01', '2021-08-15'), (3, '2021-08-15', '2022-03-10')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    """What the series needs of one statement of a record, in statement order."""

    line: int
    day: str  # statementDate ("" when not given)
    starts: tuple[str, ...]  # its interests' start dates, given ones only
    ends: tuple[str, ...]  # its interests' end dates, given ones only
    closed: bool


@dataclass(frozen=True)
class Window:
    """When a statement's state holds: from `start` ("" = its interests' own starts) until
    `until` ("" = its own ends; else the next statement's effect), `next_line` the
    statement that ends it."""

    line: int
    start: str
    until: str
    next_line: int | None


def _effect(statement: Statement, replaced: str) -> str:
    """When a restatement takes effect, given the start of the state it replaces."""
    own = min(statement.starts, default="")
    return own if own and own > replaced else statement.day


def windows(series: Sequence[Statement]) -> list[Window]:
    """The window of each statement that states something (a `closed` statement only ends
    the one before it, unless it is the record's only statement)."""
    if len(series) == 1:
        return [Window(series[0].line, "", "", None)]
    starts: list[str] = []
    for k, statement in enumerate(series):
        if k == 0:
            starts.append("")
        elif statement.closed:
            starts.append(min(statement.ends, default="") or statement.day)
        else:
            replaced = starts[k - 1] or min(series[k - 1].starts, default="")
            starts.append(_effect(statement, replaced))
    found = []
    for k, statement in enumerate(series):
        if statement.closed and k > 0:
            continue
        following = k + 1 < len(series)
        found.append(Window(statement.line, starts[k], starts[k + 1] if following else "",
                            series[k + 1].line if following else None))
    return found
