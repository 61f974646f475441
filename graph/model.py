"""The one declaration of credtrace's graph model.

Node kinds, relationship kinds, their properties and display (Chinese names, shapes,
colours) are declared here once; every node's key is its `uid`. The Neo4j schema, ingest
validation, both stores and the pictures read this module. Every other module names a
label through `Label` and a relationship type through `Rel`, never as a string
(tests/test_vocabulary.py checks); a measure's statuses and events are in
`graph.lifecycle`.

>>> MODEL.node(Label.ENTERPRISE).label_zh
'市场主体'
>>> MODEL.role_type("legal_representative") == Rel.LEGAL_REPRESENTATIVE
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Final, Literal

PropType = Literal["str", "date", "float", "int", "bool", "list"]
Category = Literal["role", "shareholding", "measure", "authority", "event", "suspected",
                   "family", "identifier"]

#: Properties every node and relationship carries for provenance (source, file, line, run).
PROVENANCE = ("source", "file", "line", "run_id")


class Label:
    """Node labels: each node kind's own label, and the shared `PARTY`."""

    ENTERPRISE: Final = "Enterprise"
    PERSON: Final = "Person"
    PARTY: Final = "Party"
    AUTHORITY: Final = "Authority"
    MEASURE: Final = "Measure"
    MEASURE_EVENT: Final = "MeasureEvent"
    MEASURE_KIND: Final = "MeasureKind"
    CONTACT: Final = "Contact"
    IDENTIFIER: Final = "Identifier"
    INGEST_RUN: Final = "IngestRun"


class Rel:
    """Relationship types."""

    LEGAL_REPRESENTATIVE: Final = "LEGAL_REPRESENTATIVE"
    PRINCIPAL: Final = "PRINCIPAL"
    DIRECTOR: Final = "DIRECTOR"
    SUPERVISOR: Final = "SUPERVISOR"
    MANAGER: Final = "MANAGER"
    CFO: Final = "CFO"
    BOARD_SECRETARY: Final = "BOARD_SECRETARY"
    ACTUAL_CONTROLLER: Final = "ACTUAL_CONTROLLER"
    DIRECTLY_RESPONSIBLE: Final = "DIRECTLY_RESPONSIBLE"
    HOLDS_SHARES: Final = "HOLDS_SHARES"
    IMPOSED_ON: Final = "IMPOSED_ON"
    DETERMINED_BY: Final = "DETERMINED_BY"
    EVENT_OF: Final = "EVENT_OF"
    FAMILY: Final = "FAMILY"
    ASSOCIATE: Final = "ASSOCIATE"
    HAS_IDENTIFIER: Final = "HAS_IDENTIFIER"
    HAS_CONTACT: Final = "HAS_CONTACT"


@dataclass(frozen=True)
class Prop:
    """A declared property: its name, type, Chinese name and whether it is personal data."""

    name: str
    type: PropType = "str"
    label_zh: str = ""
    personal: bool = False


@dataclass(frozen=True)
class NodeKind:
    """A node label; `uid` is its unique key in both stores."""

    name: str
    label_zh: str
    colour: str
    shape: str
    props: tuple[Prop, ...]
    labels: tuple[str, ...] = ()  # extra labels, e.g. Party for enterprises and persons

    @property
    def prop_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.props)


@dataclass(frozen=True)
class RelKind:
    """A relationship type with its endpoints' labels, category and display.

    Each type has a colour of its own, so every role can be told apart in a picture, and
    none is the evidence orange.
    """

    name: str
    category: Category
    source: str  # a node kind or a shared label such as Party
    target: str
    label_zh: str
    colour: str
    props: tuple[Prop, ...] = ()
    role: str | None = None  # the role name used in bundles, for role relationships

    @property
    def prop_names(self) -> tuple[str, ...]:
        return ("start", "end", *(p.name for p in self.props))


