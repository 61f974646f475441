"""The analyst's HTML report on one party: a summary (who, measures, accountable persons,
controllers, alerts touching it, score), tables (parties, roles, holdings, measures,
evidence chains), network metrics, the interactive graph, the as-of date, provenance and
a content hash of the report's data (SHA-256 of its canonical JSON, without generation
time and ingest-run ids, so the same facts give the same hash).

>>> from credtrace.graph.memory import MemoryStore
>>> from credtrace.ingest import ingest_bundle
>>> store = MemoryStore(); _ = ingest_bundle(store, "examples/zhengzhou")
>>> data = report_data(store, "914101057123456728", as_of="2024-01-01")
>>> [p["name"] for p in data["summary"]["accountable"]]
['刘洋', '李娜']
>>> data["hash"] == report_data(store, "914101057123456728", as_of="2024-01-01")["hash"]
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from typing_extensions import TypedDict

from credtrace.graph.limits import DEFAULT_LIMITS, Limits
from credtrace.graph.model import Label
from credtrace.graph.store import Reader
from credtrace.queries.accountability import accountable
from credtrace.queries.alerts import AlertsAnswer, alerts
from credtrace.queries.common import Json, as_of_date, catalogue, kind_of, party, require_node
from credtrace.queries.measures import events_of, measures_on, state
from credtrace.queries.network import neighbourhood
from credtrace.queries.owners import OwnersAnswer, owners
from credtrace.queries.privacy import redact
from credtrace.queries.score import score
from credtrace.viz.masking import file_key
from credtrace.viz.metrics import network_metrics
from credtrace.viz.pages import render_picture
from credtrace.viz.tables import COLUMN_ZH, TABLE_ZH, evidence_rows, subgraph_tables
from credtrace.viz.views import ego_picture

#: The report's tables, in order.
REPORT_TABLES = ("parties", "roles", "holdings", "measures", "evidence", "metrics")
#: Hops around sanctioned parties of the summary's alerts (at most the `max_hops` limit).
ALERT_HOPS = 2


def own_measures(store: Reader, uid: str, day: str) -> list[dict[str, Any]]:
    """Measures imposed on the party itself, with their state on `day`."""
    measures = measures_on(store, uid)
    events = events_of(store, [m.uid for m in measures])
    kinds = catalogue(store)
    rows = []
    for m in measures:
        kind = kind_of(kinds, m)
        now = state(m.props, events[m.uid], day, kind)
        rows.append({"measure": m.uid, "kind": m.props.get("kind"),
                     "kind_zh": kind.name_zh if kind else None, "state": now.status,
                     "in_force": now.in_force, "conduct_date": m.props.get("conduct_date"),
                     "start": m.props.get("start"), "end": m.props.get("end"),
                     "authority": m.props.get("authority"),
                     "legal_basis": m.props.get("legal_basis"),
                     "repair_from": now.repair_from, "ends_by_itself": now.ends_by_itself})
    return rows


def alert_lines(answer: AlertsAnswer, uid: str) -> list[dict[str, str]]:
    """The R4 alerts of an `alerts` answer that mention `uid`, one line each."""
    lines = []
    for a in answer["forbidden_roles"]:
        lines.append(("禁止任职", a, f"{a['person']['name']}受{a['measure']['kind_zh']}约束，"
                      f"仍任{a['enterprise']['name']}{a['role_zh']}"))
    for a in answer["new_shells"]:
        triggers = "、".join(t["label_zh"] for t in a["triggers"])
        lines.append(("疑似换壳", a, f"{a['person']['name']}（{a['measure']['kind_zh']}）关联"
                      f"{a['enterprise']['name']}：{triggers}"))
    for a in answer["exposure"]:
        who = "、".join(s["party"]["name"] for s in a["sanctioned"])
        lines.append(("风险暴露", a, f"{a['enterprise']['name']} {a['distance']} 跳内有受惩戒主体："
                      f"{who}"))
    return [{"type": kind, "text": text} for kind, alert, text in lines
            if uid in json.dumps(alert, ensure_ascii=False, default=str)]


def controllers(answer: OwnersAnswer) -> dict[str, Any]:
    control = answer["actual_controller"]
    return {
        "controlling_shareholder": answer["controlling_shareholder"],
        "actual_controller": control["controller"], "declared": control["declared"],
        "ends": control["ends"],
        "beneficial_owners": [{**o["person"], "basis": o["basis"], "fallback": o["fallback"],
                               "effective": o["effective"]} for o in answer["beneficial_owners"]],
    }


def content_hash(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReportAnswer(TypedDict):
    """The data of the analyst's report, with the SHA-256 of its canonical JSON: the same
    facts on the same date (and mask key) give the same hash."""

    as_of: str
    center: str
    hops: int
    kinds: list[str]
    summary: Json
    tables: dict[str, list[Json]]
    metrics: Json
    truncated: list[Json]
    hash: str


def report_data(store: Reader, party_id: str, *, hops: int = 1,
                kinds: Sequence[str] | None = None, as_of: str | None = None,
                reveal_ids: bool = False, mask_key: bytes | None = None,
                limits: Limits = DEFAULT_LIMITS) -> ReportAnswer:
    """Everything the report shows, ID numbers masked with the shared tokens (`mask_key`)
    unless `reveal_ids`, with the hash of what is shown (tables of up to
    `limits.max_results` nodes)."""
    day = as_of_date(as_of)
    sub = neighbourhood(store, party_id, hops=hops, kinds=kinds, as_of=day,
                        max_nodes=limits.max_results, limits=limits)
    node = require_node(store, sub.center)
    warnings = alerts(store, as_of=day, k=min(ALERT_HOPS, limits.max_hops), limits=limits)
    summary: dict[str, Any] = {"party": {**party(node), "status": node.props.get("status"),
                                         "established": node.props.get("established"),
                                         "address": node.props.get("address")},
                               "measures": own_measures(store, node.uid, day),
                               "alerts": alert_lines(warnings, node.uid)}
    evidence: list[dict[str, Any]] = []
    if node.kind == Label.ENTERPRISE:
        answer = accountable(store, node.uid, as_of=day)
        evidence = evidence_rows(answer)
        summary["accountable"] = [{"id": e["person"], "kind": Label.PERSON, "name": e["name"],
                                   "roles": e["roles"], "measure": e["measure"],
                                   "state": e["state"]["status"], "uncertain": "reason" in e}
                                  for e in answer["reached"] + answer["uncertain"]]
        summary["control"] = controllers(owners(store, node.uid, as_of=day))
        summary["score"] = score(store, node.uid, as_of=day)
    tables: dict[str, list[dict[str, Any]]] = {
        name: rows for name, rows in subgraph_tables(sub).items() if name in REPORT_TABLES}
    tables["evidence"] = evidence
    metrics = network_metrics(sub)
    tables["metrics"] = metrics["nodes"]
    facts = {"as_of": day, "center": node.uid, "hops": sub.hops, "kinds": sub.kinds,
             "summary": summary, "tables": tables, "metrics": metrics["summary"],
             "truncated": sub.as_dict()["truncated"]}
    shown = redact(facts, reveal_ids=reveal_ids, key=mask_key)
    return cast(ReportAnswer, {**shown, "hash": content_hash(shown)})


def render_report(store: Reader, party_id: str, *, hops: int = 1,
                  kinds: Sequence[str] | None = None, as_of: str | None = None,
                  reveal_ids: bool = False, mask_key: bytes | None = None,
                  limits: Limits = DEFAULT_LIMITS) -> str:
    """The report as one self-contained HTML page (the graph is interactive, offline)."""
    data = report_data(store, party_id, hops=hops, kinds=kinds, as_of=as_of,
                       reveal_ids=reveal_ids, mask_key=mask_key, limits=limits)
    picture = ego_picture(store, party_id, hops=hops, kinds=kinds, as_of=data["as_of"],
                          limits=limits)
    picture.view, picture.title = "report", f"分析报告：{data['summary']['party']['name']}"
    columns = {name: list(rows[0]) if rows else [] for name, rows in data["tables"].items()}
    return render_picture(picture, reveal_ids=reveal_ids, mask_key=mask_key,
                          max_nodes=limits.max_nodes,
                          template="report.html", data=data, columns=columns,
                          column_zh=COLUMN_ZH, table_zh=TABLE_ZH, table_order=REPORT_TABLES)


def report_filename(store: Reader, party_id: str, *, reveal_ids: bool = False,
                    mask_key: bytes | None = None) -> str:
    """``report-<USCC>.html``; a person's key is masked in the name unless revealed."""
    node = require_node(store, party_id)
    return f"report-{file_key(node, reveal_ids=reveal_ids, key=mask_key)}.html"


def write_report(store: Reader, party_id: str, out: Path, **options: Any) -> Path:
    """Render the report into folder `out`; the file written."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / report_filename(store, party_id, reveal_ids=options.get("reveal_ids", False),
                                 mask_key=options.get("mask_key"))
    path.write_text(render_report(store, party_id, **options), encoding="utf-8")
    return path
