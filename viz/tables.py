"""The tables an analyst reads or exports from a neighbourhood: nodes, relationships,
parties, roles, holdings and measures, with English or Chinese column headers.

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> from credtrace.queries.network import neighbourhood
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> sub = neighbourhood(store, "914101057123456728", as_of="2024-01-01")
>>> t = subgraph_tables(sub)
>>> [(name, len(rows)) for name, rows in t.items()][:3]
[('nodes', 10), ('edges', 11), ('parties', 6)]
"""

from __future__ import annotations

from typing import Any

from credtrace.graph.model import MODEL, PARTIES, Label
from credtrace.queries.accountability import AccountableAnswer
from credtrace.queries.network import Subgraph

Row = dict[str, Any]

#: Chinese headers (`--zh`) and sheet names.
COLUMN_ZH = {
    "id": "编号", "kind": "类型", "kind_zh": "类型名称", "name": "名称", "distance": "距离（跳）",
    "status": "状态", "established": "成立日期", "address": "地址", "type": "关系类型",
    "label_zh": "关系名称", "source": "起点", "source_name": "起点名称", "target": "终点",
    "target_name": "终点名称", "start": "起始日期", "end": "终止日期", "validity": "有效性",
    "percentage": "持股比例", "pct_min": "最低比例", "pct_max": "最高比例",
    "person": "人员编号", "person_name": "姓名", "enterprise": "主体编号",
    "enterprise_name": "主体名称", "role": "角色", "role_zh": "角色名称", "holder": "股东编号",
    "holder_name": "股东名称", "holder_kind": "股东类型", "measure": "措施编号",
    "subject": "对象编号", "subject_name": "对象名称", "state": "状态（截至日）",
    "in_force": "是否生效", "conduct_date": "行为日期", "authority": "认定部门",
    "legal_basis": "法律依据", "chain": "证据链", "roles": "角色", "degree": "度",
    "betweenness": "介数中心性", "community": "社区", "component": "连通分量",
    "uncertain": "不确定原因",
}
TABLE_ZH = {"nodes": "节点", "edges": "关系", "parties": "主体", "roles": "任职",
            "holdings": "持股", "measures": "惩戒措施", "evidence": "证据链", "metrics": "节点指标"}


def zh_headers(rows: list[Row]) -> list[Row]:
    return [{COLUMN_ZH.get(k, k): v for k, v in row.items()} for row in rows]


def subgraph_tables(sub: Subgraph) -> dict[str, list[Row]]:
    """The neighbourhood as tables (mask it first: `viz.masking.redact_subgraph`)."""
    names = {n["id"]: n["name"] for n in sub.nodes}
    nodes = [{"id": n["id"], "kind": n["kind"], "kind_zh": n.get("label_zh"),
              "name": n["name"], "distance": n.get("distance")} for n in sub.nodes]
    edges = [{"type": e["type"], "label_zh": e["label_zh"], "source": e["source"],
              "source_name": names.get(e["source"]), "target": e["target"],
              "target_name": names.get(e["target"]), "start": e["start"], "end": e["end"],
              "validity": e["validity"], "percentage": e.get("percentage")} for e in sub.edges]
    parties = [{"id": n["id"], "kind": n["kind"], "name": n["name"],
                "status": n["props"].get("status"), "established": n["props"].get("established"),
                "address": n["props"].get("address"), "distance": n.get("distance")}
               for n in sub.nodes if n["kind"] in PARTIES]
    roles = [{"person": e["source"], "person_name": names.get(e["source"]),
              "enterprise": e["target"], "enterprise_name": names.get(e["target"]),
              "role": e.get("role"), "role_zh": e["label_zh"], "start": e["start"],
              "end": e["end"], "validity": e["validity"]}
             for e in sub.edges if e["category"] == "role"]
    holdings = [{"holder": e["source"], "holder_name": names.get(e["source"]),
                 "enterprise": e["target"], "enterprise_name": names.get(e["target"]),
                 "percentage": e.get("percentage"), "pct_min": e["props"].get("pct_min"),
                 "pct_max": e["props"].get("pct_max"), "start": e["start"], "end": e["end"],
                 "validity": e["validity"]}
                for e in sub.edges if e["category"] == "shareholding"]
    measures = [measure_row(n, names) for n in sub.nodes if n["kind"] == Label.MEASURE]
    return {"nodes": nodes, "edges": edges, "parties": parties, "roles": roles,
            "holdings": holdings, "measures": measures}


def measure_row(node: dict[str, Any], names: dict[str, str]) -> Row:
    props, state = node["props"], node.get("state") or {}
    return {"measure": node["id"], "kind": props.get("kind"), "subject": props.get("subject"),
            "subject_name": names.get(props.get("subject", "")),
            "state": state.get("status"), "in_force": state.get("in_force"),
            "conduct_date": props.get("conduct_date"), "start": props.get("start"),
            "end": props.get("end"), "authority": props.get("authority"),
            "legal_basis": props.get("legal_basis")}


def evidence_rows(answer: AccountableAnswer) -> list[Row]:
    """One row per person reached (or uncertain) in an `accountable` answer."""
    rows = []
    for entry in answer["reached"] + answer["uncertain"]:
        rows.append({"person": entry["person"], "person_name": entry["name"],
                     "measure": entry["measure"], "roles": "、".join(entry["roles"]),
                     "state": entry["state"]["status"],
                     "chain": " → ".join(step_text(s) for s in entry["evidence"]),
                     "uncertain": entry.get("reason", "")})
    return rows


def step_text(step: dict[str, Any]) -> str:
    """One evidence step in words: ``法定代表人 2021-06-15 – 至今`` etc."""
    interval = f"{step.get('start') or '?'} – {step.get('end') or '至今'}"
    if step["step"] == "measure":
        return f"措施 {step['id']}（{step.get('kind_zh') or step['kind']}，行为日 " \
               f"{step.get('conduct_date') or '?'}）"
    if step["step"] in ("enterprise", "person"):
        return f"{step['name']}（{step['id']}）"
    if step["step"] == "role":
        return f"{MODEL.rel(MODEL.role_type(step['role'])).label_zh} {interval}"
    if step["step"] == "shareholding":
        low, high = step.get("range") or (step.get("percentage"), step.get("percentage"))
        share = f"{low:g}%" if low == high else f"{low:g}–{high:g}%"
        return f"{step['holder']['name']} 持股 {share} {interval}"
    if step["step"] == "declared_controller":
        return f"申报实际控制人 {step['controller']['name']} {interval}"
    return str(step["step"])