@dataclass(frozen=True)
class Model:
    """All node and relationship kinds, with lookups."""

    nodes: tuple[NodeKind, ...]
    rels: tuple[RelKind, ...]
    shared_labels: tuple[str, ...] = field(default=(Label.PARTY,))

    def node(self, name: str) -> NodeKind:
        for kind in self.nodes:
            if kind.name == name:
                return kind
        raise KeyError(f"unknown node kind {name!r}")

    def rel(self, name: str) -> RelKind:
        for kind in self.rels:
            if kind.name == name:
                return kind
        raise KeyError(f"unknown relationship type {name!r}")

    @cached_property
    def roles(self) -> dict[str, str]:
        """Bundle role name -> relationship type."""
        return {r.role: r.name for r in self.rels if r.role}

    def role_type(self, role: str) -> str:
        try:
            return self.roles[role]
        except KeyError:
            raise KeyError(f"unknown role {role!r}") from None

    def rels_of(self, category: Category) -> tuple[str, ...]:
        return tuple(r.name for r in self.rels if r.category == category)

    def labels_of(self, label: str) -> tuple[str, ...]:
        """Node kinds answering to a label (a kind's own name or a shared label)."""
        return self._kinds_by_label.get(label, ())

    @cached_property
    def _kinds_by_label(self) -> dict[str, tuple[str, ...]]:
        labels = {n.name for n in self.nodes} | {x for n in self.nodes for x in n.labels}
        return {label: tuple(n.name for n in self.nodes if label == n.name or label in n.labels)
                for label in labels}


def _role(name: str, role: str, zh: str, colour: str, source: str = Label.PERSON) -> RelKind:
    return RelKind(name, "role", source, Label.ENTERPRISE, zh, colour, role=role)


