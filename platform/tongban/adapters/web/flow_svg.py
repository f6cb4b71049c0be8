"""A flow as an inline SVG drawn on the server: no JavaScript, no CDN.

Layout: networkx ``topological_generations`` gives the columns (left to right); nodes of one
generation are stacked in their file order and centred vertically. A flow that is not a
DAG (the designer refuses those) is drawn one node per column in file order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
from markupsafe import Markup, escape

from tongban.adapters.web.presenters import NODE_KIND_LABELS
from tongban.core.guide import flow_graph

NODE_W, NODE_H = 132, 48
COL_GAP, ROW_GAP = 56, 28
MARGIN = 20

FILL = {
    "start": "#e8f5e9",
    "end": "#eceff1",
    "task": "#e3f2fd",
    "parallel": "#fff8e1",
    "join": "#fff8e1",
    "choice": "#fce4ec",
    "escalate": "#ede7f6",
    "external": "#e0f7fa",
    "subflow": "#f1f8e9",
}


def _columns(graph: nx.DiGraph) -> list[list[str]]:
    order = {n: graph.nodes[n]["index"] for n in graph}
    if graph.number_of_nodes() and nx.is_directed_acyclic_graph(graph):
        return [sorted(gen, key=lambda n: order[n]) for gen in nx.topological_generations(graph)]
    return [[n] for n in sorted(graph, key=lambda n: order[n])]


def _clip(text: str, limit: int = 9) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def flow_svg(flow: Mapping[str, Any], title: str = "办理流程图") -> Markup:
    graph = flow_graph(flow)
    columns = _columns(graph)
    rows = max((len(c) for c in columns), default=1)
    height = MARGIN * 2 + rows * NODE_H + (rows - 1) * ROW_GAP
    width = MARGIN * 2 + len(columns) * NODE_W + max(len(columns) - 1, 0) * COL_GAP
    places: dict[str, tuple[int, int]] = {}
    for col, nodes in enumerate(columns):
        offset = (rows - len(nodes)) * (NODE_H + ROW_GAP) // 2
        for row, node in enumerate(nodes):
            places[node] = (
                MARGIN + col * (NODE_W + COL_GAP),
                MARGIN + offset + row * (NODE_H + ROW_GAP),
            )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tb-flow" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="tb-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#607d8b"/></marker></defs>',
    ]
    for source, target, data in graph.edges(data=True):
        x1, y1 = places[source]
        x2, y2 = places[target]
        sx, sy = x1 + NODE_W, y1 + NODE_H // 2
        tx, ty = x2, y2 + NODE_H // 2
        if tx <= sx:  # backwards (only in a broken, cyclic flow): loop below
            tx, ty = x2 + NODE_W // 2, y2 + NODE_H
        bend = max((tx - sx) // 2, 20)
        parts.append(
            f'<path d="M{sx},{sy} C{sx + bend},{sy} {tx - bend},{ty} {tx},{ty}" fill="none" '
            f'stroke="#607d8b" stroke-width="1.4" marker-end="url(#tb-arrow)"/>'
        )
        label = "默认" if data.get("default") else str(data.get("when", ""))
        if label:
            parts.append(
                f'<text x="{(sx + tx) // 2}" y="{(sy + ty) // 2 - 4}" text-anchor="middle" '
                f'fill="#ad1457" font-size="10">{escape(_clip(label, 14))}</text>'
            )
    for node, (x, y) in places.items():
        data = graph.nodes[node]
        kind = str(data.get("kind", ""))
        name = str(data.get("name") or NODE_KIND_LABELS.get(kind, kind))
        radius = NODE_H // 2 if kind in ("start", "end") else 6
        days = int(data.get("days", 0) or 0)
        detail = NODE_KIND_LABELS.get(kind, kind) + (f" · {days}日" if days else "")
        parts.append(
            f'<g class="tb-node tb-{escape(kind)}" data-id="{escape(node)}">'
            f"<title>{escape(node)}</title>"
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="{radius}" '
            f'fill="{FILL.get(kind, "#ffffff")}" stroke="#455a64" stroke-width="1.2"/>'
            f'<text x="{x + NODE_W // 2}" y="{y + 20}" text-anchor="middle" '
            f'font-weight="bold">{escape(_clip(name))}</text>'
            f'<text x="{x + NODE_W // 2}" y="{y + 37}" text-anchor="middle" fill="#546e7a" '
            f'font-size="10">{escape(detail)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
