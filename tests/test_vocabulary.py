"""`graph.model` is the only module that spells a label or a relationship type.

Every other module names them through `Label` and `Rel`, so renaming a kind or a type is
one edit. Tests may spell them: they check the vocabulary from outside; their bundle
builder (`tests/builders.py`) may not.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from credtrace.graph.lifecycle import STATES, STATUSES
from credtrace.graph.model import MODEL, Label, Rel
from credtrace.viz.style import MEASURE_STATUS

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("graph", "ingest", "queries", "api", "viz", "bench", "scripts")
HELPERS = ("tests/builders.py",)
MODEL_MODULES = {"graph/model.py"}
#: Names of another vocabulary that happen to equal ours: FollowTheMoney's `Person` schema.
FOREIGN = {("ingest/ftm.py", "Person")}
VOCABULARY = ({n.name for n in MODEL.nodes} | set(MODEL.shared_labels)
              | {r.name for r in MODEL.rels})


#: A label or type written into Cypher text: `(e:Enterprise`, `[:HOLDS_SHARES|DIRECTOR`.
IN_CYPHER = re.compile(r"[(\[]\w*:(\w+(?:\|\w+)*)|\|(\w+)(?=[]|*])")


def spelled(source: str) -> list[tuple[int, str]]:
    """(line, name) of each string constant naming a label or type, or writing one into
    Cypher text (f-string parts included); docstrings skipped.

    >>> spelled('def f():\\n    "HOLDS_SHARES"\\n    return "HOLDS_SHARES", "Person"')
    [(3, 'HOLDS_SHARES'), (3, 'Person')]
    >>> spelled('q = f"MATCH (e:Enterprise)<-[:{rel}|IMPOSED_ON]-(x:{label})"')
    [(1, 'Enterprise'), (1, 'IMPOSED_ON')]
    """
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str) \
                or id(node) in docstrings:
            continue
        names = {node.value} | {name for match in IN_CYPHER.finditer(node.value)
                                for name in (match.group(1) or match.group(2)).split("|")}
        found += [(node.lineno, name) for name in names & VOCABULARY]
    return sorted(found)


def modules() -> list[str]:
    found = [p.relative_to(ROOT).as_posix() for top in SCANNED for p in (ROOT / top).rglob("*.py")]
    return sorted({*found, *HELPERS} - MODEL_MODULES)


def test_no_module_but_the_model_spells_a_label_or_a_type() -> None:
    offenders = [f"{path}:{line}: {name!r}" for path in modules()
                 for line, name in spelled((ROOT / path).read_text(encoding="utf-8"))
                 if (path, name) not in FOREIGN]
    assert offenders == [], "use graph.model's Label and Rel:\n" + "\n".join(offenders)


def test_the_scan_covers_the_packages() -> None:
    assert {"queries/check.py", "viz/views.py", "bench/query_bench.py"} <= set(modules())


def test_label_and_rel_name_exactly_the_model() -> None:
    def names(namespace: type) -> set[str]:
        return {v for k, v in vars(namespace).items() if k.isupper()}

    assert names(Label) == {n.name for n in MODEL.nodes} | set(MODEL.shared_labels)
    assert names(Rel) == {r.name for r in MODEL.rels}


def test_every_state_of_a_measure_is_drawn() -> None:
    assert set(STATES) | {"derived"} == set(MEASURE_STATUS)
    assert set(STATUSES) <= set(STATES)
