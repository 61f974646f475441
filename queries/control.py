"""The one control rule (domain.md §4), three-valued: who controls which enterprise on a date.

The votes a party directs in an enterprise are its own share plus the shares held by every
enterprise it controls (pooled, recursively). A party controls an enterprise when it directs
more than 50 %, or at least 30 % and strictly more than any other party outside its bloc
(its bloc: itself and what it controls); a tie for largest leaves the tied parties
uncertain. A declared actual controller overrides the computation for its enterprise (any
number of them, persons or enterprises; control is transitive, so a declared enterprise is
followed upward). A declaration whose interval is unknown keeps the computed controllers,
as uncertain.

Shares are ranges (an exact figure is a range of width zero; a holding whose start is
unknown counts from 0). The solver keeps two relations, *certain* and *possible*, and
tightens them together until neither changes (a Kripke–Kleene fixpoint): a link is certain
when it holds with its own bloc's shares at their lows and every rival at its highs, and
possible when it may hold with its own at the highs and rivals at the lows. Both tests are
monotone, so the loop ends, circular holdings included, and every control assignment
consistent with the data lies between the two (tests/test_control_property.py checks this
against brute-force enumeration).

>>> g = ControlGraph([Stake("P", "A", 25, 25), Stake("P", "B", 100, 100),
...                   Stake("B", "A", 28, 28), Stake("Q", "A", 47, 47)], [])
>>> solve(g).status("P", "A")
<Tri.YES: 'yes'>
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from credtrace.graph.records import Edge

MAJORITY = 50.0
LARGEST = 30.0

Link = tuple[str, str]  # (controller, enterprise)


class Tri(StrEnum):
    """A three-valued answer."""

    YES = "yes"
    NO = "no"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Stake:
    """One holding as votes: `low`–`high` % of `enterprise` held by `holder`, and why the
    figure is not exact (a share range, an unknown start)."""

    holder: str
    enterprise: str
    low: float
    high: float
    edge: Edge | None = None
    doubts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Declaration:
    """A declared actual controller; `certain` False when its interval may not hold."""

    controller: str
    enterprise: str
    certain: bool
    edge: Edge | None = None
    doubt: str | None = None


@dataclass
class ControlGraph:
    """The holdings and declarations a control question needs (an upward closure)."""

    stakes: list[Stake]
    declared: list[Declaration]

    def votes(self) -> dict[str, dict[str, tuple[float, float]]]:
        """enterprise -> holder -> (low, high), a holder's stakes summed."""
        table: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
        for s in self.stakes:
            if s.holder != s.enterprise:
                low, high = table[s.enterprise].get(s.holder, (0.0, 0.0))
                table[s.enterprise][s.holder] = (low + s.low, high + s.high)
        return table

    def declared_of(self) -> dict[str, list[Declaration]]:
        table: dict[str, list[Declaration]] = defaultdict(list)
        for d in self.declared:
            if d.controller != d.enterprise:
                table[d.enterprise].append(d)
        return table


@dataclass(frozen=True)
class Weighing:
    """How the rule weighed one party in one enterprise: the votes it directs (low–high),
    the largest rival outside its bloc (low–high), and the verdict."""

    low: float
    high: float
    rival_low: float
    rival_high: float
    verdict: Tri
    rule: str  # majority, largest, tie, declared, none


@dataclass
class Solution:
    """Certain and possible control links, closed under transitivity (indexes built once,
    so one solution serves many questions)."""

    certain: set[Link]
    possible: set[Link]
    graph: ControlGraph

    def status(self, party: str, enterprise: str) -> Tri:
        if (party, enterprise) in self.certain:
            return Tri.YES
        return Tri.UNCERTAIN if (party, enterprise) in self.possible else Tri.NO

    def controllers(self, enterprise: str) -> list[str]:
        """Every party that may control `enterprise`, sorted."""
        return sorted(self._possible_into.get(enterprise, ()))

    def bloc(self, party: str, certain: bool = False) -> set[str]:
        """`party` and every enterprise it controls for certain (or may control)."""
        return {party} | (self._bmin if certain else self._bmax).get(party, set())

    def declared(self, enterprise: str) -> list[Declaration]:
        """The declared controllers of `enterprise`."""
        return self._declared.get(enterprise, [])

    def into(self, enterprise: str) -> list[Stake | Declaration]:
        """The stakes and declarations about `enterprise`, in the graph's order."""
        return self._items_into.get(enterprise, [])

    def weigh(self, party: str, enterprise: str) -> Weighing:
        """The final weighing of `party` in `enterprise` (for explanations)."""
        votes = self._votes.get(enterprise, {})
        balance = _Balance(party, votes, self._bmin, self._bmax,
                           _candidates(votes, self._possible_into))
        verdict, rule = balance.verdict()
        if any(d.controller == party for d in self.declared(enterprise)):
            verdict, rule = self.status(party, enterprise), "declared"
        return Weighing(balance.low, balance.high, balance.rival(0), balance.rival(1),
                        verdict, rule)

    @cached_property
    def _bmin(self) -> dict[str, set[str]]:
        return _blocs(self.certain)

    @cached_property
    def _bmax(self) -> dict[str, set[str]]:
        return _blocs(self.possible)

    @cached_property
    def _possible_into(self) -> dict[str, set[str]]:
        return _into(self.possible)

    @cached_property
    def _votes(self) -> dict[str, dict[str, tuple[float, float]]]:
        return self.graph.votes()

    @cached_property
    def _declared(self) -> dict[str, list[Declaration]]:
        return self.graph.declared_of()

    @cached_property
    def _items_into(self) -> dict[str, list[Stake | Declaration]]:
        table: dict[str, list[Stake | Declaration]] = defaultdict(list)
        items: list[Stake | Declaration] = [*self.graph.stakes, *self.graph.declared]
        for item in items:
            table[item.enterprise].append(item)
        return table


