"""The graph model and its two stores (Neo4j, the system of record, and embedded networkx)."""

from graph.factory import open_store
from graph.memory import MemoryStore
from graph.model import MODEL, Model, NodeKind, RelKind
from graph.records import Edge, Node
from graph.settings import Settings
from graph.store import EntityRow, Store, StoreError, StoreUnavailable, WriteResult, edge_key
from graph.timeline import Validity, validity

__all__ = [
    "MODEL", "Edge", "EntityRow", "MemoryStore", "Model", "Node", "NodeKind", "RelKind",
    "Settings", "Store", "StoreError", "StoreUnavailable", "Validity", "WriteResult",
    "edge_key", "open_store", "validity",
]
