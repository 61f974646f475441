"""Settings, validated once: which store, how to reach Neo4j, limits.

Read from the environment (``CREDTRACE_*`` and the usual ``NEO4J_*`` names); nothing is read
at import time, callers build `Settings()` when they start.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.traverse import MAX_PATH_HOPS

DEFAULT_STORE = "memory:./credtrace-data"
__all__ = ["DEFAULT_STORE", "MAX_PATH_HOPS", "Settings"]


class Settings(BaseSettings):
    """credtrace configuration."""

    model_config = SettingsConfigDict(env_prefix="CREDTRACE_", extra="ignore")

    store: str = Field(
        default=DEFAULT_STORE,
        description="memory:PATH for the embedded store, or a neo4j:// / bolt:// URI",
    )
    neo4j_uri: str | None = Field(default=None, validation_alias=AliasChoices("NEO4J_URI"))
    neo4j_user: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_USER"))
    neo4j_password: str | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_PASSWORD")
    )
    neo4j_database: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_DATABASE"))
    max_hops: int = Field(default=4, ge=1, le=8)
    max_path_hops: int = Field(default=MAX_PATH_HOPS, ge=1, le=MAX_PATH_HOPS)
    max_results: int = Field(default=1000, ge=1, le=100_000)
    max_nodes: int = Field(default=500, ge=10, le=5000,
                           description="node cap of a picture; beyond it nodes are summarised")
    neo4j_importer: str | None = Field(
        default=None, description="command that imports a folder of neo4j-admin import files "
        "into the store's server (`ingest --bulk`); default: a source checkout's "
        "scripts/neo4j-local import (an installed package has none)")
