"""Flow documents (docs/configuration.md "Flows") parsed into a graph.

``parse_flow`` checks the document's shape against ``form_schemas/flow.schema.json``,
duplicate node and edge ids and edges naming unknown nodes, and builds a ``FlowDef``: the
nodes and edges as small frozen records (each knowing its index in the document, for JSON
pointers) plus a networkx ``DiGraph``. ``validate_flow`` (``validation.py``) checks the rules
a graph must follow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property
from typing import Any, TypeVar

import networkx as nx

from tongban.core.errors import Violation
from tongban.core.flows.codes import (
    FLOW_DUPLICATE_EDGE,
    FLOW_DUPLICATE_NODE,
    FLOW_UNKNOWN_NODE,
    json_pointer,
)
from tongban.core.flows.flow_schema import shape_violations
from tongban.core.matters import StepKind
from tongban.core.tenancy import Level

_R = TypeVar("_R")

NODE_KINDS: tuple[str, ...] = (
    "start",
    "end",
    "task",
    "parallel",
    "join",
    "choice",
    "escalate",
    "external",
    "subflow",
)
"""Every node kind, in the order the meta-schema lists them."""

JOIN_ON_DENY: tuple[str, ...] = ("deny", "continue")
"""What a denial inside a split's region does to its join (``on_deny``; default ``deny``):
fire at once, cancelling the other branches, or count as one branch arriving."""


@dataclass(frozen=True)
class FlowNode:
    """One node. Attributes a node's kind does not use are None."""

    id: str
    kind: str  # one of NODE_KINDS (anything else is reported as FLOW_SHAPE)
    index: int  # position in the document's ``nodes`` list
    name: str = ""
    days: int = 0  # working-day step limit
    step: StepKind | None = None  # task
    department: str | None = None  # task: local department code
    role: str | None = None  # task
    split: str | None = None  # join: id of its parallel split
    min: int | None = None  # join: n of m (None: all branches)
    on_deny: str | None = None  # join: "deny" (None: the default) or "continue", see JOIN_ON_DENY
    to: Level | None = None  # escalate
    matter: str | None = None  # subflow: basic code
    system: str | None = None  # external

    def pointer(self, key: str | None = None) -> str:
        return json_pointer("nodes", self.index, *((key,) if key else ()))

    def violation(self, code: str, zh: str, en: str, key: str | None = None) -> Violation:
        """``节点 'x'：<zh> (node 'x': <en>)``: Chinese first, the English in parentheses."""
        return Violation(
            code, self.pointer(key), f"节点 {self.id!r}：{zh} (node {self.id!r}: {en})"
        )


@dataclass(frozen=True)
class FlowEdge:
    id: str  # defaults to "from->to"
    source: str  # the document's ``from``
    target: str  # the document's ``to``
    index: int  # position in the document's ``edges`` list
    when: str | None = None  # condition (choice edges only)
    default: bool = False  # the choice's fallback edge
    name: str = ""

    def pointer(self, key: str | None = None) -> str:
        return json_pointer("edges", self.index, *((key,) if key else ()))

    def violation(self, code: str, zh: str, en: str, key: str | None = None) -> Violation:
        """``连线 'a->b'：<zh> (edge 'a->b': <en>)``."""
        return Violation(
            code, self.pointer(key), f"连线 {self.id!r}：{zh} (edge {self.id!r}: {en})"
        )


