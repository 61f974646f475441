"""The four pictures an investigator asks for, built from query answers.

- ego: everything within k hops of a party, chosen relationship kinds (`neighbourhood`);
- accountability: a sanctioned enterprise, its measures, the persons reached (`accountable`)
  with the evidence roles highlighted and the roles that did not reach anyone muted;
- ownership: equity penetration top-down (`owners`): shares and ranges on edges, the
  controlling shareholder, the actual controller (declared or derived, its chain
  highlighted) and the beneficial owners marked;
- path: the shortest connections between two parties (`paths`).

Each builder returns a `Picture` with the store's keys; masking and drawing are the page's.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> p = ownership_picture(store, "914101057123456728", as_of="2024-01-01")
>>> sorted(n.label.split()[0] for n in p.nodes.values() if "beneficial_owner" in n.marks)
['刘洋', '陈静']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from credtrace.graph.lifecycle import EVENT_ZH
from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import MODEL, ROLE_TYPES, Label, Rel
from credtrace.graph.records import Edge
from credtrace.graph.store import Reader
from credtrace.queries.accountability import Reached, accountable
from credtrace.queries.common import as_of_date, catalogue, kind_of, require_node
from credtrace.queries.measures import events_of, measures_on, state
from credtrace.queries.network import edge_entry, neighbourhood, node_entry
from credtrace.queries.owners import OwnersAnswer, owners
from credtrace.queries.paths import paths
from credtrace.viz.cap import add_truncated
from credtrace.viz.picture import (
    Details,
    Picture,
    interval_text,
    prop_details,
    provenance_details,
    share_text,
)
from credtrace.viz.style import MEASURE_STATUS, rel_style

VALIDITY_ZH = {"yes": "有效", "no": "无效", "uncertain": "不确定"}


# --- nodes and edges ------------------------------------------------------------------
def node_label(entry: dict[str, Any], kinds_zh: dict[str, str]) -> str:
    props = entry["props"]
    if entry["kind"] == Label.MEASURE:
        return f"{kinds_zh.get(props.get('kind', ''), props.get('kind', ''))}\n{entry['id']}"
    if entry["kind"] == Label.MEASURE_EVENT:
        event = str(props.get("event", ""))
        return f"{EVENT_ZH.get(event, event)}\n{props.get('date', '')}"
    if entry["kind"] == Label.MEASURE_KIND:
        return str(props.get("name_zh") or entry["id"])
    return str(entry["name"])


def edge_label(entry: dict[str, Any]) -> str:
    """Role or type, share (exact or range) and interval: ``股东 60%\\n2016-04-12 – 至今``."""
    head = entry.get("label_zh") or rel_style(entry["type"])["label_zh"]
    if entry["type"] == Rel.HOLDS_SHARES:
        head = f"{head} {share_text({**entry.get('props', {}), 'percentage': entry['percentage']})}"
    if entry["type"] in ROLE_TYPES or entry["type"] == Rel.HOLDS_SHARES:
        return f"{head}\n{interval_text(entry.get('start'), entry.get('end'))}"
    return str(head)


def edge_details(entry: dict[str, Any]) -> Details:
    props = {**entry.get("props", {}), "percentage": entry.get("percentage")}
    rows = [("关系", rel_style(entry["type"])["label_zh"]),
            ("期间", interval_text(entry.get("start"), entry.get("end"))),
            ("有效性（截至日）", VALIDITY_ZH.get(entry.get("validity", ""), ""))]
    if entry.get("reason"):
        rows.append(("说明", entry["reason"]))
    rows += [(p.label_zh or p.name, str(props[p.name])) for p in MODEL.rel(entry["type"]).props
             if props.get(p.name) is not None]
    return rows + provenance_details(props)


def measure_states(store: Reader, ids: list[str], on: str) -> dict[str, str]:
    """The state of each measure on `on` (viz.style.MEASURE_STATUS keys)."""
    events = events_of(store, ids)
    nodes = store.get_nodes(ids)
    kinds = catalogue(store)
    return {m: state(nodes[m].props, events[m], on, kind_of(kinds, nodes[m])).status
            for m in ids if m in nodes}


def kinds_zh_of(store: Reader) -> dict[str, str]:
    return {k: v.name_zh for k, v in catalogue(store).items()}


def add_node(picture: Picture, entry: dict[str, Any], kinds_zh: dict[str, str],
             status: str | None = None, **extra: Any) -> None:
    """A node from a `node_entry`; a measure is coloured by its `status`."""
    props = entry["props"]
    if status:  # one status line: the state on the date, not also the one recorded at load
        props = {k: v for k, v in props.items() if k != "status"}
    details = [("类型", MODEL.node(entry["kind"]).label_zh), ("编号", entry["id"]),
               ("名称", entry["name"]), *prop_details(entry["kind"], props)]
    if status:
        details.insert(1, ("状态（截至日）", MEASURE_STATUS[status].label_zh))
    details += window_details(entry.get("state") or {})
    picture.node(entry["id"], entry["kind"], node_label(entry, kinds_zh), details,
                 status=status, **extra)
    picture.cite(entry["props"])


def add_edge(picture: Picture, entry: dict[str, Any], **extra: Any) -> None:
    """An edge from an `edge_entry`; uncertain validity draws it dashed."""
    picture.edge(entry["source"], entry["target"], entry["type"], edge_label(entry),
                 details=edge_details(entry), uncertain=entry.get("validity") == "uncertain",
                 **extra)
    picture.cite(entry.get("props", {}))


def add_store_edges(picture: Picture, store: Reader, edges: Iterable[Edge], on: str,
                    **extra: Any) -> None:
    """Stored relationships, and their endpoints when not yet in the picture."""
    edges = list(edges)
    missing = {u for e in edges for u in (e.source, e.target)} - set(picture.nodes)
    nodes = store.get_nodes(missing)
    states = measure_states(store, [u for u, n in nodes.items() if n.kind == Label.MEASURE], on)
    kinds_zh = kinds_zh_of(store)
    for uid, node in nodes.items():
        add_node(picture, node_entry(node), kinds_zh, states.get(uid))
    for edge in edges:
        add_edge(picture, edge_entry(edge, on), **extra)


def add_evidence_step(picture: Picture, store: Reader, step: dict[str, Any],
                      **extra: Any) -> None:
    """The stored relationship an evidence step stands for (role, shareholding, declared
    controller), drawn with `extra` (e.g. highlighted)."""
    if step["step"] == "role":
        source, target, rel_type = step["person"], step["enterprise"], MODEL.role_type(
            step["role"])
    elif step["step"] == "shareholding":
        source, target, rel_type = step["holder"]["id"], step["enterprise"], Rel.HOLDS_SHARES
    elif step["step"] == "declared_controller":
        source, target, rel_type = step["controller"]["id"], step["enterprise"], \
            Rel.ACTUAL_CONTROLLER
    else:
        return
    edges = [e for e in store.adjacent([target], [rel_type], "in")
             if e.source == source and (e.start, e.end) == (step.get("start"), step.get("end"))]
    add_store_edges(picture, store, edges, picture.as_of, **extra)


def finish(picture: Picture, store: Reader) -> Picture:
    """Describe the ingest runs the picture's data came from (provenance)."""
    runs = store.get_nodes(picture.run_ids)
    picture.provenance = [
        {"run_id": uid, "path": n.props.get("path"), "format": n.props.get("format"),
         "started": n.props.get("started"), "finished": n.props.get("finished"),
         "files": sorted(picture.files.get(uid, set()))}
        for uid, n in sorted(runs.items())
    ]
    return picture


