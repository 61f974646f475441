"""City-wide credit evaluation (公共信用综合评价): every enterprise scored and graded on one
date, streamed in key order, each row compared with the previous run's row.

Each row is the answer `queries.score.score` gives for the enterprise, worked out by one
`Scorer` for the run: the neighbourhoods of `CHUNK` keys read at once (the next chunk's
while this one is scored), what the answers
work out (solved control, R1 derivations, nodes read) kept for the enterprises after, at
most `KEEP` of each kind; with the store's key list that is all the run holds, so memory
stays bounded whatever the number of enterprises. A previous run is read as a stream in
the same order and joined row by row.

The run's content hash is the SHA-256 of the canonical JSON of every row's evaluation (key,
name, score, grade, contributions) and the as-of date, without the comparison: the same
data and date give the same hash, whatever the previous run was.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> run = Evaluation(store, as_of="2024-01-01")
>>> rows = list(run.rows())
>>> {r["name"]: r["grade"] for r in rows}["郑州华信商贸有限公司"]  # capped: joint punishment
'D'
>>> again = Evaluation(store, as_of="2024-01-01", previous=rows)
>>> [r["change"]["direction"] for r in again.rows()] == ["same"] * len(rows)
True
>>> again.content_hash == run.content_hash
True
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import Any

from credtrace.graph.model import Label
from credtrace.graph.store import Reader
from credtrace.queries.common import as_of_date, catalogue
from credtrace.queries.score import ScoreAnswer, Scorer

#: Contributions named as the main ones of a row.
MAIN = 3
#: Contribution changes named as the reasons of a grade change.
REASONS = 5
#: Enterprises whose neighbourhoods are read at once (one statement on Neo4j).
CHUNK = 1000
#: Most entries a run keeps of each thing it works out (nodes, events, solved control, R1
#: derivations, control walks): enough for every enterprise of 100k, bounded beyond.
KEEP = 200_000
#: Grades best first: a move to the left is "up".
ORDER = "ABCD"

Row = dict[str, Any]


def evaluated(answer: ScoreAnswer) -> Row:
    """One enterprise's row from its score answer (contributions without their prose)."""
    contributions = [{"source": c["source"], "kind": c["kind"], "type": c["type"],
                      "points": c["points"], "flag": c["flag"]}
                     for c in answer["contributions"]]
    return {
        "uscc": answer["enterprise"]["id"], "name": answer["enterprise"]["name"],
        "score": answer["score"], "grade": answer["grade"],
        "supervision": answer["supervision"], "contributions": contributions,
        "main": [c["explanation"] for c in answer["contributions"][:MAIN]],
        "flags": sorted({c["flag"] for c in answer["contributions"] if c["flag"]}),
        "limits": answer["limits"],
    }


