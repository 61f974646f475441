"""Analysis of enterprises: who is accountable (R1), owners and controllers, the control
group, the credit score, and the early-warning alerts (R4)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from credtrace.api.http.deps import CallerDep, ReadStore, require
from credtrace.api.http.errors import responses
from credtrace.api.http.examples import answer_example
from credtrace.api.http.params import AsOf, K, Limit, Uscc, iso
from credtrace.api.roles import Scope
from credtrace.queries.accountability import AccountableAnswer, accountable
from credtrace.queries.alerts import AlertsAnswer, alerts
from credtrace.queries.owners import GroupAnswer, OwnersAnswer, group, owners
from credtrace.queries.score import ScoreAnswer, score

router = APIRouter(prefix="/v1", tags=["analyse"], dependencies=[require(Scope.ANALYSE)],
                   responses=responses(401, 403, 422, 429, 503))


@router.get("/enterprises/{uscc}/accountable", response_model=AccountableAnswer,
            responses=responses(404) | answer_example("accountable"),
            summary="Persons accountable for its measures (R1)")
def get_accountable(
    caller: CallerDep, store: ReadStore, uscc: Uscc, as_of: AsOf = None,
    measure_id: Annotated[str | None, Query(min_length=1, max_length=64,
                                            description="only this measure")] = None,
) -> Any:
    """Every person reached by the enterprise's measures that reach persons: roles held on
    the conduct date, the actual controller; uncertain cases with their reason."""
    caller.audit(uscc)
    return caller.answer(accountable(store, uscc, measure_id=measure_id, as_of=iso(as_of)))


@router.get("/enterprises/{uscc}/owners", response_model=OwnersAnswer,
            responses=responses(404) | answer_example("owners"),
            summary="Owners, controllers, beneficial owners")
def get_owners(caller: CallerDep, store: ReadStore, uscc: Uscc, as_of: AsOf = None) -> Any:
    """Direct and indirect holders with effective shares and the paths behind them, the
    controlling shareholder, the actual controller and the beneficial owners."""
    caller.audit(uscc)
    return caller.answer(owners(store, uscc, as_of=iso(as_of)))


@router.get("/enterprises/{uscc}/group", response_model=GroupAnswer,
            responses=responses(404) | answer_example("group"),
            summary="The control group")
def get_group(caller: CallerDep, store: ReadStore, uscc: Uscc, as_of: AsOf = None) -> Any:
    """The enterprises connected to this one by control on the date, with the edges."""
    caller.audit(uscc)
    return caller.answer(group(store, uscc, as_of=iso(as_of)))


@router.get("/scores/{uscc}", response_model=ScoreAnswer,
            responses=responses(404) | answer_example("score"),
            summary="The credit score and its contributions")
def get_score(caller: CallerDep, store: ReadStore, uscc: Uscc, as_of: AsOf = None) -> Any:
    """Score, grade A–D, supervision intensity and every contribution that explains it."""
    caller.audit(uscc)
    return caller.answer(score(store, uscc, as_of=iso(as_of)))


@router.get("/alerts", response_model=AlertsAnswer, responses=answer_example("alerts"),
            summary="Early-warning alerts (R4)")
def get_alerts(caller: CallerDep, store: ReadStore, as_of: AsOf = None, k: K = 2,
               limit: Limit = 500) -> Any:
    """Forbidden roles held by persons under a ban, new shells of sanctioned persons, and
    enterprises with sanctioned parties within `k` hops, with the paths."""
    caller.audit()
    return caller.answer(alerts(store, as_of=iso(as_of), k=k, limit=limit,
                                limits=caller.limits))