@dataclass(frozen=True)
class FlowDef:
    """A flow whose graph could be built (it may still break the rules of validate_flow).

    ``graph`` has one networkx node per flow node id and one edge per flow edge; each edge
    carries ``weight`` for ``critical_path`` (its source's working days, scaled, see
    ``analysis.py``).
    """

    nodes: tuple[FlowNode, ...]
    edges: tuple[FlowEdge, ...]
    graph: nx.DiGraph = field(compare=False, repr=False)

    @cached_property
    def by_id(self) -> dict[str, FlowNode]:
        return {node.id: node for node in self.nodes}

    def node(self, node_id: str) -> FlowNode:
        return self.by_id[node_id]

    @cached_property
    def out_edges(self) -> dict[str, tuple[FlowEdge, ...]]:
        """Outgoing edges per node id, in document order."""
        out: dict[str, list[FlowEdge]] = {node.id: [] for node in self.nodes}
        for edge in self.edges:
            out[edge.source].append(edge)
        return {node_id: tuple(edges) for node_id, edges in out.items()}

    @cached_property
    def in_edges(self) -> dict[str, tuple[FlowEdge, ...]]:
        """Incoming edges per node id, in document order."""
        into: dict[str, list[FlowEdge]] = {node.id: [] for node in self.nodes}
        for edge in self.edges:
            into[edge.target].append(edge)
        return {node_id: tuple(edges) for node_id, edges in into.items()}

    @cached_property
    def successors(self) -> dict[str, tuple[str, ...]]:
        """Successor ids per node id: plain tuples, cheaper to walk than networkx views."""
        return {node_id: tuple(e.target for e in out) for node_id, out in self.out_edges.items()}

    @cached_property
    def predecessors(self) -> dict[str, tuple[str, ...]]:
        return {node_id: tuple(e.source for e in into) for node_id, into in self.in_edges.items()}

    def of_kind(self, kind: str) -> list[FlowNode]:
        return [node for node in self.nodes if node.kind == kind]

    @property
    def start(self) -> FlowNode | None:
        """The start node (the first, if a broken flow has several)."""
        return next((node for node in self.nodes if node.kind == "start"), None)

    @cached_property
    def topological_order(self) -> tuple[str, ...] | None:
        """Node ids in a topological order, or None when the graph has a cycle."""
        try:
            return tuple(nx.topological_sort(self.graph))
        except nx.NetworkXUnfeasible:
            return None


def parse_flow(doc: Mapping[str, Any]) -> tuple[FlowDef | None, list[Violation]]:
    """The flow's graph and its structural violations (shape, duplicate ids, unknown nodes).

    A ``FlowDef`` is returned whenever the graph can be built (every node has a unique string
    id and every edge joins two of them), even if other violations were found: callers that
    persist must refuse whenever the list is non-empty.
    """
    violations = shape_violations(doc)
    if not isinstance(doc, Mapping):
        return None, violations
    raw_nodes, raw_edges = doc.get("nodes"), doc.get("edges")
    if not isinstance(raw_nodes, list) or not isinstance(raw_edges, list):
        return None, violations
    nodes, buildable = _nodes(raw_nodes, violations)
    by_id = {node.id: node for node in nodes}
    edges, edges_ok = _edges(raw_edges, by_id, violations)
    if not (buildable and edges_ok):
        return None, violations
    return FlowDef(tuple(nodes), tuple(edges), _graph(nodes, edges)), violations


def _nodes(raw_nodes: list[Any], violations: list[Violation]) -> tuple[list[FlowNode], bool]:
    nodes: list[FlowNode] = []
    first_index: dict[str, int] = {}
    buildable = True
    for index, raw in enumerate(raw_nodes):
        if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str) or not raw["id"]:
            buildable = False  # reported by the meta-schema
            continue
        node = _node(raw, index)
        if node.id in first_index:
            violations.append(
                node.violation(
                    FLOW_DUPLICATE_NODE,
                    f"id 与 {json_pointer('nodes', first_index[node.id])} 处的节点重复",
                    f"id already used by the node at {json_pointer('nodes', first_index[node.id])}",
                    "id",
                )
            )
            buildable = False
            continue
        first_index[node.id] = index
        nodes.append(node)
    return nodes, buildable


