"""Open a store from one setting: ``memory:PATH`` or a ``neo4j://`` / ``bolt://`` URI."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from credtrace.graph.memory import MemoryStore
from credtrace.graph.store import Store, StoreError

if TYPE_CHECKING:
    from credtrace.graph.settings import Settings

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def open_store(spec: str | None = None, settings: Settings | None = None) -> Store:
    """The store named by `spec` (default: the settings' store, else NEO4J_URI if set).

    >>> open_store("memory:").name
    'memory'
    """
    if spec is None or not spec.startswith("memory:"):  # a memory store needs no settings
        if settings is None:
            from credtrace.graph.settings import Settings

            settings = Settings()
        spec = spec or settings.store
    if spec.startswith("memory:"):
        return MemoryStore(spec.removeprefix("memory:") or None)
    assert settings is not None  # set above for every store but memory
    if spec == "neo4j" and settings.neo4j_uri:
        spec = settings.neo4j_uri
    if urlsplit(spec).scheme in NEO4J_SCHEMES:
        if not settings.neo4j_password:
            raise StoreError("NEO4J_PASSWORD is not set; it is needed to reach " + spec)
        from credtrace.graph.neo4j.store import Neo4jStore

        return Neo4jStore(spec, settings.neo4j_user, settings.neo4j_password,
                          settings.neo4j_database)
    raise StoreError(f"unknown store {spec!r}: use memory:PATH or a neo4j:// / bolt:// URI")