MODEL = Model(
    nodes=(
        NodeKind(
            Label.ENTERPRISE, "市场主体", "#1f77b4", "box",
            (
                Prop("name", label_zh="名称"), Prop("kind", label_zh="类型"),
                Prop("status", label_zh="状态"), Prop("established", "date", "成立日期"),
                Prop("address", label_zh="地址"), Prop("phone", label_zh="电话"),
                Prop("email", label_zh="邮箱"),
            ),
            labels=(Label.PARTY,),
        ),
        NodeKind(
            Label.PERSON, "自然人", "#2ca02c", "dot",
            (
                Prop("name", label_zh="姓名"), Prop("id_type", label_zh="证件类型"),
                Prop("id_number", label_zh="证件号码", personal=True),
            ),
            labels=(Label.PARTY,),
        ),
        NodeKind(
            Label.AUTHORITY, "认定部门", "#7f7f7f", "triangle", (Prop("name", label_zh="名称"),),
        ),
        NodeKind(
            Label.MEASURE, "惩戒措施", "#d62728", "diamond",
            (
                Prop("kind", label_zh="措施类型"), Prop("conduct_date", "date", "行为日期"),
                Prop("start", "date", "起始日期"), Prop("end", "date", "终止日期"),
                Prop("authority", label_zh="认定部门"), Prop("legal_basis", label_zh="法律依据"),
                Prop("status", label_zh="状态"), Prop("subject", label_zh="对象"),
                Prop("subject_kind", label_zh="对象类型"),
                Prop("published", "date", "公示日期"),
                Prop("sector", label_zh="行业领域"),
                Prop("personally_responsible", "bool", "负有个人责任"),
                Prop("responsible", "list", "责任人"),
            ),
        ),
        NodeKind(
            Label.MEASURE_EVENT, "程序事件", "#ff7f0e", "star",
            (
                Prop("measure_id", label_zh="措施编号"), Prop("event", label_zh="事件"),
                Prop("date", "date", "日期"), Prop("note", label_zh="说明"),
            ),
        ),
        NodeKind(
            Label.MEASURE_KIND, "措施种类", "#9467bd", "ellipse",
            (
                Prop("name_zh", label_zh="名称"), Prop("reaches_persons", "bool", "及于个人"),
                Prop("roles", "list", "及于角色"), Prop("scenarios", "list", "适用场景"),
                Prop("forbids_roles", "list", "禁止担任"), Prop("severity", "int", "严重程度"),
                Prop("versions", label_zh="规则版本"),  # JSON: the dated versions of the rules
            ),
        ),
        NodeKind(
            Label.CONTACT, "联系信息", "#bcbd22", "square",
            (Prop("field", label_zh="类别"), Prop("value", label_zh="值")),
        ),
        NodeKind(
            Label.IDENTIFIER, "标识符", "#aec7e8", "text",
            (Prop("value", label_zh="值"),),
        ),
        NodeKind(
            Label.INGEST_RUN, "导入批次", "#17becf", "hexagon",
            (
                Prop("started", label_zh="开始"), Prop("finished", label_zh="结束"),
                Prop("status", label_zh="状态"), Prop("path", label_zh="路径"),
                Prop("format", label_zh="格式"), Prop("counts", label_zh="计数"),
                Prop("rejects", "int", "拒收行数"),
            ),
        ),
    ),
    rels=(
        _role(Rel.LEGAL_REPRESENTATIVE, "legal_representative", "法定代表人", "#d62728"),
        _role(Rel.PRINCIPAL, "principal", "主要负责人", "#e377c2"),
        _role(Rel.DIRECTOR, "director", "董事", "#8c564b"),
        _role(Rel.SUPERVISOR, "supervisor", "监事", "#17becf"),
        _role(Rel.MANAGER, "manager", "经理", "#2ca02c"),
        _role(Rel.CFO, "cfo", "财务负责人", "#6b6ecf"),
        _role(Rel.BOARD_SECRETARY, "board_secretary", "董事会秘书", "#a55194"),
        _role(Rel.ACTUAL_CONTROLLER, "actual_controller", "实际控制人", "#9467bd", Label.PARTY),
        _role(Rel.DIRECTLY_RESPONSIBLE, "directly_responsible", "直接责任人", "#8c6d31"),
        RelKind(
            Rel.HOLDS_SHARES, "shareholding", Label.PARTY, Label.ENTERPRISE, "股东", "#1f77b4",
            (
                Prop("percentage", "float", "持股比例"), Prop("pct_min", "float", "最低比例"),
                Prop("pct_max", "float", "最高比例"), Prop("capital", "float", "出资额"),
                Prop("interest", label_zh="权益类型"), Prop("direct", "bool", "直接持有"),
                Prop("declared_indirect", "float", "申报间接比例"),
            ),
        ),
        RelKind(Rel.IMPOSED_ON, "measure", Label.MEASURE, Label.PARTY, "惩戒对象", "#393b79"),
        RelKind(Rel.DETERMINED_BY, "authority", Label.MEASURE, Label.AUTHORITY, "认定部门",
                "#7f7f7f"),
        RelKind(Rel.EVENT_OF, "event", Label.MEASURE_EVENT, Label.MEASURE, "程序事件", "#e7ba52"),
        RelKind(Rel.FAMILY, "family", Label.PERSON, Label.PERSON, "亲属", "#e7969c",
                (Prop("relation", label_zh="关系"),)),
        RelKind(Rel.ASSOCIATE, "family", Label.PARTY, Label.PARTY, "关联人", "#ce6dbd",
                (Prop("relation", label_zh="关系"),)),
        RelKind(Rel.HAS_IDENTIFIER, "identifier", Label.PARTY, Label.IDENTIFIER, "标识符",
                "#aec7e8"),
        RelKind(
            Rel.HAS_CONTACT, "suspected", Label.ENTERPRISE, Label.CONTACT, "登记联系信息",
            "#bcbd22", (Prop("field"),),
        ),
    ),
)

#: Relationship types of the roles, in the model's order.
ROLE_TYPES = MODEL.rels_of("role")
#: Node kinds that are parties (enterprises and persons).
PARTIES = MODEL.labels_of(Label.PARTY)
#: Senior managers, counted as executives.
EXECUTIVE_ROLES = ("director", "supervisor", "manager", "cfo", "board_secretary")
