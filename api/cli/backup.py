"""CLI: `backup` and `restore` of the graph, the keys, the audit trail and the mask key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from credtrace.api.backup import BackupError, Manifest, backup, restore
from credtrace.api.cli.common import (
    JsonOpt,
    StoreOpt,
    console,
    err,
    load_settings,
    print_json,
    store_from,
)

FolderArg = Annotated[Path, typer.Argument(help="the backup folder")]


def backup_command(folder: FolderArg, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Back up the store, the security database (keys, audit trail) and the mask key into a
    new FOLDER, with a manifest of counts and checksums. Pause ingestion while it runs."""
    security = load_settings(store=store).security_path
    with store_from(store) as opened:
        _report("backed up", _guarded(lambda: backup(opened, security, folder)), as_json)


def restore_command(folder: FolderArg, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Restore a backup into an EMPTY store (and the security database, which must not
    exist yet); every checksum is checked before anything is written."""
    security = load_settings(store=store).security_path
    with store_from(store) as opened:
        _report("restored", _guarded(lambda: restore(opened, security, folder)), as_json)


def _guarded(work: Callable[[], Manifest]) -> Manifest:
    try:
        return work()
    except BackupError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from None


def _report(verb: str, manifest: Manifest, as_json: bool) -> None:
    if as_json:
        print_json({"counts": manifest.counts, "files": manifest.files,
                    "created": manifest.created, "store": manifest.store})
        return
    total = sum(manifest.counts.values())
    console.print(f"{verb}: {total:,} nodes and relationships from the {manifest.store} store "
                  f"of {manifest.created}; files: {', '.join(manifest.files)}")