def _edges(
    raw_edges: list[Any], by_id: Mapping[str, FlowNode], violations: list[Violation]
) -> tuple[list[FlowEdge], bool]:
    edges: list[FlowEdge] = []
    ids: dict[str, FlowEdge] = {}
    pairs: dict[tuple[str, str], FlowEdge] = {}
    buildable = True
    for index, raw in enumerate(raw_edges):
        if not isinstance(raw, Mapping):
            buildable = False
            continue
        source, target = raw.get("from"), raw.get("to")
        if not isinstance(source, str) or not isinstance(target, str):
            buildable = False  # reported by the meta-schema
            continue
        edge = _edge(raw, index, source, target)
        if source not in by_id or target not in by_id:
            buildable = False
            for key, end in (("from", source), ("to", target)):
                if end not in by_id:
                    violations.append(
                        edge.violation(
                            FLOW_UNKNOWN_NODE,
                            f"{key} {end!r} 不是本流程的节点",
                            f"{key} {end!r} is not a node of this flow",
                            key,
                        )
                    )
        if edge.id in ids:
            violations.append(
                edge.violation(
                    FLOW_DUPLICATE_EDGE,
                    f"id 与 {ids[edge.id].pointer()} 处的连线重复",
                    f"id already used by the edge at {ids[edge.id].pointer()}",
                    "id" if "id" in raw else None,
                )
            )
            continue
        ids[edge.id] = edge
        if (source, target) in pairs:
            violations.append(
                edge.violation(
                    FLOW_DUPLICATE_EDGE,
                    f"与连线 {pairs[source, target].id!r} 的起止节点相同",
                    f"repeats edge {pairs[source, target].id!r} (same from and to)",
                )
            )
            continue
        pairs[source, target] = edge
        edges.append(edge)
    return edges, buildable


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    """A non-negative integer as the meta-schema accepts it (1.0 counts as 1), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if value >= 0 else None


def _lookup(table: Mapping[str, Any]) -> Any:
    return lambda value: table.get(value) if isinstance(value, str) else None


# document key → converter to the FlowNode attribute (None: ill-typed, left at its default)
_NODE_ATTRS: dict[str, Any] = {
    "id": _text,
    "kind": _text,
    "name": _text,
    "days": _count,
    "step": _lookup({step.value: step for step in StepKind}),
    "department": _text,
    "role": _text,
    "split": _text,
    "min": _count,
    "on_deny": _lookup({value: value for value in JOIN_ON_DENY}),
    "to": _lookup({level.key: level for level in Level}),
    "matter": _text,
    "system": _text,
}


_NODE_DEFAULTS = {f.name: f.default for f in fields(FlowNode) if f.default is not MISSING}


def _node(raw: Mapping[str, Any], index: int) -> FlowNode:
    attrs: dict[str, Any] = {**_NODE_DEFAULTS, "kind": "", "index": index}
    for key, value in raw.items():
        convert = _NODE_ATTRS.get(key)
        if convert is not None:
            converted = convert(value)
            if converted is not None:
                attrs[key] = converted
    return _record(FlowNode, attrs)


_EDGE_DEFAULTS = {f.name: f.default for f in fields(FlowEdge) if f.default is not MISSING}


def _edge(raw: Mapping[str, Any], index: int, source: str, target: str) -> FlowEdge:
    edge_id = raw.get("id")
    attrs = {
        **_EDGE_DEFAULTS,
        "id": edge_id if isinstance(edge_id, str) and edge_id else f"{source}->{target}",
        "source": source,
        "target": target,
        "index": index,
    }
    if len(raw) > 2:  # more than from and to
        attrs["when"] = _text(raw.get("when"))
        attrs["default"] = raw.get("default") is True
        attrs["name"] = _text(raw.get("name")) or ""
    return _record(FlowEdge, attrs)


def _record(cls: type[_R], attrs: dict[str, Any]) -> _R:
    """``cls(**attrs)`` for a frozen dataclass, given every field, at a fraction of the cost.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``: for
    13-field nodes that is half the cost of parsing a 500-node flow. Filling the instance
    dict with already-converted values in one call gives an equal object.
    """
    record = object.__new__(cls)
    record.__dict__.update(attrs)
    return record


def _graph(nodes: list[FlowNode], edges: list[FlowEdge]) -> nx.DiGraph:
    """The DiGraph, with node days moved onto edges for ``critical_path``.

    An edge u→v weighs ``scale * (days(u) + days(v) if v is a sink) + 1`` where scale is
    larger than any path's edge count: maximising the weight maximises the working days
    first and then prefers the longest (source-to-sink) path among equals.
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(node.id for node in nodes)
    days = {node.id: node.days for node in nodes}
    has_out = {edge.source for edge in edges}
    scale = len(nodes) + 1
    graph.add_edges_from(
        (
            edge.source,
            edge.target,
            {
                "weight": scale
                * (days[edge.source] + (days[edge.target] if edge.target not in has_out else 0))
                + 1
            },
        )
        for edge in edges
    )
    return graph
