"""Statutory consequences for persons (Company Law art. 178; 企业信息公示暂行条例): who
an enterprise event reaches when the law asks for personal responsibility.

A kind with `personal_responsibility` reaches a role holder only where the event says
they were personally responsible: the persons it names (`responsible`), or everyone in
the reached roles when its `personally_responsible` flag is true. Without either the
holder is listed as uncertain with the reason, never dropped and never certain on a
guess; a false flag reaches nobody.

>>> from credtrace.graph.records import Node
>>> from credtrace.queries.common import MeasureKind
>>> kind = MeasureKind("licence_revoked", "吊销营业执照", True, ("legal_representative",),
...                    (), (), 3, personal_responsibility=True)
>>> responsibility(Node("Measure", "E1", {}), kind, "p1")
(True, 'personal responsibility not established by the event (a condition of the law)')
"""

from __future__ import annotations

from credtrace.graph.records import Node
from credtrace.queries.common import MeasureKind


def responsibility(measure: Node, kind: MeasureKind, person: str) -> tuple[bool, str | None]:
    """(reached, why uncertain) for a holder of a reached role."""
    if not kind.personal_responsibility:
        return True, None
    named = measure.props.get("responsible") or []
    if named:
        return person in named, None
    flag = measure.props.get("personally_responsible")
    if flag is None:
        return True, "personal responsibility not established by the event (a condition of the law)"
    return bool(flag), None
