"""Checks for sanction systems (and every reading role): is this party, or a party
responsible for it, under a measure in force that applies to this action?"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from credtrace.api.http.deps import CallerDep, OpenStore, require
from credtrace.api.http.errors import ContentTooLarge, responses
from credtrace.api.http.examples import answer_example
from credtrace.api.http.models import CheckBatchAnswer, CheckBatchIn
from credtrace.api.http.params import AsOf, PartyId, Scenario, iso
from credtrace.api.roles import Scope
from credtrace.queries.check import CheckAnswer
from credtrace.queries.common import InvalidInput

router = APIRouter(prefix="/v1", tags=["check"], dependencies=[require(Scope.CHECK)],
                   responses=responses(401, 403, 422, 429, 503))


@router.get("/check/{id}", response_model=CheckAnswer, responses=answer_example("check"),
            summary="Check one party")
async def get_check(caller: CallerDep, store: OpenStore, id: PartyId,
                    scenario: Scenario = None, as_of: AsOf = None) -> Any:
    """The measures in force on the date that apply to the scenario: an enterprise's own,
    a person's own and those derived to them (R1), each with its state and evidence. A
    party not in the graph: "no measure applies" (`applies` false), never 404."""
    await caller.audit_async(id)
    (answer,) = await caller.checks(store, [id], scenario, iso(as_of))
    if "error" in answer:
        raise InvalidInput(answer["error"]["detail"])
    return answer


@router.post("/check", response_model=CheckBatchAnswer,
             responses=responses(400, 413) | answer_example("check_batch"),
             summary="Check up to 1,000 parties")
async def post_check(caller: CallerDep, store: OpenStore, body: CheckBatchIn) -> Any:
    """One answer per subject, in the order given; a subject not in the graph is answered
    "no measure applies"; one that cannot be checked gets an error item
    (`{"id", "error": {"status", "detail"}}`) and the others are still answered."""
    if len(body.subjects) > caller.limits.max_batch:
        raise ContentTooLarge(f"at most {caller.limits.max_batch} subjects per batch, "
                              f"got {len(body.subjects)}")
    await caller.audit_async(*body.subjects, as_of=iso(body.as_of), scenario=body.scenario)
    results = await caller.checks(store, body.subjects, body.scenario, iso(body.as_of))
    return {"count": len(results), "results": results}
