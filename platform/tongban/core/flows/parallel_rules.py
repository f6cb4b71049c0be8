"""Parallel splits and joins balanced (并联审批: one receipt, parallel departments, one join).

The *region* of a split is every node a path from the split reaches before its join. The
rules: each join names a parallel split, and each split has exactly one join; a split has at
least two branches; a join's ``min`` is at most the number of branches; every path from a
split reaches its join before any end; and nothing enters a region except through its split
(an edge from outside into a region node, or into the join, is reported).
Checked on acyclic flows only.
"""

from __future__ import annotations

from tongban.core.errors import Violation
from tongban.core.flows.codes import FLOW_JOIN_MIN, FLOW_UNBALANCED
from tongban.core.flows.definition import NODE_KINDS, FlowDef, FlowNode


def parallel_violations(flow: FlowDef) -> list[Violation]:
    violations: list[Violation] = []
    joins = _joins_by_split(flow, violations)
    for split in flow.of_kind("parallel"):
        branches = len(flow.out_edges[split.id])
        if branches < 2:
            violations.append(
                split.violation(
                    FLOW_UNBALANCED, f"a parallel split needs at least 2 branches (has {branches})"
                )
            )
        mine = joins.get(split.id, [])
        if not mine:
            violations.append(split.violation(FLOW_UNBALANCED, "no join names this split"))
            continue
        join = mine[0]
        for extra in mine[1:]:
            violations.append(
                extra.violation(
                    FLOW_UNBALANCED, f"split {split.id!r} is already joined by {join.id!r}", "split"
                )
            )
        if join.min is not None and branches and join.min > branches:
            violations.append(
                join.violation(
                    FLOW_JOIN_MIN,
                    f"min {join.min} is more than the {branches} branches of split {split.id!r}",
                    "min",
                )
            )
        if flow.topological_order is not None:
            violations.extend(_region_violations(flow, split, join))
    return violations


def _joins_by_split(flow: FlowDef, violations: list[Violation]) -> dict[str, list[FlowNode]]:
    joins: dict[str, list[FlowNode]] = {}
    for join in flow.of_kind("join"):
        if join.split is None:
            continue  # reported by the meta-schema
        split = flow.by_id.get(join.split)
        if split is None:
            violations.append(
                join.violation(FLOW_UNBALANCED, f"split {join.split!r} is not a node", "split")
            )
        elif split.kind not in NODE_KINDS:
            continue  # an unknown kind: reported by the meta-schema
        elif split.kind != "parallel":
            violations.append(
                join.violation(
                    FLOW_UNBALANCED,
                    f"split {join.split!r} is a {split.kind} node, not a parallel split",
                    "split",
                )
            )
        else:
            joins.setdefault(split.id, []).append(join)
    return joins


def _region_violations(flow: FlowDef, split: FlowNode, join: FlowNode) -> list[Violation]:
    succ = flow.successors
    region: set[str] = set()
    reached_join = False
    escapes: list[str] = []
    stack = [split.id]
    while stack:
        for other in succ[stack.pop()]:
            if other == join.id:
                reached_join = True
            elif other not in region:
                region.add(other)
                if flow.by_id[other].kind == "end":
                    escapes.append(other)
                else:
                    stack.append(other)
    if not reached_join:
        return [split.violation(FLOW_UNBALANCED, f"its join {join.id!r} cannot be reached from it")]
    violations = [
        split.violation(
            FLOW_UNBALANCED, f"a branch reaches end {end!r} without passing join {join.id!r}"
        )
        for end in sorted(escapes)
    ]
    inside = region | {split.id}
    for node_id in sorted(region | {join.id}, key=lambda n: flow.by_id[n].index):
        for edge in flow.in_edges[node_id]:
            if edge.source not in inside:
                violations.append(
                    edge.violation(
                        FLOW_UNBALANCED,
                        f"enters the region between split {split.id!r} and join {join.id!r} "
                        "from outside",
                        "to",
                    )
                )
    return violations
