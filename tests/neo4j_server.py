"""A Neo4j of a test's own, from scripts/neo4j-local: started, stopped, killed and started
again by the test (bulk imports replace its database; fault tests take it away)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from credtrace.graph.neo4j.store import Neo4jStore
from credtrace.ingest.bulk import LOCAL_SCRIPT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalNeo4j:
    """One server in `home`, on a free port, small enough to run beside the suite's."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = [f"NEO4J_LOCAL_HOME={home}", f"NEO4J_LOCAL_BOLT_PORT={free_port()}",
                    "NEO4J_LOCAL_HEAP=512m", "NEO4J_LOCAL_PAGECACHE=256m",
                    "NEO4J_LOCAL_START_TIMEOUT=600"]
        self.uri = self.user = self.password = ""

    def command(self, *args: str) -> list[str]:
        return ["env", *self.env, str(LOCAL_SCRIPT), *args]

    def start(self) -> None:
        started = subprocess.run(self.command("start"), check=True, capture_output=True,
                                 text=True)
        settings = dict(line.split("=", 1) for line in started.stdout.split())
        self.uri, self.user = settings["NEO4J_URI"], settings["NEO4J_USER"]
        self.password = settings["NEO4J_PASSWORD"].strip("'")

    def stop(self) -> None:
        subprocess.run(self.command("stop"), check=False, capture_output=True)

    def kill(self) -> None:
        """SIGKILL the server (a crash, not a shutdown) and wait until it is gone."""
        pid = int((self.home / "run" / "neo4j.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        for _ in range(600):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def store(self) -> Neo4jStore:
        return Neo4jStore(self.uri, self.user, self.password)

    def environment(self) -> dict[str, str]:
        """Variables for a credtrace process that should use this server."""
        return {"NEO4J_URI": self.uri, "NEO4J_USER": self.user,
                "NEO4J_PASSWORD": self.password}
