"""Path analysis: critical path and procedure checks, without enumerating paths."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tongban.core.flows import (
    FlowDef,
    critical_path,
    parse_flow,
    procedure_violations,
    validate_flow,
)
from tongban.core.matters import Procedure, StepKind

FULL = Procedure(tuple(StepKind), max_human_steps=5)


def task(node_id: str, step: str, days: int = 1, role: str = "reviewer") -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": "task",
        "step": step,
        "department": "zwfw",
        "role": role,
        "days": days,
    }


def node(node_id: str, kind: str, **attrs: Any) -> dict[str, Any]:
    return {"id": node_id, "kind": kind, **attrs}


def link(source: str, target: str, **attrs: Any) -> dict[str, Any]:
    return {"from": source, "to": target, **attrs}


def build(doc: dict[str, Any]) -> FlowDef:
    flow, violations = parse_flow(doc)
    assert flow is not None and violations == [], violations
    return flow


def sequence(*items: dict[str, Any]) -> dict[str, Any]:
    """start → items… → end."""
    nodes = [node("start", "start"), *items, node("end", "end")]
    return {
        "nodes": nodes,
        "edges": [link(a["id"], b["id"]) for a, b in zip(nodes, nodes[1:], strict=False)],
    }


def standard_sequence() -> dict[str, Any]:
    return sequence(
        task("receive", "receive", 0, "clerk"),
        task("accept", "accept", 1, "clerk"),
        task("review", "review", 3),
        task("decide", "decide", 2, "approver"),
        task("conclude", "conclude", 1, "clerk"),
    )


def with_choice(
    doc: dict[str, Any], before: str, after: str, branches: list[dict[str, Any]]
) -> None:
    """Replace the edge before→after by a choice over ``branches`` (each a node, or None for a
    direct edge from the choice to ``after``)."""
    doc["edges"] = [e for e in doc["edges"] if (e["from"], e["to"]) != (before, after)]
    choice = f"route_{before}"
    doc["nodes"].append(node(choice, "choice"))
    doc["edges"].append(link(before, choice))
    for i, branch in enumerate(branches):
        attrs = {"default": True} if i == 0 else {"when": f"form.kind == {i}"}
        doc["nodes"].append(branch)
        doc["edges"].append(link(choice, branch["id"], **attrs))
        doc["edges"].append(link(branch["id"], after))


# -- critical path -----------------------------------------------------------------------


def english(message: str) -> str:
    """The English part of a "中文 (English)" message."""
    return message.split(" (", 1)[1].removesuffix(")")


def test_critical_path_of_a_sequence() -> None:
    assert critical_path(build(standard_sequence())) == (
        7,
        ["start", "receive", "accept", "review", "decide", "conclude", "end"],
    )


def test_critical_path_takes_the_longest_parallel_branch_and_choice() -> None:
    doc = standard_sequence()
    with_choice(doc, "review", "decide", [task("quick", "review", 1), task("expert", "review", 20)])
    days, path = critical_path(build(doc))
    assert days == 27
    assert path == [
        "start",
        "receive",
        "accept",
        "review",
        "route_review",
        "expert",
        "decide",
        "conclude",
        "end",
    ]


def test_critical_path_counts_first_and_last_node_days() -> None:
    doc = sequence(task("only", "review", 2))
    doc["nodes"][0]["days"] = 3
    doc["nodes"][-1]["days"] = 4
    assert critical_path(build(doc)) == (9, ["start", "only", "end"])


def test_zero_days_still_gives_a_start_to_end_path() -> None:
    doc = sequence(task("a", "review", 0), task("b", "review", 0))
    assert critical_path(build(doc)) == (0, ["start", "a", "b", "end"])


def test_critical_path_of_edge_cases() -> None:
    assert critical_path(build({"nodes": [], "edges": []})) == (0, [])
    lone = build({"nodes": [node("start", "start", days=2), node("x", "end", days=5)], "edges": []})
    assert critical_path(lone) == (5, ["x"])


def test_critical_path_refuses_a_cycle() -> None:
    doc = standard_sequence()
    doc["edges"].append(link("decide", "review"))
    with pytest.raises(ValueError, match="cycle"):
        critical_path(build(doc))


def test_critical_path_is_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import networkx as nx

    calls = []
    original = nx.dag_longest_path

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(nx, "dag_longest_path", counting)
    monkeypatch.setattr(nx, "dag_longest_path_length", lambda *a, **k: pytest.fail("recomputed"))
    validate_flow(standard_sequence(), promised_days=3, procedure=FULL)
    assert calls == [1]


# -- procedure ---------------------------------------------------------------------------


def test_a_conforming_flow_has_no_procedure_violations() -> None:
    assert procedure_violations(build(standard_sequence()), FULL) == []


def test_missing_step_names_the_step_end_and_an_example_path() -> None:
    doc = standard_sequence()
    with_choice(
        doc, "accept", "review", [task("r2", "review"), node("skip", "external", system="x")]
    )
    doc["edges"] = [e for e in doc["edges"] if (e["from"], e["to"]) != ("skip", "review")]
    doc["edges"].append(link("skip", "decide"))
    violations = procedure_violations(build(doc), Procedure(tuple(StepKind), 6))
    assert [(v.code, v.pointer) for v in violations] == [("PROCEDURE_STEP_MISSING", "/nodes/6")]
    path = "start -> receive -> accept -> route_accept -> skip -> decide -> conclude -> end"
    assert violations[0].message == (
        f"节点 'end'：路径 {path} 缺少受理之后的审查环节（办理程序要求依次为 收件 → 受理 → 审查 → "
        f"决定 → 办结） (node 'end': step review (审查) after accept is missing on path {path} "
        "(the procedure requires receive → accept → review → decide → conclude, in this order))"
    )


def test_steps_out_of_order_are_missing() -> None:
    doc = sequence(
        task("receive", "receive", 0, "clerk"),
        task("accept", "accept", 1, "clerk"),
        task("decide", "decide", 2, "approver"),
        task("review", "review", 3),
        task("conclude", "conclude", 1, "clerk"),
    )
    violations = procedure_violations(build(doc), FULL)
    assert len(violations) == 1
    assert "step decide (决定) after review is missing" in violations[0].message


def test_each_end_and_each_missing_step_is_reported() -> None:
    doc = standard_sequence()
    doc["nodes"].append(node("withdrawn", "end"))
    with_choice(
        doc, "receive", "accept", [node("pass", "external", system="x"), node("stop", "choice")]
    )
    doc["edges"] = [e for e in doc["edges"] if (e["from"], e["to"]) != ("stop", "accept")]
    doc["edges"] += [link("stop", "withdrawn", default=True), link("stop", "accept", when="true")]
    violations = procedure_violations(build(doc), FULL)
    assert [(v.pointer, english(v.message).split(" is missing")[0]) for v in violations] == [
        ("/nodes/7", "node 'withdrawn': step accept (受理) after receive"),
    ]
    # a path that skips review on the way to the real end as well
    doc["edges"].append(link("route_receive", "decide", when="form.fast"))
    violations = procedure_violations(build(doc), FULL)
    assert [(v.pointer, english(v.message).split(" is missing")[0]) for v in violations] == [
        ("/nodes/6", "node 'end': step accept (受理) after receive"),
        ("/nodes/7", "node 'withdrawn': step accept (受理) after receive"),
    ]


def test_too_many_human_steps() -> None:
    doc = standard_sequence()
    with_choice(
        doc, "review", "decide", [node("none", "external", system="x"), task("second", "review")]
    )
    flow = build(doc)
    assert procedure_violations(flow, Procedure(tuple(StepKind), 6)) == []
    violations = procedure_violations(flow, FULL)
    assert [(v.code, v.pointer) for v in violations] == [("PROCEDURE_TOO_MANY_STEPS", "/nodes/6")]
    path = "start -> receive -> accept -> review -> route_review -> second -> decide -> conclude -> end"
    assert violations[0].message == (
        f"节点 'end'：路径 {path} 有 6 个人工环节，超过办理程序允许的 5 个 "
        f"(node 'end': path {path} has 6 human steps (task nodes), more than the procedure's 5)"
    )


def test_parallel_branches_are_graph_paths() -> None:
    """Three departments review in parallel: each path holds one review, so 5 steps, not 7."""
    doc = standard_sequence()
    doc["nodes"] = [n for n in doc["nodes"] if n["id"] != "review"]
    doc["edges"] = [e for e in doc["edges"] if "review" not in (e["from"], e["to"])]
    doc["nodes"] += [node("split", "parallel"), node("join", "join", split="split")]
    doc["edges"] += [link("accept", "split"), link("join", "decide")]
    for dept in ("tax", "market", "fire"):
        doc["nodes"].append(task(dept, "review", 2))
        doc["edges"] += [link("split", dept), link(dept, "join")]
    assert procedure_violations(build(doc), FULL) == []
    assert validate_flow(doc, procedure=FULL, promised_days=6) == []


def test_repeated_step_kinds_in_the_procedure() -> None:
    twice = Procedure((StepKind.REVIEW, StepKind.REVIEW), 5)
    once = build(sequence(task("a", "review")))
    assert (
        "step review (审查) after review is missing" in procedure_violations(once, twice)[0].message
    )
    assert (
        procedure_violations(build(sequence(task("a", "review"), task("b", "review"))), twice) == []
    )


def test_no_procedure_analysis_without_a_start_or_on_a_cycle() -> None:
    doc = standard_sequence()
    doc["nodes"][0]["kind"] = "external"
    doc["nodes"][0]["system"] = "x"
    assert procedure_violations(build(doc), Procedure(tuple(StepKind), 0)) == []
    doc = standard_sequence()
    doc["edges"].append(link("decide", "review"))
    assert procedure_violations(build(doc), Procedure(tuple(StepKind), 0)) == []


# -- scale: 2^60 paths, never enumerated -------------------------------------------------


def diamonds(
    count: int, *, parallel: bool = False, last_without_decide: bool = False
) -> dict[str, Any]:
    """receive → accept → ``count`` diamonds of two review tasks → decide → conclude.

    With choices that is 2^count start-to-end paths.
    """
    nodes = [
        node("start", "start"),
        task("receive", "receive", 0, "clerk"),
        task("accept", "accept", 1, "clerk"),
    ]
    links = [link("start", "receive"), link("receive", "accept")]
    cursor = "accept"
    for i in range(count):
        fork, merge = f"fork{i}", f"merge{i}"
        if parallel:
            nodes += [node(fork, "parallel"), node(merge, "join", split=fork)]
        else:
            nodes += [node(fork, "choice"), task(merge, "review", 0)]
        nodes += [task(f"a{i}", "review", 1), task(f"b{i}", "review", 2)]
        attrs: list[dict[str, Any]] = (
            [{}, {}] if parallel else [{"when": f"form.x > {i}"}, {"default": True}]
        )
        links += [
            link(cursor, fork),
            link(fork, f"a{i}", **attrs[0]),
            link(fork, f"b{i}", **attrs[1]),
            link(f"a{i}", merge),
            link(f"b{i}", merge),
        ]
        cursor = merge
    tail = [
        task("decide", "decide", 2, "approver"),
        task("conclude", "conclude", 1, "clerk"),
        node("end", "end"),
    ]
    nodes += tail
    links += [link(cursor, "decide"), link("decide", "conclude"), link("conclude", "end")]
    if last_without_decide:
        nodes.append(node("skip", "external", system="x"))
        nodes[nodes.index(tail[0])] = node("decide_or_skip", "choice")
        nodes.append(task("decide", "decide", 2, "approver"))
        links = [item for item in links if item["to"] != "decide" and item["from"] != "decide"]
        links += [
            link(cursor, "decide_or_skip"),
            link("decide_or_skip", "decide", default=True),
            link("decide_or_skip", "skip", when="form.y"),
            link("decide", "conclude"),
            link("skip", "conclude"),
        ]
    return {"nodes": nodes, "edges": links}


@pytest.mark.parametrize("parallel", [False, True])
def test_sixty_diamonds_are_analysed_without_enumerating_paths(parallel: bool) -> None:
    doc = diamonds(60, parallel=parallel)
    humans_per_path = 2 + 60 * (1 if parallel else 2) + 2  # choice merges are review tasks
    started = time.perf_counter()
    flow = build(doc)
    assert procedure_violations(flow, Procedure(tuple(StepKind), humans_per_path)) == []
    violations = procedure_violations(flow, Procedure(tuple(StepKind), humans_per_path - 1))
    assert [v.code for v in violations] == ["PROCEDURE_TOO_MANY_STEPS"]
    assert f"has {humans_per_path} human steps" in violations[0].message
    days, path = critical_path(flow)
    per_diamond = 2 if parallel else 2 + 0  # the longer branch (b, 2 days); merges take 0
    assert days == 0 + 1 + 60 * per_diamond + 2 + 1
    assert path[0] == "start" and path[-1] == "end" and len(path) == 3 + 60 * 3 + 3
    assert (
        validate_flow(
            doc, procedure=Procedure(tuple(StepKind), humans_per_path), promised_days=days
        )
        == []
    )
    assert time.perf_counter() - started < 2.0


def test_a_missing_step_among_two_to_the_sixty_paths() -> None:
    doc = diamonds(60, last_without_decide=True)
    started = time.perf_counter()
    violations = procedure_violations(build(doc), Procedure(tuple(StepKind), 1000))
    assert time.perf_counter() - started < 2.0
    assert [v.code for v in violations] == ["PROCEDURE_STEP_MISSING"]
    message = violations[0].message
    assert message.startswith("节点 'end'：路径 start -> ")
    assert "缺少审查之后的决定环节" in message
    assert "(node 'end': step decide (决定) after review is missing on path start " in message
    assert "… (" in message and "more) …" in message  # a long example path is abbreviated
    assert message.count(" -> ") == 2 * 16  # 8 nodes, the ellipsis, 8 nodes; in each language
    assert "-> decide_or_skip -> skip -> conclude -> end" in message
