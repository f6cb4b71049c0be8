"""Whole-graph rules: one start, ends, reachability, dead ends, cycles, fan-out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from tongban.core.errors import Violation
from tongban.core.flows.codes import (
    FLOW_BRANCH,
    FLOW_CYCLE,
    FLOW_DEAD_END,
    FLOW_END,
    FLOW_NO_END,
    FLOW_START,
    FLOW_UNREACHABLE,
)
from tongban.core.flows.definition import NODE_KINDS, FlowDef

_NO_END_ZH = "由此无法到达任何结束节点"

NON_BRANCHING_KINDS = frozenset(NODE_KINDS) - {"parallel", "choice", "end"}
"""Kinds with at most one outgoing edge (an end's edges are FLOW_END; unknown kinds, shape)."""


def _reach(sources: Iterable[str], neighbours: Mapping[str, Iterable[str]]) -> set[str]:
    seen = set(sources)
    stack = list(seen)
    while stack:
        for other in neighbours[stack.pop()]:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def start_end_violations(flow: FlowDef) -> list[Violation]:
    """Exactly one start without incoming edges; ends without outgoing edges."""
    violations: list[Violation] = []
    starts = flow.of_kind("start")
    if not starts:
        violations.append(Violation(FLOW_START, "", "流程没有开始节点 (flow: has no start node)"))
    for extra in starts[1:]:
        violations.append(
            extra.violation(
                FLOW_START,
                f"多余的开始节点（第一个是 {starts[0].id!r}）",
                f"a second start node (the first is {starts[0].id!r})",
            )
        )
    for start in starts:
        for edge in flow.in_edges[start.id]:
            violations.append(
                edge.violation(
                    FLOW_START,
                    f"指向开始节点 {start.id!r}",
                    f"enters start node {start.id!r}",
                    "to",
                )
            )
    for end in flow.of_kind("end"):
        for edge in flow.out_edges[end.id]:
            violations.append(
                edge.violation(
                    FLOW_END, f"从结束节点 {end.id!r} 出发", f"leaves end node {end.id!r}", "from"
                )
            )
    return violations


def reachability_violations(flow: FlowDef) -> list[Violation]:
    """An end reachable; every node on some start-to-end path."""
    starts = [node.id for node in flow.of_kind("start")]
    ends = [node.id for node in flow.of_kind("end")]
    if not ends:
        return [Violation(FLOW_NO_END, "", "流程没有结束节点 (flow: has no end node)")]
    forward = _reach(starts, flow.successors) if starts else None
    backward = _reach(ends, flow.predecessors)
    violations: list[Violation] = []
    if forward is not None and not forward & set(ends):
        start = flow.node(starts[0])
        violations.append(
            start.violation(FLOW_NO_END, _NO_END_ZH, "no end node can be reached from it")
        )
    for node in flow.nodes:
        if forward is not None and node.id not in forward:
            violations.append(
                node.violation(
                    FLOW_UNREACHABLE, "从开始节点无法到达", "cannot be reached from the start"
                )
            )
        elif node.id not in backward:
            violations.append(
                node.violation(FLOW_DEAD_END, _NO_END_ZH, "no end node can be reached from it")
            )
    return violations


def cycle_violations(flow: FlowDef) -> list[Violation]:
    """One violation per strongly connected component that holds a cycle."""
    if flow.topological_order is not None:
        return []
    graph = flow.graph
    violations = []
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            (only,) = component
            if not graph.has_edge(only, only):
                continue
        cycle = nx.find_cycle(graph.subgraph(component))
        first, last = cycle[0][0], cycle[-1]
        closing = next(edge for edge in flow.out_edges[last[0]] if edge.target == last[1])
        ids = [source for source, _ in cycle] + [first]
        violations.append(
            closing.violation(
                FLOW_CYCLE,
                f"构成环路 {' -> '.join(ids)}；流程不能有环（退回补正是办件操作，不是回退连线）",
                f"closes the cycle {' -> '.join(ids)}; flows are acyclic (returning a case for "
                "correction is an engine action, not a back edge)",
            )
        )
    return violations


def fan_out_violations(flow: FlowDef) -> list[Violation]:
    """Only parallel splits and choices branch: any other node has at most one way on."""
    violations = []
    for node in flow.nodes:
        out = flow.out_edges[node.id]
        if len(out) > 1 and node.kind in NON_BRANCHING_KINDS:
            targets = ", ".join(repr(edge.target) for edge in out)
            violations.append(
                node.violation(
                    FLOW_BRANCH,
                    f"{node.kind} 节点有 {len(out)} 条出线（指向 {targets}）；分支须用条件分支"
                    "或并行节点",
                    f"{len(out)} outgoing edges (to {targets}) from a {node.kind} node; "
                    "branch with a choice or a parallel node",
                )
            )
    return violations
