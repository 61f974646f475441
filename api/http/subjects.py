"""How callers whose role masks ID numbers address persons, without an existence oracle.

Threat: an insider with a valid analyst or sanction-system key who holds a masked token
(``4101**********0429~3ab7fd3f``: some 186,000 valid numbers fit) or a guess, and wants to
confirm a full ID number by asking about candidates.

- **Tokens as input.** A masked caller names a person by the token an answer gave it:
  every token a masked answer hands out (except the check routes', where the caller sent
  the number itself) is registered (`TokenRegistry`, in the security database) and
  resolved back to the person's key on input.
- **A full ID number is an unknown party** on the exploring, analysing and picture routes:
  `hiding` gives the query a store in which the persons named by the caller's raw input do
  not exist, so the answer (404 and its text) is the one of a number not in the graph.
- **Checks** (a sanction system checks the applicant in front of it, by number): a party
  not in the graph answers "no measure applies" (200); for a masked caller, a person with
  nothing applying nor uncertain gets the very same answer (`no_measure`).
- **A daily budget of unknown subjects per key** (`UnknownBudget`): distinct check
  subjects not in the graph, counted per key and UTC day; past the budget the key's checks
  are refused (429) for the rest of the day, and the first refusal is an audited alert.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

from credtrace.api.securitydb import SecurityDB
from credtrace.graph.identifiers import identifier_key
from credtrace.graph.model import Label, Rel
from credtrace.graph.reads import Direction, Plan
from credtrace.graph.records import Edge, Node
from credtrace.graph.store import Reader
from credtrace.queries.check import CheckAnswer, CheckError
from credtrace.queries.common import key_forms
from credtrace.queries.entity import SearchAnswer
from credtrace.queries.privacy import SEPARATOR

#: The shape of a masked token: the masked key, ``~``, 8 hex digits.
TOKEN = re.compile(rf"^[^{SEPARATOR}\s]{{1,64}}{SEPARATOR}[0-9a-f]{{8}}$")
#: How many issued tokens a process remembers as already registered.
REMEMBERED = 100_000


def is_token(value: str) -> bool:
    """Whether `value` has the form of a masked token.

    >>> is_token("4101**********0429~3ab7fd3f"), is_token("410105198207070429")
    (True, False)
    """
    return bool(TOKEN.match(value.strip()))


class TokenRegistry:
    """Tokens handed out in masked answers -> the person's key (security database)."""

    def __init__(self, db: SecurityDB) -> None:
        self.db = db
        self._known: set[str] = set()

    def register(self, issued: dict[str, str]) -> None:
        """Record `issued` (token -> key); tokens this process registered are skipped."""
        new = [(t, uid) for t, uid in issued.items() if t not in self._known]
        if not new:
            return
        with self.db.connect() as db:
            db.executemany("INSERT OR IGNORE INTO mask_tokens (token, uid) VALUES (?, ?)", new)
        if len(self._known) > REMEMBERED:
            self._known.clear()
        self._known.update(t for t, _ in new)

    def resolve(self, token: str) -> str | None:
        row = self.db.fetch_one("SELECT uid FROM mask_tokens WHERE token = ?", (token.strip(),))
        return str(row["uid"]) if row else None


class HidingStore(Reader):
    """`store` without the nodes `hidden` as entry points: `get_node`, `get_nodes` and
    `kinds` do not see them (a query that starts from one answers "not found"); every
    other read is the store's own (its pushed-down traversals included)."""

    def __init__(self, store: Reader, hidden: set[str]) -> None:
        self._store, self._hidden = store, hidden
        self.name, self.remote = store.name, store.remote

    def get_node(self, uid: str) -> Node | None:
        return None if uid in self._hidden else self._store.get_node(uid)

    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        return self._store.get_nodes(u for u in uids if u not in self._hidden)

    def kinds(self, uids: Iterable[str]) -> dict[str, str]:
        return self._store.kinds(u for u in uids if u not in self._hidden)

    def adjacent(self, uids: Iterable[str], types: Sequence[str] | None = None,
                 direction: Direction = "both", on: str | None = None) -> list[Edge]:
        return self._store.adjacent(uids, types, direction, on)

    def nodes(self, kind: str) -> Iterator[Node]:
        return self._store.nodes(kind)

    def uids(self, kind: str) -> Iterator[str]:
        return self._store.uids(kind)

    def edges(self, rel_type: str) -> Iterator[Edge]:
        return self._store.edges(rel_type)

    def search(self, text: str, limit: int = 20) -> list[Node]:
        return self._store.search(text, limit)

    def counts(self) -> dict[str, int]:
        return self._store.counts()

    def shortest_paths(self, a: str, b: str, types: Sequence[str], on: str | None,
                       max_hops: int, limit: int) -> list[list[Edge]]:
        return self._store.shortest_paths(a, b, types, on, max_hops, limit)

    def prefetch(self, uids: Sequence[str], plan: Plan, kinds: Sequence[str] = ()) -> Reader:
        return HidingStore(self._store.prefetch(uids, plan, kinds), self._hidden)


