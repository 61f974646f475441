"""What a read is named in: a direction, a prefetch plan, the relationship types it may ask
for, and the one primitive a walk needs.

The store roles (`graph.store`), the walks (`graph.traverse`) and the prefetched view
(`graph.view`) share these types; each imports this module, none another's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, Protocol

from credtrace.graph.model import MODEL
from credtrace.graph.records import Edge

Direction = Literal["out", "in", "both"]
Side = Literal["in", "out"]
#: The sides of a node a direction reads.
SIDES: dict[str, tuple[Side, ...]] = {"in": ("in",), "out": ("out",), "both": ("in", "out")}

#: What a plan follows from a node: (relationship types, direction) pairs.
Follow = Sequence[tuple[Sequence[str], Direction]]
#: One hop of a plan: for each node kind, what to follow.
Hop = Mapping[str, Follow]
#: Hops from the starting keys: hop i follows, from every node the hop before reached
#: (the starting nodes for the first), what its kind names in hop i.
Plan = Sequence[Hop]


class Adjacency(Protocol):
    """What a walk steps through: the `adjacent` read of any store or view."""

    def adjacent(self, uids: Iterable[str], types: Sequence[str] | None = None,
                 direction: Direction = "both", on: str | None = None) -> list[Edge]: ...


class UnknownRelationship(ValueError):
    """A read named a relationship type the model does not declare (it would match nothing)."""


_REL_TYPES = frozenset(rel.name for rel in MODEL.rels)


def check_types(types: Sequence[str] | None) -> None:
    """Refuse relationship types the model does not declare (None asks for every type).

    >>> check_types(["HOLDS_SHARES", "HOLD_SHARES"])
    Traceback (most recent call last):
    ...
    credtrace.graph.reads.UnknownRelationship: unknown relationship type 'HOLD_SHARES'
    """
    if types is None or _REL_TYPES.issuperset(types):
        return
    if isinstance(types, str):
        raise UnknownRelationship(f"relationship types must be a sequence of names, "
                                  f"not the string {types!r}")
    unknown = [t for t in types if t not in _REL_TYPES]
    raise UnknownRelationship(f"unknown relationship type {', '.join(map(repr, unknown))}")
