"""CLI: explore the network (`related`, `path`, `graph`) and R4 early warning (`alerts`).
ID numbers are masked unless `--reveal-ids`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Column

from credtrace.api.cli.answering import Asked, answering
from credtrace.api.cli.common import console, load_limits
from credtrace.api.cli.sweep import KindOpt, RegionOpt, SinceOpt, UntilOpt, write_sweep
from credtrace.api.cli.tables import party, print_table
from credtrace.queries.alerts import alerts as alerts_query
from credtrace.queries.network import PathEntry, neighbourhood
from credtrace.queries.paths import paths as paths_query
from credtrace.queries.related import related as related_query

KindsOpt = Annotated[list[str] | None, typer.Option(
    "--kinds", help="relationship kinds to follow: categories (role, shareholding, measure, "
                    "suspected), types (DIRECTOR) or role names; repeat or comma-separate")]


def split_kinds(kinds: list[str] | None) -> list[str] | None:
    """`--kinds a,b --kinds c` as ['a', 'b', 'c'] (None: the query's default)."""
    if not kinds:
        return None
    return [k for item in kinds for k in item.split(",") if k.strip()]


def path_text(path: PathEntry) -> str:
    """A path as text, each step's direction shown: 甲公司 ←法定代表人← 张三 →股东→ 乙公司
    (? marks an uncertain step).

    >>> step = {"label_zh": "股东", "validity": "yes", "source": "B", "target": "A"}
    >>> path_text({"nodes": [{"id": "A", "name": "甲"}, {"id": "B", "name": "乙"}],
    ...            "edges": [step]})
    '甲 ←股东← 乙'
    """
    parts = [path["nodes"][0]["name"]]
    for here, node, edge in zip(path["nodes"][:-1], path["nodes"][1:], path["edges"],
                                strict=True):
        label = edge["label_zh"] + ("?" if edge["validity"] != "yes" else "")
        parts.append(f"→{label}→ {node['name']}" if edge["source"] == here["id"]
                     else f"←{label}← {node['name']}")
    return " ".join(parts)


@answering()
def related(
    party_id: Annotated[str, typer.Argument(help="USCC or person id")],
    hops: Annotated[int, typer.Option(help="how far to look")] = 2,
    kinds: KindsOpt = None,
    limit: Annotated[int, typer.Option(help="most parties listed")] = 200,
    *, asked: Asked,
) -> None:
    """R5: parties within HOPS, and how each is related (suspected links apart)."""
    answer = asked.answer(lambda db: related_query(
        db, party_id, hops=hops, kinds=split_kinds(kinds), as_of=asked.as_of, limit=limit,
        limits=load_limits()))
    if answer is None:
        return
    lists: tuple[tuple[Literal["related", "suspected"], str], ...] = (
        ("related", "related parties"), ("suspected", "suspected links"))
    for key, title in lists:
        print_table(f"{party(answer['party'])} — {title}, as of {answer['as_of']}",
                    ("hops", "party", "relation", "via", "uncertain"),
                    ((str(entry["distance"]), party(entry), rel["label_zh"],
                      (rel["via"] or {}).get("name", ""), "; ".join(rel["uncertain"]))
                     for entry in answer[key] for rel in entry["relations"]))
    if answer["truncated"] or not answer["complete"]:
        console.print(f"[yellow]{answer['truncated']} more parties not listed[/]")


@answering()
def path(
    a: Annotated[str, typer.Argument(help="one party (USCC or person id)")],
    b: Annotated[str, typer.Argument(help="the other party")],
    kinds: KindsOpt = None,
    max_hops: Annotated[int, typer.Option("--max-hops", help="longest path searched")] = 6,
    limit: Annotated[int, typer.Option(help="most paths listed")] = 10,
    *, asked: Asked,
) -> None:
    """Every shortest path between two parties on a date."""
    answer = asked.answer(lambda db: paths_query(
        db, a, b, as_of=asked.as_of, kinds=split_kinds(kinds), max_hops=max_hops, limit=limit,
        limits=load_limits()))
    if answer is None:
        return
    if not answer["paths"]:
        console.print(f"no path within {answer['max_hops']} hops on {answer['as_of']}")
        return
    print_table(f"{answer['from']['name']} → {answer['to']['name']}: "
                f"{len(answer['paths'])} shortest paths of {answer['length']} hops, "
                f"as of {answer['as_of']}",
                (Column("#", justify="right"), "path (? = start date unknown)"),
                ((str(i), path_text(found)) for i, found in enumerate(answer["paths"], 1)))
    if answer["more"]:
        console.print("[yellow]more paths of the same length exist (raise --limit)[/]")


@answering()
def alerts(
    k: Annotated[int, typer.Option("--k", help="exposure radius in hops")] = 2,
    limit: Annotated[int, typer.Option(help="most items per list")] = 500,
    *, asked: Asked,
    sweep_all: Annotated[bool, typer.Option(
        "--all", help="every alert, no limit, streamed to --out (.jsonl, .csv, .xlsx)")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="the sweep's file (with --all)")] = None,
    kind: KindOpt = None,
    region: RegionOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """R4: forbidden roles, new shells (换壳) and exposure to sanctioned parties; with --all
    the city-wide sweep (filters: --kind, --region, --since, --until)."""
    if sweep_all or out:
        if not (sweep_all and out):
            raise typer.BadParameter("--all and --out go together")
        write_sweep(out=out, store=asked.store, as_of=asked.as_of, k=k, kinds=kind,
                    region=region, since=since, until=until, reveal_ids=asked.reveal_ids)
        return
    answer = asked.answer(lambda db: alerts_query(db, as_of=asked.as_of, k=k, limit=limit,
                                                  limits=load_limits()))
    if answer is None:
        return
    day = answer["as_of"]
    print_table(f"forbidden roles, as of {day}",
                ("person", "role", "enterprise", "measure", "derived", "uncertain"),
                ((item["person"]["name"], item["role_zh"], item["enterprise"]["name"],
                  item["measure"]["id"], str(item["measure"]["derived"]),
                  "; ".join(item["uncertain"]))
                 for item in answer["forbidden_roles"]))
    print_table(f"new shells (换壳), as of {day}",
                ("person", "enterprise", "triggers", "measure", "derived"),
                ((item["person"]["name"], item["enterprise"]["name"],
                  ", ".join(f"{t['label_zh']} {t['date']}" for t in item["triggers"]),
                  item["measure"]["id"], str(item["measure"]["derived"]))
                 for item in answer["new_shells"]))
    print_table(f"exposure within {answer['k']} hops, as of {day}",
                ("enterprise", "hops", "sanctioned party", "measures", "path"),
                ((item["enterprise"]["name"], str(near["distance"]), near["party"]["name"],
                  ", ".join(m["id"] for m in near["measures"]), path_text(near["paths"][0]))
                 for item in answer["exposure"] for near in item["sanctioned"]))
    left = {name: n for name, n in answer["truncated"].items() if n}
    if left:
        console.print(f"[yellow]not listed (raise --limit): {left}[/]")


@answering()
def graph(
    party_id: Annotated[str, typer.Argument(help="USCC, person id or any node key")],
    hops: Annotated[int, typer.Option(help="how far to look")] = 1,
    kinds: KindsOpt = None,
    max_nodes: Annotated[int, typer.Option("--max-nodes", help="most nodes kept")] = 500,
    *, asked: Asked,
) -> None:
    """The neighbourhood subgraph (the JSON of /v1/graph/{id}; tables without --json)."""
    sub = asked.answer(lambda db: neighbourhood(
        db, party_id, hops=hops, kinds=split_kinds(kinds), as_of=asked.as_of,
        max_nodes=max_nodes, limits=load_limits()).as_dict())
    if sub is None:
        return
    names = {n["id"]: n["name"] for n in sub["nodes"]}
    print_table(f"{names[sub['center']]}: {len(sub['nodes'])} nodes within {sub['hops']} "
                f"hops, as of {sub['as_of']}", ("hops", "kind", "name", "id"),
                ((str(node["distance"]), node["label_zh"], node["name"], node["id"])
                 for node in sub["nodes"]))
    print_table(f"{len(sub['edges'])} relationships",
                ("source", "relationship", "target", "from", "to", "validity"),
                ((names[edge["source"]], edge["label_zh"], names[edge["target"]],
                  edge["start"] or "?", edge["end"] or "", edge["validity"])
                 for edge in sub["edges"]))
    for group in sub["truncated"]:
        console.print(f"[yellow]+{group['count']} more {group['label_zh']} "
                      f"({group['kind']})[/]")
