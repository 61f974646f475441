"""CLI: API keys (`keys create|list|revoke`) in the security database."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.app import role_matrix
from api.cliapp import JsonOpt, StoreOpt, app, console, err, load_settings, print_json
from api.keys import KeyStore
from api.roles import ROLES, Role
from api.securitydb import SecurityDB

keys_app = typer.Typer(help="API keys: create (shown once), list, revoke.",
                       no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def key_store(store: str | None) -> KeyStore:
    return KeyStore(SecurityDB(load_settings(store=store).security_path))


@keys_app.command("create")
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


@keys_app.command("list")
def list_keys(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Every key with its role and whether it is revoked (never the secret)."""
    keys = key_store(store).all()
    if as_json:
        print_json([vars(k) for k in keys])
        return
    table = Table(title="API keys")
    for column in ("id", "role", "name", "created", "revoked"):
        table.add_column(column)
    for k in keys:
        table.add_row(k.id, k.role, k.name, k.created, k.revoked or "")
    console.print(table)


@keys_app.command("roles")
def roles() -> None:
    """Print the role matrix (Markdown, as in the README)."""
    print(role_matrix())


@keys_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="the key's id")],
           store: StoreOpt = None) -> None:
    """Revoke a key: it stops working on the next request."""
    try:
        key = key_store(store).revoke(key_id)
    except KeyError as exc:
        err.print(f"[red]error:[/] {exc.args[0]}")
        raise typer.Exit(1) from None
    console.print(f"key {key.id} ({key.name}) revoked {key.revoked}")
