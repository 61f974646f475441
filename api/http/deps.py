"""Typed dependencies the routes declare.

``require(scope)``, every router's dependency: the key (401 without a valid one, 429 over
its rate) and its role (403 without the scope) → ``CallerDep`` (the caller's policy,
purpose, audit and redaction); ``ReadStore`` / ``WriteStore`` (the store, 503 while it is
down, shared for reads and exclusive for writes) for sync routes, ``OpenStore`` for
`async def` routes that read through `Caller.read`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import unquote

from fastapi import Depends, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from credtrace.api.http.errors import BudgetSpent, Forbidden, TooManyRequests, Unauthorized
from credtrace.api.http.refusals import query_params
from credtrace.api.http.resources import Resources
from credtrace.api.http.subjects import (
    HidingStore,
    is_token,
    no_measure,
    nothing_to_report,
    persons_named,
    third_persons_hidden,
)
from credtrace.api.keys import KEY, ApiKey
from credtrace.api.roles import ROLES, Policy, Scope, allowed
from credtrace.api.settings import ApiSettings
from credtrace.graph import Reader, Store
from credtrace.graph.limits import Limits
from credtrace.queries.check import CheckAnswer, CheckError, check_batch
from credtrace.queries.common import as_of_date
from credtrace.queries.privacy import redact

T = TypeVar("T")
# Dependencies that do no I/O are `async def`: they run on the event loop, not one
# thread-pool hop each.
MAX_PURPOSE = 1000  # the raw header: percent-encoded UTF-8 takes 9 characters per 汉字


async def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False,
    description="API key (`ctk_…`) from `credtrace keys create`; its role decides the routes "
                "and fields (see the role matrix)")


ApiKeyHeader = Annotated[str | None, Depends(api_key_header)]


async def current_key(request: Request, presented: ApiKeyHeader) -> ApiKey:
    """The caller's active key, verified once per request (each takes one token of its
    rate limit) and kept in the request scope.

    On the event loop: the key's row is one indexed read through the loop thread's own
    SQLite connection (WAL: readers do not wait for the audit writer), cheaper than a
    hand-off to a worker thread."""
    key: ApiKey | None = request.scope.get(KEY)
    if key is not None:
        return key
    if not presented:
        raise Unauthorized("send an API key in the X-API-Key header")
    resources: Resources = request.app.state.resources
    key = resources.keys.verify(presented)
    if key is None:
        raise Unauthorized("the API key is invalid or revoked")
    wait = resources.limiter.take(key.id)
    if wait is not None:
        raise TooManyRequests(wait)
    request.scope[KEY] = key
    return key




@dataclass(frozen=True)
class Require:
    """A route group's scope: the key (401, 429) and its role (403 without the scope).

    FastAPI solves every node of a route's dependency tree on each request, cached or
    not, so the checks run here directly rather than as sub-dependencies, and
    `CallerDep` takes the key from the request scope: a router's dependencies are
    solved before its routes' own."""

    scope: Scope

    async def __call__(self, request: Request, presented: ApiKeyHeader) -> ApiKey:
        key = await current_key(request, presented)
        if not allowed(key.role, self.scope):
            raise Forbidden(f"role {key.role} may not call {self.scope} routes")
        return key


def require(scope: Scope) -> Any:
    """The router dependency for `scope`."""
    return Depends(Require(scope))


