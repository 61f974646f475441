"""The role matrix: which routes each kind of API key may call and which fields it sees.

Routes are grouped in scopes (each router declares its scope); a role is a set of scopes
plus a field policy. The matrix is part of the product (domain.md §8): it is tested route by
route and rendered into the README by `matrix_markdown`.

- **sanction_system** (a department's workflow, a machine): the check routes only; ID
  numbers masked. `X-Purpose` optional: the business scenario it checks for is recorded.
- **analyst**: every read route, the pictures, reports and exports included; ID numbers
  masked (networks, not identities).
- **investigator**: every read route, the pictures, reports and exports included; ID
  numbers shown. Read-only: recording due-process events is data administration
  (domain.md §1), so it is not theirs.
- **admin**: everything, including ingestion, measure events, the audit trail and starting
  city-wide evaluation runs (their results are read like scores: `analyse`).

Every role but the sanction system must say why it reads (`X-Purpose`): people reading
personal data answer for it in the audit trail.

>>> ROLES[Role.ANALYST].reveal_ids, Scope.CHECK in ROLES[Role.SANCTION_SYSTEM].scopes
(False, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Kinds of API key (domain.md §1)."""

    INVESTIGATOR = "investigator"
    SANCTION_SYSTEM = "sanction_system"
    ANALYST = "analyst"
    ADMIN = "admin"


class Scope(StrEnum):
    """Groups of routes a role is granted together."""

    CHECK = "check"        # single and batch checks
    EXPLORE = "explore"    # search, entities, related parties, paths, neighbourhood
    ANALYSE = "analyse"    # accountability, owners, group, alerts, scores
    VIZ = "viz"            # network pages, the analyst's report, exports (HTML and files)
    RECORD = "record"      # due-process events on measures
    INGEST = "ingest"      # bundle uploads
    AUDIT = "audit"        # the audit trail and its verification
    EVALUATE = "evaluate"  # starting a city-wide evaluation run


@dataclass(frozen=True)
class Policy:
    """What one role may do and see."""

    scopes: frozenset[Scope]
    reveal_ids: bool
    purpose_required: bool
    summary: str


READ = frozenset({Scope.CHECK, Scope.EXPLORE, Scope.ANALYSE, Scope.VIZ})

ROLES: dict[Role, Policy] = {
    Role.SANCTION_SYSTEM: Policy(frozenset({Scope.CHECK}), reveal_ids=False,
                                 purpose_required=False,
                                 summary="checks before acting; ID numbers masked"),
    Role.ANALYST: Policy(READ, reveal_ids=False, purpose_required=True,
                         summary="every read route; ID numbers masked"),
    Role.INVESTIGATOR: Policy(READ, reveal_ids=True, purpose_required=True,
                              summary="every read route; ID numbers shown"),
    Role.ADMIN: Policy(frozenset(Scope), reveal_ids=True, purpose_required=True,
                       summary="everything: reads, ingestion, measure events, audit, "
                               "evaluation runs"),
}


def allowed(role: Role, scope: Scope) -> bool:
    """Whether `role` may call routes of `scope`."""
    return scope in ROLES[role].scopes


def matrix_markdown(routes: Iterable[tuple[str, str, Scope]]) -> str:
    """The role matrix as a Markdown table, one row per (method, path, scope) route.

    >>> print(matrix_markdown([("GET", "/v1/check/{id}", Scope.CHECK)]))
    | route | scope | investigator | sanction_system | analyst | admin |
    |---|---|---|---|---|---|
    | `GET /v1/check/{id}` | check | ✓ ids | ✓ masked | ✓ masked | ✓ ids |
    """
    roles = list(Role)
    lines = ["| route | scope | " + " | ".join(roles) + " |",
             "|---|---|" + "---|" * len(roles)]
    for method, path, scope in routes:
        cells = [("✓ ids" if ROLES[r].reveal_ids else "✓ masked") if allowed(r, scope) else "—"
                 for r in roles]
        lines.append(f"| `{method} {path}` | {scope} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