def _reasons(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """What moved the score: contributions that appeared, went or changed, largest first."""
    old = {(c["type"], c["source"]): c for c in before}
    new = {(c["type"], c["source"]): c for c in after}
    moves = []
    for key in sorted(old.keys() | new.keys(), key=str):
        was, now = old.get(key), new.get(key)
        delta = (now["points"] if now else 0.0) - (was["points"] if was else 0.0)
        if abs(delta) < 0.005:
            continue
        kind = (now or was or {}).get("kind") or key[0]
        what = ("new" if was is None else "gone" if now is None else "changed")
        moves.append((abs(delta), f"{what} {key[0]} {key[1]} ({kind}): {-delta:+.2f} points"))
    return [text for _, text in sorted(moves, key=lambda m: (-m[0], m[1]))[:REASONS]]


def change(previous: Row | None, row: Row) -> dict[str, Any]:
    """How `row` differs from the previous run's row of the same enterprise.

    >>> change({"grade": "C", "score": 70.0, "contributions": [
    ...     {"type": "own", "source": "M1", "kind": "joint_punishment", "points": 30.0}]},
    ...     {"grade": "A", "score": 100.0, "contributions": []})["why"]
    ['gone own M1 (joint_punishment): +30.00 points']
    """
    if previous is None:
        return {"direction": "new", "previous_grade": None, "previous_score": None,
                "score_delta": None, "why": []}
    before, after = ORDER.index(previous["grade"]), ORDER.index(row["grade"])
    direction = "up" if after < before else "down" if after > before else "same"
    return {"direction": direction, "previous_grade": previous["grade"],
            "previous_score": previous["score"],
            "score_delta": round(row["score"] - previous["score"], 2),
            "why": _reasons(previous["contributions"], row["contributions"])}


class Evaluation:
    """One evaluation run over `store` on `as_of`, compared with `previous` (rows of an
    earlier run in key order, e.g. read back from its JSON lines); `keys` (sorted) limits
    it to those enterprises.

    Iterate `rows()` once; afterwards `content_hash`, `grades`, `changes` and `gone` (keys
    of the previous run no longer in the store) describe the run."""

    def __init__(self, store: Reader, *, as_of: str | None = None,
                 previous: Iterable[Row] | None = None,
                 keys: Iterable[str] | None = None,
                 progress: Callable[[int], None] | None = None) -> None:
        self.store, self.day = store, as_of_date(as_of)
        self.previous = previous
        self.keys = keys
        self.progress = progress
        self.grades: Counter[str] = Counter()
        self.changes: Counter[str] = Counter()
        self.gone: list[str] = []
        self.count = 0
        self._hash = hashlib.sha256(json.dumps({"as_of": self.day}).encode())

    @property
    def content_hash(self) -> str:
        return self._hash.hexdigest()

    def rows(self) -> Iterator[Row]:
        """Each enterprise's row with its `change`, in key order."""
        prior = iter(self.previous or ())
        waiting = next(prior, None)
        keys = self.keys if self.keys is not None else self.store.uids(Label.ENTERPRISE)
        for uscc, answer in self._answers(keys):
            while waiting is not None and waiting["uscc"] < uscc:
                self.gone.append(waiting["uscc"])
                waiting = next(prior, None)
            previous = None
            if waiting is not None and waiting["uscc"] == uscc:
                previous, waiting = waiting, next(prior, None)
            row = evaluated(answer)
            self._hash.update(canonical({k: row[k] for k in
                                         ("uscc", "name", "score", "grade", "contributions")}))
            row["change"] = change(previous, row)
            self.grades[row["grade"]] += 1
            self.changes[row["change"]["direction"]] += 1
            self.count += 1
            if self.progress:
                self.progress(self.count)
            yield row
        while waiting is not None:
            self.gone.append(waiting["uscc"])
            waiting = next(prior, None)

    def _answers(self, keys: Iterable[str]) -> Iterator[tuple[str, ScoreAnswer]]:
        """Each key's score answer: one `Scorer` for the run, keeping up to `KEEP` of each
        thing it works out, reading `CHUNK` keys' neighbourhoods at a time; the next
        chunk is read (on a server, while the server works) as this one is scored."""
        scorer = Scorer(self.store, self.day, catalogue(self.store), KEEP)
        remaining = iter(keys)
        chunks = iter(lambda: list(islice(remaining, CHUNK)), [])
        with ThreadPoolExecutor(max_workers=1) as reader:
            ahead = [(chunk, reader.submit(scorer.read, chunk)) for chunk in islice(chunks, 1)]
            while ahead:
                chunk, view = ahead.pop()
                ahead = [(c, reader.submit(scorer.read, c)) for c in islice(chunks, 1)]
                yield from zip(chunk, scorer.scores(chunk, view.result()), strict=True)

    def summary(self) -> dict[str, Any]:
        """The run's record: date, counts by grade and by change, content hash."""
        return {"as_of": self.day, "enterprises": self.count,
                "grades": dict(sorted(self.grades.items())),
                "changes": dict(sorted(self.changes.items())),
                "gone_since_previous": self.gone, "content_hash": self.content_hash}


def canonical(value: Any) -> bytes:
    """Canonical JSON (sorted keys, UTF-8) and a newline: what the content hash reads."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            + "\n").encode()
