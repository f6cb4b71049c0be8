"""Parallel splits and joins balanced (并联审批: one receipt, parallel departments, one join).

The *region* of a split is every node a path from the split reaches before its join. The
rules: each join names a parallel split, and each split has exactly one join; a split has at
least two branches; a join's ``min`` is at most the number of branches; every path from a
split reaches its join before any end; nothing enters a region except through its split
(an edge from outside into a region node, or into the join, is reported); and a split's
branches stay apart until its join (FLOW_PARALLEL_MERGE).
Checked on acyclic flows only.

Why branches may not meet before their join: the engine (``core/cases/engine.py``) sends
one token down each branch and a join counts one arrival per incoming-edge source. Two
branches meeting at a waiting node open it twice (``reached … while already waiting``), or
open it again after it was completed and then arrive at the join twice from the same
source (``arrived twice``); meeting at a choice or a nested split leads to one of these
too. A choice *inside* one branch whose ways re-merge is fine: that branch has one token.
So is a region that never runs: an n-of-m join with ``min`` empty branches (split → join
edges) fires as soon as its split is reached, and the engine opens none of the region's
nodes.
"""

from __future__ import annotations

from tongban.core.errors import Violation
from tongban.core.flows.codes import FLOW_JOIN_MIN, FLOW_PARALLEL_MERGE, FLOW_UNBALANCED
from tongban.core.flows.definition import NODE_KINDS, FlowDef, FlowNode


def parallel_violations(flow: FlowDef) -> list[Violation]:
    violations: list[Violation] = []
    joins = _joins_by_split(flow, violations)
    regions: dict[str, tuple[FlowNode, set[str]]] = {}  # split -> its join, its region
    for split in flow.of_kind("parallel"):
        branches = len(flow.out_edges[split.id])
        if branches < 2:
            violations.append(
                split.violation(
                    FLOW_UNBALANCED,
                    f"并行节点至少需要 2 个分支（现有 {branches} 个）",
                    f"a parallel split needs at least 2 branches (has {branches})",
                )
            )
        mine = joins.get(split.id, [])
        if not mine:
            violations.append(
                split.violation(
                    FLOW_UNBALANCED, "没有汇聚节点对应此并行节点", "no join names this split"
                )
            )
            continue
        join = mine[0]
        for extra in mine[1:]:
            violations.append(
                extra.violation(
                    FLOW_UNBALANCED,
                    f"并行节点 {split.id!r} 已由 {join.id!r} 汇聚",
                    f"split {split.id!r} is already joined by {join.id!r}",
                    "split",
                )
            )
        if join.min is not None and branches and join.min > branches:
            violations.append(
                join.violation(
                    FLOW_JOIN_MIN,
                    f"min {join.min} 超过并行节点 {split.id!r} 的 {branches} 个分支",
                    f"min {join.min} is more than the {branches} branches of split {split.id!r}",
                    "min",
                )
            )
        if flow.topological_order is not None:
            region = _region_violations(flow, split, join, violations)
            if region is not None:
                regions[split.id] = (join, region)
    violations.extend(_merge_violations(flow, regions))
    return violations


def _joins_by_split(flow: FlowDef, violations: list[Violation]) -> dict[str, list[FlowNode]]:
    joins: dict[str, list[FlowNode]] = {}
    for join in flow.of_kind("join"):
        if join.split is None:
            continue  # reported by the meta-schema
        split = flow.by_id.get(join.split)
        if split is None:
            violations.append(
                join.violation(
                    FLOW_UNBALANCED,
                    f"split {join.split!r} 不是本流程的节点",
                    f"split {join.split!r} is not a node",
                    "split",
                )
            )
        elif split.kind not in NODE_KINDS:
            continue  # an unknown kind: reported by the meta-schema
        elif split.kind != "parallel":
            violations.append(
                join.violation(
                    FLOW_UNBALANCED,
                    f"split {join.split!r} 是 {split.kind} 节点，不是并行节点",
                    f"split {join.split!r} is a {split.kind} node, not a parallel split",
                    "split",
                )
            )
        else:
            joins.setdefault(split.id, []).append(join)
    return joins


