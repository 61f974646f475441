"""Plain records the stores return: nodes and edges with their properties."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Node:
    """A node: its kind (label), unique key and properties."""

    kind: str
    uid: str
    props: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def name(self) -> str:
        return str(self.props.get("name") or self.uid)


@dataclass(frozen=True)
class Edge:
    """A relationship: type, endpoints' keys, its own key `eid` and properties."""

    type: str
    source: str
    target: str
    eid: str
    props: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def start(self) -> str | None:
        return self.props.get("start")

    @property
    def end(self) -> str | None:
        return self.props.get("end")

    def other(self, uid: str) -> str:
        """The endpoint that is not `uid`."""
        return self.target if self.source == uid else self.source
