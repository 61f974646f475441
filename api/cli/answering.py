"""The options of every verb that answers a question, declared once: `@answering()` puts
`--store`, `--as-of`, `--json` and `--reveal-ids/--mask-ids` into the verb's options where
its `asked` parameter stands, and hands the verb what they say as one `Asked`."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import typer

from credtrace.api.cli.common import AsOfOpt, JsonOpt, StoreOpt, print_json, shown, store_from
from credtrace.graph import Store

T = TypeVar("T")

#: Query verbs answer the local administrator, who may see ID numbers (the role matrix's
#: admin); pages, reports, exports and the demo are for handing on and mask by default.
QueryRevealOpt = Annotated[bool, typer.Option(
    "--reveal-ids/--mask-ids", help="ID numbers in full (default: the CLI user is the "
                                    "administrator) or masked as for the API's masking roles")]

#: Each option's parameter and its declaration, in the order `--help` lists them.
OPTIONS: dict[str, Any] = {"store": StoreOpt, "as_of": AsOfOpt, "as_json": JsonOpt,
                           "reveal_ids": QueryRevealOpt}


@dataclass(frozen=True)
class Asked:
    """What the options say: the store, the date, JSON or tables, ID numbers in full."""

    store: str | None = None
    as_of: str | None = None
    as_json: bool = False
    reveal_ids: bool = True

    def show(self, answer: T) -> T | None:
        """`answer` as it may be shown (`shown`): printed as JSON with `--json` (None
        returned), else returned for the verb's tables."""
        answer = shown(answer, self.reveal_ids)
        if self.as_json:
            print_json(answer)
            return None
        return answer

    def answer(self, query: Callable[[Store], T]) -> T | None:
        """`query`'s answer on the store, as `show` gives it."""
        with store_from(self.store) as db:
            found = query(db)
        return self.show(found)


def answering(*, dated: bool = True, revealing: bool = True
              ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The verb with the options in place of its `asked` parameter (without `--as-of`
    unless `dated`, without `--reveal-ids/--mask-ids` unless `revealing`)."""
    names = [name for name in OPTIONS
             if (dated or name != "as_of") and (revealing or name != "reveal_ids")]
    default = Asked()

    def wrap(verb: Callable[..., None]) -> Callable[..., None]:
        options = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                     default=getattr(default, name), annotation=OPTIONS[name])
                   for name in names]
        signature = inspect.signature(verb, eval_str=True)
        parameters = [option for p in signature.parameters.values()
                      for option in (options if p.name == "asked"
                                     else [p.replace(kind=inspect.Parameter.KEYWORD_ONLY)])]

        @functools.wraps(verb)
        def run(**given: Any) -> None:
            asked = Asked(**{name: given.pop(name) for name in names})
            verb(**given, asked=asked)

        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        return run

    return wrap