@dataclass(frozen=True)
class Caller:
    """Who is calling, why, and what they may see; audits and redacts for the routes."""

    key: ApiKey
    policy: Policy
    purpose: str | None
    route: str
    method: str
    resources: Resources
    #: the query parameters (a repeated one as a list), kept in the audit entry
    params: dict[str, Any]

    @property
    def settings(self) -> ApiSettings:
        return self.resources.settings

    @property
    def limits(self) -> Limits:
        """The service's request limits, passed to every query."""
        return self.resources.settings.limits

    def audit(self, *subjects: str, **body: Any) -> None:
        """Record this request in the audit trail before anything is read or written
        (`body`: the fields of a request body worth keeping, with the query parameters)."""
        self.resources.audit.append(**self._entry(subjects, body))

    async def audit_async(self, *subjects: str, **body: Any) -> None:
        """`audit` from an `async def` route: waits for the commit without a thread."""
        await self.resources.audit.append_async(**self._entry(subjects, body))

    def _entry(self, subjects: tuple[str, ...], body: dict[str, Any] | None = None
               ) -> dict[str, Any]:
        params = {**self.params, **{k: v for k, v in (body or {}).items() if v is not None}}
        return {"key_id": self.key.id, "role": self.key.role, "method": self.method,
                "route": self.route, "subjects": list(subjects), "purpose": self.purpose,
                "params": params or None}

    async def read(self, store: Reader, query: Callable[[Reader], Any]) -> Any:
        """`query(store)` as this caller may see it, in one worker thread that holds the
        read lock (the store's I/O blocks, so it leaves the event loop once)."""

        def work() -> Any:
            with self.resources.store.access.read():
                return self.answer(query(store))

        return await asyncio.get_running_loop().run_in_executor(self.resources.readers, work)

    def answer(self, data: T, *, register: bool = True) -> T:
        """`data` as this caller may see it (person ids masked unless the role may); the
        tokens handed out are registered so the caller can name persons by them."""
        issued: dict[str, str] = {}
        shown = redact(data, reveal_ids=self.policy.reveal_ids, key=self.resources.mask_key,
                       issued=issued if register else None)
        if issued:
            self.resources.tokens.register(issued)
        return shown

    @property
    def masking(self) -> dict[str, Any]:
        """The same rule for `viz` (its `reveal_ids` and `mask_key` arguments): pages,
        reports and exports carry the tokens of the JSON answers."""
        return {"reveal_ids": self.policy.reveal_ids, "mask_key": self.resources.mask_key}

    def resolve(self, value: str) -> str:
        """A party key as given: a masked caller's token becomes the person's key (an
        unknown token stays, and is not found)."""
        if self.policy.reveal_ids or not is_token(value):
            return value
        return self.resources.tokens.resolve(value) or value.strip()

    def addressed(self, store: Reader, *ids: str) -> tuple[Reader, list[str]]:
        """The store and the party keys as this caller may address them: for a masked
        caller tokens are resolved, and persons named by their raw ID number are hidden
        (answered exactly as a party not in the graph, `api.http.subjects`)."""
        if self.policy.reveal_ids:
            return store, list(ids)
        hidden = persons_named(store, [i for i in ids if not is_token(i)])
        shown = HidingStore(store, hidden) if hidden else store
        return shown, [self.resolve(i) for i in ids]

    async def checks(self, store: Reader, ids: list[str], scenario: str | None,
                     as_of: str | None) -> list[CheckAnswer | CheckError]:
        """Check each of `ids` as this caller may see it: a party not in the graph is
        answered "no measure applies", and so, for a masked caller, is a person with
        nothing to report; a masked caller's unknown subjects spend its daily budget."""
        masked_caller = not self.policy.reveal_ids
        budget = self.resources.budget
        if masked_caller and budget.exceeded(self.key.id):
            raise BudgetSpent(budget.per_day)
        subjects = [self.resolve(i) for i in ids]
        day = as_of_date(as_of)

        def work() -> tuple[list[CheckAnswer | CheckError], list[str]]:
            with self.resources.store.access.read():
                results = check_batch(store, subjects, scenario=scenario, as_of=day,
                                      limits=self.limits)
            unknown = [s for s, r in zip(subjects, results, strict=True)
                       if "error" in r and r["error"]["status"] == 404]
            answers = [no_measure(s, day, scenario)
                       if s in unknown or (masked_caller and "error" not in r
                                           and nothing_to_report(r)) else r
                       for s, r in zip(subjects, results, strict=True)]
            shown = self.answer(answers, register=False)
            if masked_caller:
                shown = [third_persons_hidden(a) for a in shown]
            return shown, unknown

        loop = asyncio.get_running_loop()
        answers, unknown = await loop.run_in_executor(self.resources.readers, work)
        if masked_caller and unknown:
            before = budget.spent(self.key.id)
            if budget.spend(self.key.id, unknown) > budget.per_day:
                if before <= budget.per_day:
                    await self.resources.audit.append_async(**{
                        **self._entry(()), "route": "alert:unknown-budget",
                        "purpose": f"more than {budget.per_day} unknown subjects today"})
                raise BudgetSpent(budget.per_day)
        return answers


async def caller(request: Request,
           purpose: Annotated[str | None, Header(
               alias="X-Purpose", max_length=MAX_PURPOSE,
               description="why you read (case number, procedure); required for every role "
                           "but sanction_system, and written to the audit trail; UTF-8 text "
                           "percent-encoded (案件 → %E6%A1%88%E4%BB%B6)")] = None,
           ) -> Caller:
    key: ApiKey | None = request.scope.get(KEY)
    if key is None:  # a route outside the routers that require a scope
        raise RuntimeError("CallerDep needs the router dependency require(scope)")
    resources: Resources = request.app.state.resources
    policy = ROLES[key.role]
    purpose = unquote(purpose).strip() or None if purpose else None
    if policy.purpose_required and purpose is None:
        raise RequestValidationError([{
            "loc": ("header", "X-Purpose"), "type": "missing",
            "msg": f"the {key.role} role must say why it reads (X-Purpose header)"}])
    route = getattr(request.scope.get("route"), "path", None) or request.url.path
    return Caller(key, policy, purpose, route, request.method, resources,
                  query_params(request.scope))


CallerDep = Annotated[Caller, Depends(caller)]


async def open_store(request: Request) -> Store:
    """The store, opened first if it is not (503 while it cannot be): for `async def`
    routes, which read through `Caller.read` (that takes the read lock). Only opening
    leaves the event loop (it does network I/O)."""
    resources: Resources = request.app.state.resources
    store = resources.store.opened()
    return store if store is not None else await run_in_threadpool(resources.store.get)


def read_store(resources: ResourcesDep) -> Iterator[Reader]:
    """The store for reading (shared with other readers)."""
    store = resources.store.get()
    with resources.store.access.read():
        yield store


def write_store(resources: ResourcesDep) -> Iterator[Store]:
    """The store for writing (no reader sees a half-written state); flushed afterwards."""
    store = resources.store.get()
    with resources.store.access.write():
        yield store
        store.flush()


# scope="function": the lock is released (and a write flushed) before the answer is sent
ReadStore = Annotated[Reader, Depends(read_store, scope="function")]
WriteStore = Annotated[Store, Depends(write_store, scope="function")]
OpenStore = Annotated[Store, Depends(open_store)]
