"""The workbench through the browser: time to the first graph after opening a party and
to an expand, p50/p99 (issue 17, "Measure"; targets: first graph <= 1 s, expand <= 300 ms
at p50).

Serves the API and /ui on 127.0.0.1 (uvicorn in this process) over the store: NEO4J_URI
(read only, already loaded, e.g. the 1M bulk load) or `--memory N` generated enterprises on
the embedded store. Headless Chromium (/usr/bin/chromium through Playwright, offline)
signs in with an investigator key and, for random enterprises, random persons and the
hubs (most roles / most relationships), opens the party and then expands its first
neighbour that is a party, each timed in the page from the call to the next animation frame
after drawing (the HTTP request, the JSON, the DataSet update and the canvas redraw).

Usage:
    python bench/ui_bench.py --memory 100000 [--samples 100]
    python bench/ui_bench.py --neo4j [--samples 100]      # NEO4J_URI / _USER / _PASSWORD
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import sync_playwright
from query_bench import load_memory, memory_pools, neo4j_pools

from credtrace.api.http.app import create_app
from credtrace.api.roles import Role
from credtrace.api.settings import ApiSettings
from credtrace.graph import Settings, Store, open_store
from credtrace.graph.neo4j.store import Neo4jStore
from credtrace.ingest.generate import generate_bundle

CHROMIUM = "/usr/bin/chromium"
TIMED = ("async ([call, id]) => { const t0 = performance.now();"
         " await window.workbench[call](id);"
         " await new Promise((r) => requestAnimationFrame(() => r()));"
         " return performance.now() - t0; }")
NEIGHBOUR = ("(center) => { const s = window.workbench.state; return window.workbench.nodes"
             ".getIds().find((id) => id !== center && ['Enterprise', 'Person']"
             ".includes((s.info.get(id) || {}).kind)) || null; }")


@contextmanager
def served(store: Store, folder: Path) -> Iterator[tuple[str, str]]:
    """(origin, investigator key) of the app serving `store`, rate limit out of the way."""
    settings = ApiSettings(store="memory:", security_db=folder / "security.sqlite",
                           rate_per_minute=1_000_000, rate_burst=100_000)
    app = create_app(settings, store=store)
    _, secret = app.state.resources.keys.create(Role.INVESTIGATOR, "ui bench")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", secret
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def figures(label: str, times: list[float]) -> None:
    if not times:
        print(f"{label}: no samples")
        return
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"{label}: n={len(times)} p50 {statistics.median(times):.0f} ms, p99 {p99:.0f} ms, "
          f"max {ordered[-1]:.0f} ms")


def drive(origin: str, key: str, groups: dict[str, list[str]]) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1500, "height": 950})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(origin)
                   else r.abort())
        page.goto(origin + "/ui")
        page.fill("#key", key)
        page.fill("#purpose", "bench")
        page.click("#signin button")
        page.wait_for_selector("#search", state="visible")
        page.evaluate(TIMED, ["open", next(iter(groups.values()))[0]])  # warm up
        for name, ids in groups.items():
            opened, expanded = [], []
            for uid in ids:
                opened.append(page.evaluate(TIMED, ["open", uid]))
                neighbour = page.evaluate(NEIGHBOUR, uid)
                if neighbour and "*" not in neighbour:
                    expanded.append(page.evaluate(TIMED, ["expand", neighbour]))
            figures(f"{name}: first graph", opened)
            figures(f"{name}: expand a neighbour", expanded)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", type=int, default=0, help="generate N enterprises")
    parser.add_argument("--neo4j", action="store_true", help="the graph at NEO4J_URI")
    parser.add_argument("--samples", type=int, default=100, help="parties per group")
    parser.add_argument("--hubs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.neo4j:
            settings = Settings()
            store = open_store(settings.neo4j_uri, settings)
            assert isinstance(store, Neo4jStore)
            pools = neo4j_pools(store, args.samples, args.hubs)
        else:
            generate_bundle(folder / "bundle", args.memory, args.seed)
            memory = load_memory(folder / "bundle")
            pools, store = memory_pools(memory, args.samples, args.hubs, rng), memory
        groups: dict[str, Any] = {"enterprises": pools.enterprises[:args.samples],
                                  "persons": pools.persons[:args.samples],
                                  "hub persons": pools.hub_persons,
                                  "hub enterprises": pools.hub_enterprises}
        with served(store, folder) as (origin, key):
            drive(origin, key, groups)


if __name__ == "__main__":
    main()
