"""The `credtrace` command line: gathers the commands of `api/cmd_*.py` on one app.

Each command module registers its commands on `api.cliapp.app` when imported.
"""

from api import (
    cmd_accountability,  # noqa: F401
    cmd_audit,  # noqa: F401
    cmd_backup,  # noqa: F401
    cmd_evaluate,  # noqa: F401
    cmd_explore,  # noqa: F401
    cmd_generate,  # noqa: F401
    cmd_ingest,  # noqa: F401
    cmd_inspections,  # noqa: F401
    cmd_keys,  # noqa: F401
    cmd_law,  # noqa: F401
    cmd_queries,  # noqa: F401
    cmd_serve,  # noqa: F401
    cmd_viz,  # noqa: F401
    cmd_workbench,  # noqa: F401
)
from api.cliapp import app

__all__ = ["app"]
