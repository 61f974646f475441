"""Settings of the HTTP service, validated once when it starts (``CREDTRACE_*`` variables).

They extend the store settings (`graph.settings.Settings`, which hold the request limits)
with the security database, the masking key, rate limits and body sizes. Placeholder
secrets are refused: a service must not start with a masking key or a Neo4j password
anyone could guess.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator

from credtrace.graph.settings import Settings

#: Values that are never accepted as secrets.
PLACEHOLDERS = frozenset({"changethis", "changeme", "change-me", "secret", "password",
                          "neo4j", "default", "example", "test", "xxx", "..."})
#: Folder of the security database when the store is not a local folder.
DEFAULT_DATA = Path("credtrace-data")
SECURITY_FILE = "security.sqlite"
MIN_SECRET = 16


class ApiSettings(Settings):
    """Store settings plus everything the HTTP service needs."""

    security_db: Path | None = Field(
        default=None,
        description="SQLite file of API keys and the audit trail; default: security.sqlite "
                    "in the memory store's folder, else ./credtrace-data/security.sqlite")
    evaluations_dir: Path | None = Field(
        default=None,
        description="folder of the evaluation runs started through the API; default: "
                    "evaluations/ beside the security database")
    mask_key: SecretStr | None = Field(
        default=None, min_length=MIN_SECRET,
        description="key of the hash suffix of masked ID numbers; unset: a random key "
                    "drawn once and kept in the security database (stable tokens)")
    unknown_budget: int = Field(
        default=5000, ge=1, le=10_000_000,
        description="distinct check subjects not in the graph per masked key and UTC day; "
                    "past it the key's checks are refused for the day (audited alert)")
    rate_per_minute: int = Field(default=600, ge=1, le=1_000_000,
                                 description="requests per minute and API key (sustained)")
    rate_burst: int = Field(default=60, ge=1, le=100_000,
                            description="requests an API key may make at once")
    max_body_bytes: int = Field(default=1 << 20, ge=1024, description="largest JSON body")
    max_upload_bytes: int = Field(default=64 << 20, ge=1024,
                                  description="largest bundle upload (compressed)")
    max_unpacked_bytes: int = Field(default=512 << 20, ge=1024,
                                    description="largest bundle once unzipped")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Self:
        mask = self.mask_key.get_secret_value() if self.mask_key else None
        secrets = {"CREDTRACE_MASK_KEY": mask, "NEO4J_PASSWORD": self.neo4j_password}
        for name, value in secrets.items():
            if value is not None and value.strip().lower() in PLACEHOLDERS:
                raise ValueError(f"{name} is a placeholder ({value!r}); set a real secret")
        return self

    @property
    def security_path(self) -> Path:
        """Where the keys and the audit trail live."""
        if self.security_db is not None:
            return self.security_db
        folder = self.store.removeprefix("memory:") if self.store.startswith("memory:") else ""
        return (Path(folder) if folder else DEFAULT_DATA) / SECURITY_FILE

    @property
    def evaluations_path(self) -> Path:
        """Where the API's evaluation runs are written."""
        return self.evaluations_dir or self.security_path.parent / "evaluations"

    @property
    def mask_key_bytes(self) -> bytes | None:
        return self.mask_key.get_secret_value().encode() if self.mask_key else None
