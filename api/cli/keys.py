"""CLI: API keys (`keys create|list|revoke`) in the security database."""

from __future__ import annotations

from typing import Annotated

import typer

from credtrace.api.cli.common import JsonOpt, StoreOpt, console, err, print_json, security_db
from credtrace.api.cli.tables import print_table
from credtrace.api.http.app import role_matrix
from credtrace.api.keys import KeyStore
from credtrace.api.roles import ROLES, Role


def key_store(store: str | None) -> KeyStore:
    return KeyStore(security_db(store))


def create(
    role: Annotated[Role, typer.Option(help="what the key may do (see the role matrix)")],
    name: Annotated[str, typer.Option(help="who or what uses the key")],
    store: StoreOpt = None,
) -> None:
    """Create a key and print it ONCE (only a salted hash is kept)."""
    try:
        key, secret = key_store(store).create(role, name)
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from None
    console.print(f"key {key.id} ({key.role}: {ROLES[key.role].summary}) for {key.name}")
    print(secret)


def list_keys(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Every key with its role and whether it is revoked (never the secret)."""
    keys = key_store(store).all()
    if as_json:
        print_json([vars(k) for k in keys])
        return
    print_table("API keys", ("id", "role", "name", "created", "revoked"),
                ((k.id, k.role, k.name, k.created, k.revoked or "") for k in keys))


def roles() -> None:
    """Print the role matrix (Markdown, as in the README)."""
    print(role_matrix())


def revoke(key_id: Annotated[str, typer.Argument(help="the key's id")],
           store: StoreOpt = None) -> None:
    """Revoke a key: it stops working on the next request."""
    try:
        key = key_store(store).revoke(key_id)
    except KeyError as exc:
        err.print(f"[red]error:[/] {exc.args[0]}")
        raise typer.Exit(1) from None
    console.print(f"key {key.id} ({key.name}) revoked {key.revoked}")
