"""Settings, validated once: which store, how to reach Neo4j, limits.

Read from the environment (``CREDTRACE_*`` and the usual ``NEO4J_*`` names); nothing is read
at import time, callers build `Settings()` when they start and pass `Settings.limits` on to
the queries (which read no settings themselves).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Self

from pydantic import AliasChoices, Field, PrivateAttr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from credtrace.graph.limits import DEFAULT_LIMITS, Limits

DEFAULT_STORE = "memory:./credtrace-data"
__all__ = ["DEFAULT_STORE", "Settings"]


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
    # the request limits, checked (and kept as `limits`) by `graph.limits.Limits`
    max_hops: int = DEFAULT_LIMITS.max_hops
    max_path_hops: int = DEFAULT_LIMITS.max_path_hops
    max_results: int = DEFAULT_LIMITS.max_results
    max_nodes: int = Field(default=DEFAULT_LIMITS.max_nodes,
                           description="node cap of a picture; beyond it nodes are summarised")
    max_batch: int = Field(default=DEFAULT_LIMITS.max_batch, description="subjects per batch check")
    neo4j_importer: str | None = Field(
        default=None, description="command that imports a folder of neo4j-admin import files "
        "into the store's server (`ingest --bulk`); default: a source checkout's "
        "scripts/neo4j-local import (an installed package has none)")
    _limits: Limits = PrivateAttr(default=DEFAULT_LIMITS)

    @model_validator(mode="after")
    def _check_limits(self) -> Self:
        self._limits = Limits(**{f.name: getattr(self, f.name) for f in fields(Limits)})
        return self

    @property
    def limits(self) -> Limits:
        """The request limits these settings give, for the queries and pictures."""
        return self._limits
