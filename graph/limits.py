"""How far and how much one request may reach: one frozen value, checked once when built.

The caller builds it (the service and the CLI from their settings, `Settings.limits`; a
bench script or a library caller from its own numbers, or takes `DEFAULT_LIMITS`) and passes
it to the queries and pictures, which bound their parameters by it and read nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from credtrace.graph.traverse import MAX_PATH_HOPS

__all__ = ["CEILINGS", "DEFAULT_LIMITS", "FLOORS", "Limits"]

#: The widest each limit may be set (`max_path_hops`: one Cypher statement per length).
CEILINGS = {"max_hops": 8, "max_path_hops": MAX_PATH_HOPS, "max_results": 100_000,
            "max_nodes": 5000, "max_batch": 1000}
#: The narrowest each limit may be set (a picture folds nodes into at least a few groups).
FLOORS = {"max_hops": 1, "max_path_hops": 1, "max_results": 1, "max_nodes": 10,
          "max_batch": 1}


@dataclass(frozen=True)
class Limits:
    """Bounds of one request's parameters.

    >>> Limits(max_results=5000).max_results
    5000
    >>> Limits(max_hops=9)
    Traceback (most recent call last):
    ValueError: max_hops must be between 1 and 8, got 9
    """

    #: relationships away from a party (`hops`, `k`)
    max_hops: int = 4
    #: longest shortest path searched
    max_path_hops: int = MAX_PATH_HOPS
    #: results of one answer (`limit`), and nodes one walk may reach
    max_results: int = 1000
    #: node cap of a picture; beyond it nodes are folded into summary nodes
    max_nodes: int = 500
    #: parties of one batch check
    max_batch: int = 1000

    def __post_init__(self) -> None:
        for field in fields(self):
            value, low, high = getattr(self, field.name), FLOORS[field.name], CEILINGS[field.name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{field.name} must be between {low} and {high}, got {value!r}")


#: The limits of a caller that sets none (the settings' defaults).
DEFAULT_LIMITS = Limits()