# --- the views ------------------------------------------------------------------------
def ego_picture(store: Reader, party_id: str, *, hops: int = 1,
                kinds: Sequence[str] | None = None, as_of: str | None = None,
                limits: Limits = DEFAULT_LIMITS) -> Picture:
    """A party's neighbourhood within `hops`, following relationship `kinds` (at most
    `limits.max_nodes` nodes, and no more than any answer's `max_results`)."""
    sub = neighbourhood(store, party_id, hops=hops, kinds=kinds, as_of=as_of,
                        max_nodes=min(limits.max_nodes, limits.max_results), limits=limits)
    center = next(n for n in sub.nodes if n["id"] == sub.center)
    picture = Picture("ego", f"关系网络：{center['name']}（{hops} 度）", sub.center, sub.as_of)
    kinds_zh = kinds_zh_of(store)
    for entry in sub.nodes:
        add_node(picture, entry, kinds_zh, (entry.get("state") or {}).get("status"))
    for edge in sub.edges:
        add_edge(picture, edge)
    picture.nodes[sub.center].marks.add("center")
    add_truncated(picture, sub.truncated)
    picture.notes.append("关系类型：" + "、".join(rel_style(k)["label_zh"] for k in sub.kinds))
    return finish(picture, store)


def accountability_picture(store: Reader, uscc: str, *, measure_id: str | None = None,
                           as_of: str | None = None) -> Picture:
    """A sanctioned enterprise, its measures and who they reach, with the evidence."""
    day = as_of_date(as_of)
    answer = accountable(store, uscc, measure_id=measure_id, as_of=day)
    enterprise = require_node(store, answer["enterprise"]["id"], Label.ENTERPRISE)
    picture = Picture("accountability", f"追责视图：{enterprise.name}", enterprise.uid, day)
    kinds_zh = kinds_zh_of(store)
    add_node(picture, node_entry(enterprise), kinds_zh, marks={"center"})
    measures = [m.uid for m in measures_on(store, enterprise.uid) if measure_id in (None, m.uid)]
    around = store.adjacent(measures, [Rel.IMPOSED_ON, Rel.DETERMINED_BY, Rel.EVENT_OF])
    events = store.get_nodes(e.source for e in around if e.type == Rel.EVENT_OF)
    happened = {uid for uid, n in events.items() if (n.props.get("date") or "") <= day}
    add_store_edges(picture, store, [
        e for e in around if (e.type != Rel.IMPOSED_ON or e.target == enterprise.uid)
        and (e.type != Rel.EVENT_OF or e.source in happened)], day)
    add_store_edges(picture, store, store.adjacent([enterprise.uid], list(ROLE_TYPES), "in"),
                    day, muted=True)
    for entry in answer["reached"] + answer["uncertain"]:
        add_reached(picture, store, entry, kinds_zh)
    picture.notes += [f"不确定：{e['name']}（{e['person']}）：{e['reason']}"
                      for e in answer["uncertain"]]
    if not answer["measures"]:
        picture.notes.append("该主体没有及于个人的惩戒措施。")
    picture.notes.append("橙色粗线：认定依据（行为日在任的角色、控制链）；灰色细线：其他任职记录。")
    return finish(picture, store)


