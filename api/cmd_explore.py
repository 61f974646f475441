"""CLI: explore the network (`related`, `path`, `graph`) and R4 early warning (`alerts`).
ID numbers are masked unless `--reveal-ids`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from api.cliapp import (
    AsOfOpt,
    JsonOpt,
    QueryRevealOpt,
    StoreOpt,
    app,
    console,
    load_limits,
    present,
    store_from,
)
from api.cmd_sweep import KindOpt, RegionOpt, SinceOpt, UntilOpt, write_sweep
from queries.alerts import alerts as alerts_query
from queries.network import PathEntry, neighbourhood
from queries.paths import paths as paths_query
from queries.related import related as related_query

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


@app.command()
def related(
    party_id: Annotated[str, typer.Argument(help="USCC or person id")],
    hops: Annotated[int, typer.Option(help="how far to look")] = 2,
    kinds: KindsOpt = None,
    limit: Annotated[int, typer.Option(help="most parties listed")] = 200,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    reveal_ids: QueryRevealOpt = True,
) -> None:
    """R5: parties within HOPS, and how each is related (suspected links apart)."""
    with store_from(store) as db:
        found = related_query(db, party_id, hops=hops, kinds=split_kinds(kinds), as_of=as_of,
                              limit=limit, limits=load_limits())
    answer = present(found, as_json=as_json, reveal_ids=reveal_ids)
    if answer is None:
        return
    me = answer["party"]
    lists: tuple[tuple[Literal["related", "suspected"], str], ...] = (
        ("related", "related parties"), ("suspected", "suspected links"))
    for key, title in lists:
        table = Table(title=f"{me['name']} ({me['id']}) — {title}, as of {answer['as_of']}")
        for column in ("hops", "party", "relation", "via", "uncertain"):
            table.add_column(column)
        for entry in answer[key]:
            for rel in entry["relations"]:
                table.add_row(str(entry["distance"]), f"{entry['name']} ({entry['id']})",
                              rel["label_zh"], (rel["via"] or {}).get("name", ""),
                              "; ".join(rel["uncertain"]))
        console.print(table)
    if answer["truncated"] or not answer["complete"]:
        console.print(f"[yellow]{answer['truncated']} more parties not listed[/]")


@app.command()
def path(
    a: Annotated[str, typer.Argument(help="one party (USCC or person id)")],
    b: Annotated[str, typer.Argument(help="the other party")],
    kinds: KindsOpt = None,
    max_hops: Annotated[int, typer.Option("--max-hops", help="longest path searched")] = 6,
    limit: Annotated[int, typer.Option(help="most paths listed")] = 10,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    reveal_ids: QueryRevealOpt = True,
) -> None:
    """Every shortest path between two parties on a date."""
    with store_from(store) as db:
        found = paths_query(db, a, b, as_of=as_of, kinds=split_kinds(kinds), max_hops=max_hops,
                            limit=limit, limits=load_limits())
    answer = present(found, as_json=as_json, reveal_ids=reveal_ids)
    if answer is None:
        return
    if not answer["paths"]:
        console.print(f"no path within {answer['max_hops']} hops on {answer['as_of']}")
        return
    table = Table(title=f"{answer['from']['name']} → {answer['to']['name']}: "
                        f"{len(answer['paths'])} shortest paths of {answer['length']} hops, "
                        f"as of {answer['as_of']}")
    table.add_column("#", justify="right")
    table.add_column("path (? = start date unknown)")
    for i, path in enumerate(answer["paths"], 1):
        table.add_row(str(i), path_text(path))
    console.print(table)
    if answer["more"]:
        console.print("[yellow]more paths of the same length exist (raise --limit)[/]")


@app.command()
def alerts(
    k: Annotated[int, typer.Option("--k", help="exposure radius in hops")] = 2,
    limit: Annotated[int, typer.Option(help="most items per list")] = 500,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    reveal_ids: QueryRevealOpt = True,
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
        write_sweep(out=out, store=store, as_of=as_of, k=k, kinds=kind, region=region,
                    since=since, until=until, reveal_ids=reveal_ids)
        return
    with store_from(store) as db:
        found = alerts_query(db, as_of=as_of, k=k, limit=limit, limits=load_limits())
    answer = present(found, as_json=as_json, reveal_ids=reveal_ids)
    if answer is None:
        return
    day = answer["as_of"]
    table = Table(title=f"forbidden roles, as of {day}")
    for column in ("person", "role", "enterprise", "measure", "derived", "uncertain"):
        table.add_column(column)
    for item in answer["forbidden_roles"]:
        table.add_row(item["person"]["name"], item["role_zh"], item["enterprise"]["name"],
                      item["measure"]["id"], str(item["measure"]["derived"]),
                      "; ".join(item["uncertain"]))
    console.print(table)
    table = Table(title=f"new shells (换壳), as of {day}")
    for column in ("person", "enterprise", "triggers", "measure", "derived"):
        table.add_column(column)
    for item in answer["new_shells"]:
        triggers = ", ".join(f"{t['label_zh']} {t['date']}" for t in item["triggers"])
        table.add_row(item["person"]["name"], item["enterprise"]["name"], triggers,
                      item["measure"]["id"], str(item["measure"]["derived"]))
    console.print(table)
    table = Table(title=f"exposure within {answer['k']} hops, as of {day}")
    for column in ("enterprise", "hops", "sanctioned party", "measures", "path"):
        table.add_column(column)
    for item in answer["exposure"]:
        for near in item["sanctioned"]:
            table.add_row(item["enterprise"]["name"], str(near["distance"]),
                          near["party"]["name"], ", ".join(m["id"] for m in near["measures"]),
                          path_text(near["paths"][0]))
    console.print(table)
    left = {name: n for name, n in answer["truncated"].items() if n}
    if left:
        console.print(f"[yellow]not listed (raise --limit): {left}[/]")


@app.command()
def graph(
    party_id: Annotated[str, typer.Argument(help="USCC, person id or any node key")],
    hops: Annotated[int, typer.Option(help="how far to look")] = 1,
    kinds: KindsOpt = None,
    max_nodes: Annotated[int, typer.Option("--max-nodes", help="most nodes kept")] = 500,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
    reveal_ids: QueryRevealOpt = True,
) -> None:
    """The neighbourhood subgraph (the JSON of /v1/graph/{id}; tables without --json)."""
    with store_from(store) as db:
        found = neighbourhood(db, party_id, hops=hops, kinds=split_kinds(kinds), as_of=as_of,
                              max_nodes=max_nodes, limits=load_limits()).as_dict()
    sub = present(found, as_json=as_json, reveal_ids=reveal_ids)
    if sub is None:
        return
    names = {n["id"]: n["name"] for n in sub["nodes"]}
    table = Table(title=f"{names[sub['center']]}: {len(sub['nodes'])} nodes within "
                        f"{sub['hops']} hops, as of {sub['as_of']}")
    for column in ("hops", "kind", "name", "id"):
        table.add_column(column)
    for node in sub["nodes"]:
        table.add_row(str(node["distance"]), node["label_zh"], node["name"], node["id"])
    console.print(table)
    table = Table(title=f"{len(sub['edges'])} relationships")
    for column in ("source", "relationship", "target", "from", "to", "validity"):
        table.add_column(column)
    for edge in sub["edges"]:
        table.add_row(names[edge["source"]], edge["label_zh"], names[edge["target"]],
                      edge["start"] or "?", edge["end"] or "", edge["validity"])
    console.print(table)
    for group in sub["truncated"]:
        console.print(f"[yellow]+{group['count']} more {group['label_zh']} "
                      f"({group['kind']})[/]")
