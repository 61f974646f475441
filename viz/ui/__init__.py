"""The investigator's workbench: one page (`/ui`) and its local assets.

The page is static: it signs in with an API key kept in the browser's session storage and
reads everything from the `/v1` routes, so what it shows is masked by the key's role like
any answer. vis-network (9.1.2, Apache-2.0 or MIT) is the copy shipped inside pyvis, served
from this server under a versioned name with its licence: nothing is fetched from a CDN, the
page works offline.

>>> asset("app.js").media_type
'text/javascript; charset=utf-8'
>>> asset("../secret") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from credtrace.viz.pages import VIS_DIR

STATIC = Path(__file__).parent / "static"
VIS_VERSION = "9.1.2"
MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
#: Every file the page may load, by its public name.
FILES: dict[str, Path] = {
    "app.js": STATIC / "app.js",
    "app.css": STATIC / "app.css",
    f"vis-network-{VIS_VERSION}.min.js": VIS_DIR / "vis-network.min.js",
    f"vis-network-{VIS_VERSION}.css": VIS_DIR / "vis-network.css",
    f"vis-network-{VIS_VERSION}.LICENSE.txt": STATIC / "vis-network.LICENSE.txt",
}
#: The page's policy: its own origin only (vis-network draws with inline styles).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@dataclass(frozen=True)
class Asset:
    """A file of the page with its media type."""

    content: bytes
    media_type: str


def page() -> str:
    """The workbench's HTML."""
    return (STATIC / "index.html").read_text(encoding="utf-8")


def asset(name: str) -> Asset | None:
    """The asset published as `name`, or None (only the listed files are served)."""
    path = FILES.get(name)
    if path is None:
        return None
    return Asset(path.read_bytes(), MEDIA[path.suffix])