def window_details(measure_state: Mapping[str, Any]) -> Details:
    """A measure's publication window and the rule applied (docs/law.md)."""
    rows = (("可申请修复日", measure_state.get("repair_from")),
            ("自动终止公示日", measure_state.get("ends_by_itself")),
            ("适用规则", measure_state.get("rule")))
    return [(label, str(value)) for label, value in rows if value]


def add_reached(picture: Picture, store: Reader, entry: Reached,
                kinds_zh: dict[str, str]) -> None:
    """A person reached by a measure: the derived measure, and the evidence highlighted."""
    source_state = entry["state"]
    uncertain = "reason" in entry
    kind_zh = kinds_zh.get(entry["kind"], entry["kind"])
    derived = f"derived:{entry['measure']}:{entry['person']}"
    details: Details = [
        ("类型", "派生个人措施"), ("来源措施", entry["measure"]), ("措施种类", kind_zh),
        ("被追责人员", f"{entry['name']}（{entry['person']}）"),
        ("角色", "、".join(entry["roles"])),
        ("状态（截至日）", MEASURE_STATUS.get(source_state["status"],
                                        MEASURE_STATUS["uncertain"]).label_zh)]
    if source_state.get("reason"):
        details.append(("说明", source_state["reason"]))
    details += window_details(source_state)
    if uncertain:
        details.append(("不确定原因", entry["reason"]))
    status = "derived" if source_state["in_force"] else source_state["status"]
    picture.node(derived, Label.MEASURE, f"派生：{kind_zh}\n{entry['name']}", details,
                 status=status if status in MEASURE_STATUS else "uncertain")
    picture.edge(entry["measure"], derived, "DERIVED_FROM", "派生", uncertain=uncertain)
    person = store.get_node(entry["person"])
    if person is not None:
        add_node(picture, node_entry(person), kinds_zh, marks={"reached"})
    picture.edge(derived, entry["person"], "DERIVED_ON", "及于", highlight=True,
                 uncertain=uncertain)
    for step in entry["evidence"]:
        add_evidence_step(picture, store, step, highlight=True)


