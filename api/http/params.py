"""Request parameters shared by the routes, declared once with their bounds and examples.

Static bounds here are the widest any setting allows (`graph.limits.CEILINGS`); the
queries check the service's own limits (`Caller.limits`, 422 beyond them), and the OpenAPI
document states them (`api.http.app`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator

from credtrace.graph.limits import CEILINGS

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_only(value: Any) -> Any:
    """A date given as text must be ISO `YYYY-MM-DD` (pydantic would read ``0`` as
    1970-01-01).

    >>> iso_only("2024-01-01"), iso_only(None)
    ('2024-01-01', None)
    >>> iso_only(0)
    Traceback (most recent call last):
    ValueError: an ISO date YYYY-MM-DD is expected
    """
    if value is None or isinstance(value, date) or (isinstance(value, str)
                                                     and _ISO_DAY.match(value)):
        return value
    raise ValueError("an ISO date YYYY-MM-DD is expected")


#: A date parameter or field: ISO text only.
IsoDay = Annotated[date, BeforeValidator(iso_only)]

AsOf = Annotated[IsoDay | None, BeforeValidator(iso_only), Query(
    description="answer as of this date (ISO YYYY-MM-DD); default today",
    examples=["2024-01-01"])]
PartyId = Annotated[str, Path(
    min_length=1, max_length=64, description="a USCC or a person key (ID number)",
    examples=["914101057123456728"])]
Uscc = Annotated[str, Path(min_length=1, max_length=64,
                           description="the enterprise's USCC",
                           examples=["914101057123456728"])]
From = Annotated[str, Query(alias="from", min_length=1, max_length=64,
                            description="one end: a USCC or person key",
                            examples=["914101057123456728"])]
To = Annotated[str, Query(min_length=1, max_length=64,
                          description="the other end: a USCC or person key",
                          examples=["91410102812345696N"])]
Kinds = Annotated[list[str] | None, Query(
    max_length=30, description="relationship kinds to follow: a category (role, "
    "shareholding, measure, suspected, authority, event), a type (DIRECTOR) or a role "
    "(director); repeat the parameter for several", examples=[["role", "shareholding"]])]
Scenario = Annotated[str | None, Query(
    min_length=1, max_length=64, description="the business scenario the check is for "
    "(procurement, bidding, market_access, …); default every scenario",
    examples=["procurement"])]


Hops = Annotated[int, Query(ge=1, le=CEILINGS["max_hops"], description="relationships away "
                            "from the party (at most the service's max_hops setting)")]
K = Annotated[int, Query(ge=1, le=CEILINGS["max_hops"], description="hops around sanctioned "
                         "parties (at most the service's max_hops setting)")]
PathHops = Annotated[int, Query(ge=1, le=CEILINGS["max_path_hops"],
                                description="longest path searched (relationships)")]
Limit = Annotated[int, Query(ge=1, le=CEILINGS["max_results"],
                             description="most results (at most the service's max_results "
                                         "setting)")]
MaxNodes = Annotated[int, Query(ge=1, le=CEILINGS["max_results"],
                                description="node cap (at most the service's max_results "
                                            "setting)")]


def iso(day: date | None) -> str | None:
    """A date parameter as the queries take it.

    >>> iso(date(2024, 1, 1)), iso(None)
    ('2024-01-01', None)
    """
    return day.isoformat() if day else None