def _blocs(links: Iterable[Link]) -> dict[str, set[str]]:
    """The parties each party of `links` (may) control."""
    blocs: dict[str, set[str]] = defaultdict(set)
    for p, y in links:
        blocs[p].add(y)
    return blocs


def closure(links: Iterable[Link]) -> set[Link]:
    """The transitive closure of `links`, without self-links."""
    out = _blocs(links)
    result: set[Link] = set()
    for start in list(out):
        seen, stack = set(), list(out[start])
        while stack:
            y = stack.pop()
            if y in seen:
                continue
            seen.add(y)
            stack.extend(out.get(y, ()))
        result |= {(start, y) for y in seen if y != start}
    return result


def _into(links: Iterable[Link]) -> dict[str, set[str]]:
    """The parties of `links` by the party they (may) control."""
    return _blocs((y, p) for p, y in links)


def _candidates(votes: dict[str, tuple[float, float]], into: dict[str, set[str]]) -> set[str]:
    """Parties that may direct votes among `votes`' holders (`into`: possible links by the
    party controlled)."""
    found = set(votes)
    for holder in votes:
        found |= into.get(holder, set())
    return found


def _sum(votes: dict[str, tuple[float, float]], members: Iterable[str], side: int) -> float:
    return sum(votes[h][side] for h in members if h in votes)


class _Balance:
    """One party weighed in one enterprise: the votes its bloc directs for certain (low)
    and at most (high); the largest rival outside its bloc is summed only where the rule
    needs it (the solver asks for verdicts only)."""

    def __init__(self, party: str, votes: dict[str, tuple[float, float]],
                 bmin: dict[str, set[str]], bmax: dict[str, set[str]],
                 candidates: set[str]) -> None:
        self.votes, self.bmin, self.bmax, self.candidates = votes, bmin, bmax, candidates
        self.sure = bmin.get(party, set()) | {party}
        self.maybe = bmax.get(party, set()) | {party}
        self.low, self.high = _sum(votes, self.sure, 0), _sum(votes, self.maybe, 1)

    def rival(self, side: int) -> float:
        """The most votes another party directs outside this party's bloc: at their lows
        (`side` 0) outside all it may control, or at their highs (1) outside what it
        controls for certain."""
        blocs, own = (self.bmin, self.maybe) if side == 0 else (self.bmax, self.sure)
        return max((_sum(self.votes, (blocs.get(q, set()) | {q}) - own, side)
                    for q in self.candidates if q not in own), default=0.0)

    def verdict(self) -> tuple[Tri, str]:
        """The verdict and the rule that gave it."""
        low, high = self.low, self.high
        if low > MAJORITY:
            return Tri.YES, "majority"
        if low >= LARGEST and low > self.rival(1):
            return Tri.YES, "largest"
        if high > MAJORITY:
            return Tri.UNCERTAIN, "majority"
        if high >= LARGEST and high >= (rival_low := self.rival(0)):
            return Tri.UNCERTAIN, "tie" if low == high and high == rival_low else "largest"
        return Tri.NO, "none"


def solve(graph: ControlGraph) -> Solution:
    """Certain and possible control over `graph` (see the module docstring)."""
    votes, declared = graph.votes(), graph.declared_of()
    enterprises = sorted(set(votes) | set(declared))
    certain: set[Link] = set()
    possible = closure([(h, y) for y, hs in votes.items() for h, (_, hi) in hs.items() if hi > 0]
                       + [(d.controller, d.enterprise) for ds in declared.values() for d in ds])
    while True:
        bmin, bmax, into = _blocs(certain), _blocs(possible), _into(possible)
        sure: set[Link] = set()
        maybe: set[Link] = set()
        for y in enterprises:
            decl = declared.get(y, [])
            maybe |= {(d.controller, y) for d in decl}
            if any(d.certain for d in decl):
                sure |= {(d.controller, y) for d in decl if d.certain}
                continue
            here = votes.get(y, {})
            candidates = _candidates(here, into)
            for p in sorted(candidates - {y}):
                verdict = _Balance(p, here, bmin, bmax, candidates).verdict()[0]
                if verdict is not Tri.NO:
                    maybe.add((p, y))
                if verdict is Tri.YES and all(d.controller == p for d in decl):
                    sure.add((p, y))  # controls whether or not its doubtful declaration holds
        new_certain, new_possible = closure(sure), closure(maybe) & possible
        if new_certain == certain and new_possible == possible:
            return Solution(certain, possible, graph)
        certain, possible = new_certain | certain, new_possible
