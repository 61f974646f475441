"""The OpenAPI document's examples: real answers on the demo bundle (`examples/zhengzhou`),
as a role that sees ID numbers masked gets them.

`examples.json` beside this module is written by `tests/api/test_openapi_examples.py`
(``CREDTRACE_WRITE_EXAMPLES=1``), which fails whenever an answer drifts from it. The
document is served without a key, so the examples name no person of any data set: the
bundle's persons are given synthetic ID numbers before the answers are computed, and those
appear only as masked tokens.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

FILE = Path(__file__).with_name("examples.json")


@cache
def stored() -> dict[str, Any]:
    """Every example, by name (a route's answer, or a request body)."""
    loaded: dict[str, Any] = json.loads(FILE.read_text("utf-8"))
    return loaded


def example(name: str) -> Any:
    """The example `name` (None if the file lacks it: the test names it as drift)."""
    return stored().get(name)


def answer_example(name: str, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """The `responses` entry that shows the example `name` as a route's JSON answer."""
    return {status: {"content": {"application/json": {"example": example(name)}}}}
