"""`credtrace keys create|list|revoke|roles` and the settings refusal."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from credtrace.api.cli import app as cli
from credtrace.api.http.app import role_matrix
from credtrace.api.keys import KeyStore
from credtrace.api.securitydb import SecurityDB


def run(tmp_path: Path, *args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={
        "CREDTRACE_SECURITY_DB": str(tmp_path / "security.sqlite"), **env})


def test_create_shows_the_key_once_list_never(tmp_path: Path) -> None:
    created = run(tmp_path, "keys", "create", "--role", "sanction_system", "--name", "采购系统")
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    keys = KeyStore(SecurityDB(tmp_path / "security.sqlite"))
    key = keys.verify(secret)
    assert key is not None and key.role == "sanction_system" and key.name == "采购系统"
    listed = run(tmp_path, "keys", "list", "--json")
    assert key.id in listed.output and secret not in listed.output
    assert run(tmp_path, "keys", "revoke", key.id).exit_code == 0
    assert keys.verify(secret) is None
    assert run(tmp_path, "keys", "revoke", "nope").exit_code == 1


def test_unknown_role_is_refused(tmp_path: Path) -> None:
    result = run(tmp_path, "keys", "create", "--role", "god", "--name", "x")
    assert result.exit_code == 2


def test_roles_prints_the_matrix(tmp_path: Path) -> None:
    result = run(tmp_path, "keys", "roles")
    assert role_matrix() in result.output


def test_placeholder_secrets_are_refused(tmp_path: Path) -> None:
    result = run(tmp_path, "keys", "list", NEO4J_PASSWORD="changeme")
    assert result.exit_code == 2 and "placeholder" in result.output