def ownership_picture(store: Reader, uscc: str, *, as_of: str | None = None) -> Picture:
    """Equity penetration: every direct and indirect holder above the enterprise."""
    answer = owners(store, uscc, as_of=as_of)
    day = answer["as_of"]
    enterprise = require_node(store, answer["enterprise"]["id"], Label.ENTERPRISE)
    picture = Picture("ownership", f"股权穿透：{enterprise.name}", enterprise.uid, day,
                      hierarchical=True)
    add_node(picture, node_entry(enterprise), kinds_zh_of(store), marks={"center"})
    depth: dict[str, int] = {enterprise.uid: 0}
    for holder in answer["holders"]:
        for path in holder["paths"]:
            for up, step in enumerate(reversed(path), start=1):
                add_evidence_step(picture, store, step)
                depth[step["holder"]["id"]] = max(depth.get(step["holder"]["id"], 0), up)
        low, high = holder["effective"]["low"], holder["effective"]["high"]
        share = f"{low:g}%" if low == high else f"{low:g}–{high:g}%"
        node = picture.nodes[holder["holder"]["id"]]
        node.details.insert(0, ("穿透持股比例", share))
        node.label += f"\n穿透 {share}"
    mark_control(picture, store, answer)
    top = max(depth.values())
    for uid, node in picture.nodes.items():
        node.level = top - depth[uid] if uid in depth else 0
    return finish(picture, store)


def mark_control(picture: Picture, store: Reader, answer: OwnersAnswer) -> None:
    """Controlling shareholder, actual controller (chain highlighted), beneficial owners."""
    controlling = answer["controlling_shareholder"]
    if controlling is not None:
        picture.nodes[controlling["holder"]["id"]].marks.add("controlling_shareholder")
    control = answer["actual_controller"]
    for step in control["chain"]:
        add_evidence_step(picture, store, step, highlight=True)
    if control["controller"] is None:
        picture.notes.append(f"实际控制人：无法确定（{control['ends']}）")
    else:
        who = control["controller"]
        picture.node(who["id"], who["kind"], who["name"], marks={"controller"})
        how = "申报" if control["declared"] else "依控制链计算"
        picture.notes.append(f"实际控制人：{who['name']}（{how}）")
    picture.notes += [f"不确定：{reason}" for reason in control["uncertain"]]
    for owner in answer["beneficial_owners"]:
        for step in (s for chain in owner["evidence"] for s in chain):
            add_evidence_step(picture, store, step)
        person = owner["person"]
        picture.node(person["id"], person["kind"], person["name"], marks={"beneficial_owner"})
        basis = "、".join(owner["basis"]) + ("（兜底）" if owner["fallback"] else "")
        picture.nodes[person["id"]].details.insert(0, ("受益所有人依据", basis))


def path_picture(store: Reader, a: str, b: str, *, as_of: str | None = None,
                 kinds: Sequence[str] | None = None, max_hops: int = 6,
                 limit: int = 10, limits: Limits = DEFAULT_LIMITS) -> Picture:
    """The shortest connections between two parties (at most `limit` paths)."""
    answer = paths(store, a, b, as_of=as_of, kinds=kinds, max_hops=max_hops, limit=limit,
                   limits=limits)
    first, second = answer["from"], answer["to"]
    picture = Picture("path", f"关联路径：{first['name']} ↔ {second['name']}", first["id"],
                      answer["as_of"])
    kinds_zh = kinds_zh_of(store)
    for party in (first, second):
        node = require_node(store, party["id"])
        add_node(picture, node_entry(node), kinds_zh, marks={"center"})
    for path in answer["paths"]:
        for node in store.get_nodes(p["id"] for p in path["nodes"]).values():
            add_node(picture, node_entry(node), kinds_zh)
        for edge in path["edges"]:
            add_edge(picture, edge, highlight=True)
    count, hops = len(answer["paths"]), answer["max_hops"]
    more = "，另有更多路径未显示" if answer["more"] else ""
    picture.notes.append(f"共 {count} 条最短路径，长度 {answer['length']}（最多 {hops} 跳）{more}"
                         if count else f"{hops} 跳以内没有路径。")
    return finish(picture, store)