def _region_violations(
    flow: FlowDef, split: FlowNode, join: FlowNode, violations: list[Violation]
) -> set[str] | None:
    """Add the region's violations; return the region (None: the join cannot be reached)."""
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
        violations.append(
            split.violation(
                FLOW_UNBALANCED,
                f"由此无法到达其汇聚节点 {join.id!r}",
                f"its join {join.id!r} cannot be reached from it",
            )
        )
        return None
    violations.extend(
        split.violation(
            FLOW_UNBALANCED,
            f"有分支未经汇聚节点 {join.id!r} 就到达结束节点 {end!r}",
            f"a branch reaches end {end!r} without passing join {join.id!r}",
        )
        for end in sorted(escapes)
    )
    inside = region | {split.id}
    for node_id in sorted(region | {join.id}, key=lambda n: flow.by_id[n].index):
        for edge in flow.in_edges[node_id]:
            if edge.source not in inside:
                violations.append(
                    edge.violation(
                        FLOW_UNBALANCED,
                        f"从外部进入并行节点 {split.id!r} 与汇聚节点 {join.id!r} 之间的区域",
                        f"enters the region between split {split.id!r} and join {join.id!r} "
                        "from outside",
                        "to",
                    )
                )
    return region


def _fires_at_split(flow: FlowDef, split: FlowNode, join: FlowNode) -> bool:
    """The join fires as its split is reached: ``min`` of its branches are empty (split →
    join edges), so no node of the region ever opens."""
    empty = sum(1 for edge in flow.out_edges[split.id] if edge.target == join.id)
    return join.min is not None and 0 < join.min <= empty


def _merge_violations(
    flow: FlowDef, regions: dict[str, tuple[FlowNode, set[str]]]
) -> list[Violation]:
    """Each node where branches of a split first meet before its join (FLOW_PARALLEL_MERGE).

    A branch is one outgoing edge of the split; ``reach[n]`` is the bit set of branches with
    a path to ``n``. A node is reported where no single incoming edge brings all the
    branches that reach it: the first meeting point, not every node after it. A region that
    never runs (its join fires at the split, see ``_fires_at_split``; or it lies inside such
    a region) is not checked: the engine opens none of its nodes.
    """
    by_id = flow.by_id
    position = {node_id: i for i, node_id in enumerate(flow.topological_order or ())}
    never_run: set[str] = set()
    for split_id, (join, region) in regions.items():
        if _fires_at_split(flow, by_id[split_id], join):
            never_run |= region | {split_id}
    violations: list[Violation] = []
    for split_id, (join, region) in regions.items():
        if split_id in never_run:
            continue
        firsts = [edge.target for edge in flow.out_edges[split_id]]
        reach: dict[str, int] = {}
        for node_id in sorted(region, key=position.__getitem__):
            brought = [
                1 << firsts.index(node_id) if edge.source == split_id else reach.get(edge.source, 0)
                for edge in flow.in_edges[node_id]
            ]
            mine = 0
            for bits in brought:
                mine |= bits
            reach[node_id] = mine
            if mine & (mine - 1) and mine not in brought:  # two or more branches, newly met
                names = [repr(first) for i, first in enumerate(firsts) if mine >> i & 1]
                violations.append(
                    by_id[node_id].violation(
                        FLOW_PARALLEL_MERGE,
                        f"并联分支须在汇聚节点 {join.id!r} 处汇合，不得提前合流",
                        f"branches {', '.join(names[:-1])} and {names[-1]} of parallel split "
                        f"{split_id!r} meet here before their join {join.id!r}: the engine "
                        "runs one token per branch, so this node would be entered once per "
                        "branch; join the branches first, or give each branch its own nodes",
                    )
                )
    return violations
