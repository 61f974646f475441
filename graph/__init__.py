"""The graph model and its two stores (Neo4j, the system of record, and embedded networkx).

`Settings` (pydantic) is imported on first use: a CLI query on the embedded store does not
need it."""

from typing import TYPE_CHECKING, Any

from credtrace.graph.factory import open_store
from credtrace.graph.memory import MemoryStore
from credtrace.graph.model import MODEL, Model, NodeKind, RelKind
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import (
    EntityRow,
    Reader,
    Store,
    StoreError,
    StoreUnavailable,
    Writer,
    WriteResult,
    edge_key,
)
from credtrace.graph.timeline import Validity, validity

__all__ = [
    "MODEL", "Edge", "EntityRow", "MemoryStore", "Model", "Node", "NodeKind", "Reader",
    "RelKind", "Settings", "Store", "StoreError", "StoreUnavailable", "Validity", "WriteResult",
    "Writer", "edge_key", "open_store", "validity",
]

if TYPE_CHECKING:
    from credtrace.graph.settings import Settings


def __getattr__(name: str) -> Any:
    if name == "Settings":
        from credtrace.graph.settings import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
