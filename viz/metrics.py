"""Network metrics of a neighbourhood with networkx: degree, betweenness, communities
(Louvain, seeded so the same data gives the same groups), connected components.

Metrics are computed on the undirected simple graph (parallel relationships count once).

>>> from credtrace.queries.network import Subgraph
>>> sub = Subgraph("A", "2024-01-01", 1, nodes=[{"id": k, "kind": "Person", "name": k}
...       for k in "ABC"], edges=[{"source": "A", "target": "B"}])
>>> m = network_metrics(sub)
>>> m["summary"]["components"], m["nodes"][0]["id"], m["nodes"][0]["degree"]
(2, 'A', 1)
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from credtrace.queries.network import Subgraph

SEED = 20200101


def simple_graph(sub: Subgraph) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(n["id"] for n in sub.nodes)
    graph.add_edges_from((e["source"], e["target"]) for e in sub.edges
                         if e["source"] != e["target"])
    return graph


def network_metrics(sub: Subgraph) -> dict[str, Any]:
    """Summary figures and per-node metrics, most connected first."""
    graph = simple_graph(sub)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    communities = sorted((sorted(c) for c in nx.community.louvain_communities(graph, seed=SEED)),
                         key=lambda c: (-len(c), c))
    components = sorted((sorted(c) for c in nx.connected_components(graph)),
                        key=lambda c: (-len(c), c))
    community_of = {uid: i + 1 for i, members in enumerate(communities) for uid in members}
    component_of = {uid: i + 1 for i, members in enumerate(components) for uid in members}
    names = {n["id"]: (n["name"], n["kind"]) for n in sub.nodes}
    nodes = [{"id": uid, "name": names[uid][0], "kind": names[uid][1],
              "degree": graph.degree(uid), "betweenness": round(betweenness[uid], 4),
              "community": community_of[uid], "component": component_of[uid]}
             for uid in graph.nodes]
    nodes.sort(key=lambda n: (-n["degree"], -n["betweenness"], n["id"]))
    summary = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
               "relationships": len(sub.edges), "density": round(nx.density(graph), 4),
               "components": len(components), "largest_component": len(components[0])
               if components else 0, "communities": len(communities)}
    return {"summary": summary, "nodes": nodes}