def persons_named(store: Reader, raw: Iterable[str]) -> set[str]:
    """The persons that raw inputs name: by their key (in any of `key_forms`) or by any
    identifier of theirs (a passport number, a source id: `queries.common.resolve`)."""
    given = list(raw)
    if not given:
        return set()
    forms = {form for value in given for form in key_forms(value)}
    via = store.adjacent([identifier_key(v) for v in given], [Rel.HAS_IDENTIFIER], "in")
    named = store.kinds([*forms, *(e.source for e in via)])
    return {uid for uid, kind in named.items() if kind == Label.PERSON}


def by_name_only(found: SearchAnswer, exact: str | None = None) -> SearchAnswer:
    """A search answer without the persons found by their key (a masked caller's search:
    extending a prefix digit by digit would spell a whole ID number), but the person
    `exact` (a token's) is kept."""
    results = [r for r in found["results"]
               if r["kind"] != Label.PERSON or r["match"] == "name" or r["id"] == exact]
    return {**found, "count": len(results), "results": results}


def without_digits(token: str) -> str:
    """A token that keeps only its hash suffix (the same for the same person).

    >>> without_digits("4101**********0429~3ab7fd3f")
    '******************~3ab7fd3f'
    """
    shown, sep, suffix = token.rpartition(SEPARATOR)
    return "*" * len(shown) + sep + suffix if sep else "*" * len(token)


def third_persons_hidden(answer: CheckAnswer | CheckError) -> CheckAnswer | CheckError:
    """A masked check answer whose `risk` list names third persons by name, role and a
    token without digits (`without_digits`)."""
    if "error" in answer or not answer.get("risk"):
        return answer
    risk = [{k: ({**v, "id": without_digits(v["id"])}
                 if isinstance(v, dict) and v.get("kind") == Label.PERSON else v)
             for k, v in item.items()} for item in answer["risk"]]
    return {**answer, "risk": risk}


def no_measure(subject_id: str, as_of: str, scenario: str | None) -> CheckAnswer:
    """The answer for a party with nothing to report: a party not in the graph, and for a
    masked caller any person with no measure applying nor uncertain (the same answer once
    masked, so the two cannot be told apart).

    >>> no_measure(" 41010519820707042x", "2024-01-01", None)["subject"]
    {'id': '41010519820707042X', 'kind': 'Person', 'name': ''}
    """
    uid = subject_id.strip() if is_token(subject_id) else key_forms(subject_id)[0]
    return {"subject": {"id": uid, "kind": Label.PERSON, "name": ""}, "as_of": as_of,
            "scenario": scenario, "applies": False, "measures": [], "uncertain": [],
            "data_quality": [], "risk": []}


def nothing_to_report(answer: CheckAnswer) -> bool:
    """A person's check answer with no measure applying and none uncertain."""
    return (answer["subject"].get("kind") == Label.PERSON and not answer["applies"]
            and not [u for u in answer["uncertain"] if u.get("measure")] and not answer["risk"])


class UnknownBudget:
    """Distinct unknown check subjects per key and UTC day (security database); the
    subject is kept as a keyed hash, never as given."""

    def __init__(self, db: SecurityDB, per_day: int, key: bytes) -> None:
        self.db, self.per_day, self.key = db, per_day, key

    @staticmethod
    def today() -> str:
        return datetime.now(UTC).date().isoformat()

    def spent(self, key_id: str) -> int:
        row = self.db.fetch_one("SELECT COUNT(*) AS n FROM unknown_subjects "
                                "WHERE key_id = ? AND day = ?", (key_id, self.today()))
        return int(row["n"]) if row else 0

    def exceeded(self, key_id: str) -> bool:
        return self.spent(key_id) > self.per_day

    def spend(self, key_id: str, subjects: Iterable[str]) -> int:
        """Count `subjects` (unknown to the graph) against the key's day; the total."""
        day = self.today()
        rows = [(key_id, day, hmac.new(self.key, s.encode(), hashlib.sha256).hexdigest())
                for s in set(subjects)]
        if rows:
            with self.db.connect() as db:
                db.executemany("INSERT OR IGNORE INTO unknown_subjects (key_id, day, digest) "
                               "VALUES (?, ?, ?)", rows)
        return self.spent(key_id)
