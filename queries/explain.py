"""One explanation shape for every answer that applies a rule (CLI, API and pages alike):
the rule applied, the inputs it weighed, and the reasons the answer is uncertain (empty when
it is certain).

>>> explanation("control: majority", {"votes": [60.0, 60.0]}, [])
{'rule': 'control: majority', 'inputs': {'votes': [60.0, 60.0]}, 'uncertain': []}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def explanation(rule: str, inputs: dict[str, Any], reasons: Iterable[str]) -> dict[str, Any]:
    """`{"rule", "inputs", "uncertain"}`, each reason once, in order."""
    return {"rule": rule, "inputs": inputs, "uncertain": list(dict.fromkeys(reasons))}
