"""The `credtrace` command line: gathers the commands of `api/cmd_*.py` on one app."""

from api import cmd_accountability, cmd_ingest
from api.cliapp import app

__all__ = ["app", "cmd_accountability", "cmd_ingest"]
