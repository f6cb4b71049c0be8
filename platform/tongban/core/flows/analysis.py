"""Path analysis of acyclic flows: the critical path and the standard procedure.

Both run in time linear in the graph (times the number of procedure steps): a flow of 60
diamonds in a row has 2^60 start-to-end paths, and none of them is ever enumerated.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from tongban.core.errors import Violation
from tongban.core.flows.codes import PROCEDURE_STEP_MISSING, PROCEDURE_TOO_MANY_STEPS
from tongban.core.flows.definition import FlowDef, FlowNode
from tongban.core.matters import Procedure, StepKind

PATH_SHOWN = 16
"""Example paths longer than this are abbreviated in messages."""


def critical_path(flow: FlowDef) -> tuple[int, list[str]]:
    """The longest working-day path (the sum of its nodes' ``days``) and its node ids.

    Parallel branches run at the same time, so the longest single graph path is what a case
    can take at worst. Node days are on the graph's edges already (``definition._graph``);
    the path is computed once by networkx and its days summed. Raises ValueError when the
    flow has a cycle.
    """
    order = flow.topological_order
    if order is None:
        raise ValueError("the flow has a cycle: it has no critical path")
    if not order:
        return 0, []
    path: list[str] = nx.dag_longest_path(flow.graph, weight="weight", topo_order=order)
    by_id = flow.by_id
    total = sum(by_id[node_id].days for node_id in path)
    # a node without edges is a path of its own (the weights only see edges)
    lonely = max(
        (n for n in flow.nodes if not flow.successors[n.id] and not flow.predecessors[n.id]),
        key=lambda node: node.days,
        default=None,
    )
    if lonely is not None and lonely.days > total:
        return lonely.days, [lonely.id]
    return total, path


def show_path(path: Iterable[str]) -> str:
    ids = list(path)
    if len(ids) > PATH_SHOWN:
        half = PATH_SHOWN // 2
        skipped = len(ids) - 2 * half
        ids = [*ids[:half], f"… ({skipped} more) …", *ids[-half:]]
    return " -> ".join(ids)


def procedure_violations(flow: FlowDef, procedure: Procedure) -> list[Violation]:
    """How the flow's start-to-end paths break ``procedure``.

    Every start-to-end path must contain ``procedure.steps`` (task nodes' ``step`` kinds) as
    an ordered subsequence (PROCEDURE_STEP_MISSING, one per end node and missing step, with
    an example path) and pass through at most ``procedure.max_human_steps`` task nodes
    (PROCEDURE_TOO_MANY_STEPS, per end node, with the longest such path).

    Paths are graph paths: a path through a parallel split follows one branch. A case waits
    for each branch's steps in turn, so each branch on its own must satisfy the procedure's
    order, and the human-step count is per branch (a 3-department joint review counts as one
    review step on each path, not three).

    Escalate, subflow and external nodes are not human steps of this flow and satisfy no
    step kind. Dynamic programming over a topological order, never path enumeration: for
    each node, the set of greedy-subsequence progress values (how many of the procedure's
    steps a path has matched on arriving) and the most task nodes on a path to it. Paths
    start at start nodes only. Returns [] for a cyclic flow (FLOW_CYCLE is reported instead).
    """
    order = flow.topological_order
    starts = [node.id for node in flow.nodes if node.kind == "start"]
    if order is None or not starts:
        return []
    return sorted(
        _missing_steps(flow, order, starts, procedure.steps)
        + _too_many_steps(flow, order, starts, procedure.max_human_steps)
    )


def _advance(node: FlowNode, progress: int, steps: tuple[StepKind, ...]) -> int:
    if node.kind == "task" and progress < len(steps) and node.step == steps[progress]:
        return progress + 1
    return progress


def _missing_steps(
    flow: FlowDef, order: tuple[str, ...], starts: list[str], steps: tuple[StepKind, ...]
) -> list[Violation]:
    by_id = flow.by_id
    successors = flow.successors
    arriving: dict[str, set[int]] = {node_id: {0} for node_id in starts}
    parent: dict[tuple[str, int], str] = {}  # (node, progress on arrival) → predecessor
    for node_id in order:
        progress_in = arriving.get(node_id)
        if not progress_in:
            continue
        node = by_id[node_id]
        progress_out = {_advance(node, p, steps) for p in progress_in}
        for succ in successors[node_id]:
            seen = arriving.setdefault(succ, set())
            for p in progress_out - seen:
                parent[succ, p] = node_id
            seen |= progress_out
    violations = []
    for end in flow.of_kind("end"):
        for progress in sorted(p for p in arriving.get(end.id, ()) if p < len(steps)):
            path = _walk_back(flow, parent, arriving, end.id, progress, steps)
            missing = steps[progress]
            after = f" after {steps[progress - 1].value}" if progress else ""
            after_zh = f"{steps[progress - 1].label}之后的" if progress else ""
            wanted = " → ".join(step.value for step in steps)
            wanted_zh = " → ".join(step.label for step in steps)
            violations.append(
                end.violation(
                    PROCEDURE_STEP_MISSING,
                    f"路径 {show_path(path)} 缺少{after_zh}{missing.label}环节"
                    f"（办理程序要求依次为 {wanted_zh}）",
                    f"step {missing.value} ({missing.label}){after} is missing on path "
                    f"{show_path(path)} (the procedure requires {wanted}, in this order)",
                )
            )
    return violations


def _walk_back(
    flow: FlowDef,
    parent: dict[tuple[str, int], str],
    arriving: dict[str, set[int]],
    node_id: str,
    progress: int,
    steps: tuple[StepKind, ...],
) -> list[str]:
    """The path that first brought ``progress`` to ``node_id``, from a start node."""
    path = [node_id]
    while (node_id, progress) in parent:
        prev = flow.by_id[parent[node_id, progress]]
        # the predecessor left with ``progress``: it arrived with one less if its step matched
        if (
            progress
            and _advance(prev, progress - 1, steps) == progress
            and (progress - 1 in arriving[prev.id])
        ):
            progress -= 1
        node_id = prev.id
        path.append(node_id)
    path.reverse()
    return path


def _too_many_steps(
    flow: FlowDef, order: tuple[str, ...], starts: list[str], limit: int
) -> list[Violation]:
    by_id = flow.by_id
    successors = flow.successors
    most: dict[str, int] = dict.fromkeys(starts, 0)  # most task nodes on arrival
    parent: dict[str, str] = {}
    for node_id in order:
        arrived = most.get(node_id)
        if arrived is None:
            continue
        leaving = arrived + (by_id[node_id].kind == "task")
        for succ in successors[node_id]:
            if most.get(succ, -1) < leaving:
                most[succ] = leaving
                parent[succ] = node_id
    violations = []
    for end in flow.of_kind("end"):
        count = most.get(end.id)
        if count is None or count <= limit:
            continue
        path = [end.id]
        while path[-1] in parent:
            path.append(parent[path[-1]])
        path.reverse()
        violations.append(
            end.violation(
                PROCEDURE_TOO_MANY_STEPS,
                f"路径 {show_path(path)} 有 {count} 个人工环节，超过办理程序允许的 {limit} 个",
                f"path {show_path(path)} has {count} human steps (task nodes), "
                f"more than the procedure's {limit}",
            )
        )
    return violations
