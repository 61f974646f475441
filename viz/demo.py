"""The pictures and the report of the main job (`credtrace demo`), written into one folder.

The main sanctioned enterprise is the one whose measures reach the most persons while in
force; the path view links it to a new shell (换壳) an R4 alert found for a person it
reached, else to another enterprise such a person runs or owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credtrace.graph.model import MODEL
from credtrace.graph.store import Reader
from credtrace.queries.accountability import AccountableAnswer
from credtrace.queries.alerts import alerts
from credtrace.queries.common import Party
from credtrace.viz.pages import render_accountability, render_ego, render_ownership, render_path
from credtrace.viz.report import write_report

PARTY_LINKS = (*MODEL.rels_of("role"), *MODEL.rels_of("shareholding"))


@dataclass(frozen=True)
class Output:
    """One file the demo wrote."""

    what: str
    path: Path


@dataclass
class DemoResult:
    """What the demo found and wrote."""

    main: Party | None
    alerts: dict[str, int]
    outputs: list[Output]


def main_enterprise(answers: list[AccountableAnswer]) -> AccountableAnswer | None:
    """The `propagate` answer whose measures reach the most persons in force."""
    def weight(answer: AccountableAnswer) -> tuple[int, int, str]:
        in_force = sum(1 for e in answer["reached"] if e["state"]["in_force"])
        return -in_force, -len(answer["reached"]), answer["enterprise"]["id"]

    reaching = [a for a in answers if a["reached"]]
    return min(reaching, key=weight) if reaching else None


def linked_enterprise(store: Reader, answer: AccountableAnswer,
                      shells: list[dict[str, Any]]) -> str | None:
    """A new shell of a person the measure reached, else another enterprise where such a
    person holds a role or shares (first by key)."""
    uscc = answer["enterprise"]["id"]
    persons = sorted({e["person"] for e in answer["reached"]})
    found: list[str] = sorted(a["enterprise"]["id"] for a in shells
                   if a["measure"]["subject"] == uscc and a["person"]["id"] in persons)
    if found:
        return found[0]
    others = {e.target for e in store.adjacent(persons, list(PARTY_LINKS), "out")} - {uscc}
    return min(others) if others else None


def write_demo(store: Reader, out: Path, answers: list[AccountableAnswer],
               as_of: str | None = None, *, reveal_ids: bool = False,
               mask_key: bytes | None = None) -> DemoResult:
    """R4 alerts, then the report and pages of the main sanctioned enterprise (ID numbers
    masked with the shared tokens unless `reveal_ids`)."""
    warnings = alerts(store, as_of=as_of)
    counts = {name: len(warnings[name]) for name in ("forbidden_roles", "new_shells",
                                                     "exposure")}
    main = main_enterprise(answers)
    if main is None:
        return DemoResult(None, counts, [])
    uscc = main["enterprise"]["id"]
    shown: dict[str, Any] = {"as_of": as_of, "reveal_ids": reveal_ids, "mask_key": mask_key}
    pages = {
        "ego network (2 hops)": ("ego.html", render_ego(store, uscc, hops=2, **shown)),
        "accountability view": ("accountability.html",
                                render_accountability(store, uscc, **shown)),
        "ownership / control": ("ownership.html", render_ownership(store, uscc, **shown)),
    }
    other = linked_enterprise(store, main, warnings["new_shells"])
    if other is not None:
        pages["path view"] = ("path.html", render_path(store, uscc, other, **shown))
    out.mkdir(parents=True, exist_ok=True)
    written = [Output("report", write_report(store, uscc, out, hops=2, **shown))]
    for what, (name, html) in pages.items():
        (out / name).write_text(html, encoding="utf-8")
        written.append(Output(what, out / name))
    return DemoResult(main["enterprise"], counts, written)
