"""Flow documents: parse_flow, the meta-schema, and every rule of validate_flow both ways."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tongban.core.errors import Violation
from tongban.core.flows import (
    NODE_KINDS,
    FlowDef,
    FlowNode,
    parse_flow,
    validate_flow,
)
from tongban.core.flows.flow_schema import FLOW_SCHEMA_ID, flow_meta_schema
from tongban.core.flows.schema_check import compile_check
from tongban.core.matters import INSTANT, Procedure, StepKind
from tongban.core.tenancy import Level

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "form_schemas" / "flow.schema.json"
DEPARTMENTS = {"zwfw", "swj", "scjgj", "xfj"}
FULL = Procedure(tuple(StepKind), max_human_steps=5)


# -- builders ----------------------------------------------------------------------------


def task(
    node_id: str, step: str, *, role: str = "reviewer", department: str = "zwfw", days: int = 1
) -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": "task",
        "step": step,
        "department": department,
        "role": role,
        "days": days,
    }


def node(node_id: str, kind: str, **attrs: Any) -> dict[str, Any]:
    return {"id": node_id, "kind": kind, **attrs}


def edges(*pairs: str) -> list[dict[str, Any]]:
    """``edges("a>b", "b>c")`` → from/to edges."""
    out = []
    for pair in pairs:
        source, target = pair.split(">")
        out.append({"from": source, "to": target})
    return out


def parallel_flow() -> dict[str, Any]:
    """并联审批: start → receive → accept → split → 3 department reviews → join → decide →
    conclude → end."""
    return {
        "nodes": [
            node("start", "start"),
            task("receive", "receive", role="clerk", days=0) | {"name": "收件"},
            task("accept", "accept", role="clerk", days=1) | {"name": "受理"},
            node("split", "parallel", name="并联审查"),
            task("tax", "review", department="swj", days=3),
            task("market", "review", department="scjgj", days=5),
            task("fire", "review", department="xfj", days=4),
            node("join", "join", split="split"),
            task("decide", "decide", role="approver", days=2),
            task("conclude", "conclude", role="clerk", days=1),
            node("end", "end"),
        ],
        "edges": edges(
            "start>receive",
            "receive>accept",
            "accept>split",
            "split>tax",
            "split>market",
            "split>fire",
            "tax>join",
            "market>join",
            "fire>join",
            "join>decide",
            "decide>conclude",
            "conclude>end",
        ),
    }


def choice_flow() -> dict[str, Any]:
    """A county flow: big amounts go up to the city (县初审市终审), the rest decided here."""
    return {
        "nodes": [
            node("start", "start"),
            task("receive", "receive", role="clerk", days=0),
            task("accept", "accept", role="clerk", days=1),
            task("review", "review", days=3),
            node("route", "choice"),
            node("up", "escalate", to="city", days=10),
            task("decide", "decide", role="approver", days=2),
            task("conclude", "conclude", role="clerk", days=1),
            node("end", "end"),
        ],
        "edges": [
            *edges("start>receive", "receive>accept", "accept>review", "review>route"),
            {"from": "route", "to": "up", "when": "form.amount > 100000"},
            {"from": "route", "to": "decide", "default": True},
            *edges("up>conclude", "decide>conclude", "conclude>end"),
        ],
    }


def kinds_flow() -> dict[str, Any]:
    """Every other node kind: subflow, external, and an n-of-m join."""
    flow = parallel_flow()
    flow["nodes"][4:7] = [
        node("tax", "subflow", matter="000131127004", days=1),
        node("ext", "external", system="金税三期", days=2),
        task("market", "review", department="scjgj", days=5),
    ]
    flow["nodes"][7]["min"] = 2
    for edge in flow["edges"]:
        for key in ("from", "to"):
            edge[key] = {"fire": "ext"}.get(edge[key], edge[key])
    return flow


def codes(violations: list[Violation]) -> list[tuple[str, str]]:
    return [(v.code, v.pointer) for v in violations]


def index_of(flow: dict[str, Any], node_id: str) -> int:
    return next(i for i, n in enumerate(flow["nodes"]) if n["id"] == node_id)


def edge_index(flow: dict[str, Any], source: str, target: str) -> int:
    return next(i for i, e in enumerate(flow["edges"]) if (e["from"], e["to"]) == (source, target))


ALL_CONTEXT: dict[str, Any] = {
    "procedure": FULL,
    "promised_days": 15,
    "departments": DEPARTMENTS,
    "known_matters": {"000131127004"},
    "tenant_level": Level.COUNTY,
    "form_fields": {"amount", "applicant"},
}


# -- valid flows -------------------------------------------------------------------------


@pytest.mark.parametrize("make", [parallel_flow, choice_flow, kinds_flow])
def test_valid_flows_pass_every_check(make: Any) -> None:
    # graph paths: the choice's escalate path has no decide, the subflow branch no review
    steps = {
        parallel_flow: tuple(StepKind),
        choice_flow: (StepKind.RECEIVE, StepKind.ACCEPT, StepKind.REVIEW, StepKind.CONCLUDE),
        kinds_flow: (StepKind.RECEIVE, StepKind.ACCEPT, StepKind.DECIDE, StepKind.CONCLUDE),
    }[make]
    procedure = Procedure(steps, 5)
    assert validate_flow(make(), **(ALL_CONTEXT | {"procedure": procedure})) == []
    assert validate_flow(make()) == []


def test_parse_flow_builds_the_graph() -> None:
    flow, violations = parse_flow(parallel_flow())
    assert violations == []
    assert isinstance(flow, FlowDef)
    assert flow.start is not None and flow.start.id == "start"
    assert [n.id for n in flow.of_kind("task")] == [
        "receive",
        "accept",
        "tax",
        "market",
        "fire",
        "decide",
        "conclude",
    ]
    accept = flow.node("accept")
    assert accept == FlowNode(
        id="accept",
        kind="task",
        index=2,
        name="受理",
        days=1,
        step=StepKind.ACCEPT,
        department="zwfw",
        role="clerk",
    )
    assert [e.id for e in flow.out_edges["split"]] == ["split->tax", "split->market", "split->fire"]
    assert [e.source for e in flow.in_edges["join"]] == ["tax", "market", "fire"]
    assert set(flow.graph.successors("split")) == {"tax", "market", "fire"}
    assert flow.topological_order is not None and flow.topological_order[0] == "start"


def test_parse_flow_reads_every_attribute() -> None:
    flow, _ = parse_flow(choice_flow())
    assert flow is not None
    assert flow.node("up").to is Level.CITY
    route_edges = flow.out_edges["route"]
    assert route_edges[0].when == "form.amount > 100000" and not route_edges[0].default
    assert route_edges[1].default and route_edges[1].when is None
    kinds, _ = parse_flow(kinds_flow())
    assert kinds is not None
    assert kinds.node("tax").matter == "000131127004"
    assert kinds.node("ext").system == "金税三期"
    assert kinds.node("join").min == 2 and kinds.node("join").split == "split"


def test_nodes_and_edges_are_immutable() -> None:
    flow, _ = parse_flow(parallel_flow())
    assert flow is not None
    with pytest.raises(AttributeError):
        flow.node("tax").days = 0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        flow.edges[0].source = "x"  # type: ignore[misc]


def test_edge_ids_default_to_from_arrow_to() -> None:
    doc = parallel_flow()
    doc["edges"][0]["id"] = "go"
    flow, _ = parse_flow(doc)
    assert flow is not None
    assert [e.id for e in flow.edges[:2]] == ["go", "receive->accept"]


# -- the meta-schema ---------------------------------------------------------------------


def test_meta_schema_is_valid_draft_2020_12_with_its_urn() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == FLOW_SCHEMA_ID == "urn:tongban:meta:flow"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert flow_meta_schema() == schema
    assert tuple(schema["$defs"]["node"]["properties"]["kind"]["enum"]) == NODE_KINDS
    assert schema["$defs"]["node"]["additionalProperties"] is False
    assert schema["$defs"]["edge"]["additionalProperties"] is False
    assert schema["$defs"]["node"]["properties"]["step"]["enum"] == [s.value for s in StepKind]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda f: f["nodes"][2].update(boss="x"), [("FLOW_SHAPE", "/nodes/2/boss")]),
        (lambda f: f["nodes"][2].pop("role"), [("FLOW_SHAPE", "/nodes/2/role")]),
        (lambda f: f["nodes"][2].pop("step"), [("FLOW_SHAPE", "/nodes/2/step")]),
        (lambda f: f["nodes"][2].pop("department"), [("FLOW_SHAPE", "/nodes/2/department")]),
        (lambda f: f["nodes"][2].update(step="approve"), [("FLOW_SHAPE", "/nodes/2/step")]),
        (lambda f: f["nodes"][2].update(to="city"), [("FLOW_SHAPE", "/nodes/2/to")]),
        (lambda f: f["nodes"][3].update(kind="fork"), [("FLOW_SHAPE", "/nodes/3/kind")]),
        (lambda f: f["nodes"][3].update(name=""), [("FLOW_SHAPE", "/nodes/3/name")]),
        (
            lambda f: f["nodes"][7].pop("split"),
            [("FLOW_SHAPE", "/nodes/7/split"), ("FLOW_UNBALANCED", "/nodes/3")],  # and so no join
        ),
        (lambda f: f["nodes"][7].update(min=0), [("FLOW_SHAPE", "/nodes/7/min")]),
        (lambda f: f["nodes"][2].update(days=-1), [("FLOW_DAYS", "/nodes/2/days")]),
        (lambda f: f["nodes"][2].update(days=1.5), [("FLOW_DAYS", "/nodes/2/days")]),
        (lambda f: f["nodes"][2].update(days="3"), [("FLOW_DAYS", "/nodes/2/days")]),
        (lambda f: f["nodes"][2].update(days=True), [("FLOW_DAYS", "/nodes/2/days")]),
        (lambda f: f["edges"][1].update(label="x"), [("FLOW_SHAPE", "/edges/1/label")]),
        (lambda f: f["edges"][1].update(default="yes"), [("FLOW_SHAPE", "/edges/1/default")]),
        (lambda f: f.update(version=2), [("FLOW_SHAPE", "/version")]),
    ],
)
def test_shape_violations_point_at_the_key(mutate: Any, expected: list[tuple[str, str]]) -> None:
    doc = parallel_flow()
    mutate(doc)
    assert codes(validate_flow(doc)) == expected
    flow, _ = parse_flow(doc)
    assert flow is not None  # attribute-level problems still leave a graph to check


def test_kind_specific_keys() -> None:
    doc = choice_flow()
    doc["nodes"][5]["to"] = "township"  # escalate only to nation/province/city/county
    doc["nodes"][0]["days"] = 0  # any node may carry days and name
    doc["nodes"][0]["name"] = "开始"
    assert codes(validate_flow(doc)) == [("FLOW_SHAPE", "/nodes/5/to")]
    doc["nodes"][5].pop("to")
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_SHAPE", "/nodes/5/to")]
    assert (
        violations[0].message
        == "节点 'up'：escalate 节点缺少 'to' (node 'up': an escalate node needs 'to')"
    )
    doc = kinds_flow()
    doc["nodes"][4]["matter"] = "0001"
    doc["nodes"][5]["system"] = ""
    doc["nodes"][3]["split"] = "x"
    assert codes(validate_flow(doc)) == [
        ("FLOW_SHAPE", "/nodes/3/split"),
        ("FLOW_SHAPE", "/nodes/4/matter"),
        ("FLOW_SHAPE", "/nodes/5/system"),
    ]


def test_shape_messages_name_the_node_or_edge() -> None:
    doc = parallel_flow()
    doc["nodes"][2]["role"] = 7
    doc["nodes"][2]["boss"] = 1
    doc["edges"][0]["x"] = 1
    messages = {v.pointer: v.message for v in validate_flow(doc)}
    assert messages["/nodes/2/role"] == (
        "节点 'accept'：role 不符合流程元模式 (node 'accept': role: 7 is not of type 'string')"
    )
    assert (
        messages["/nodes/2/boss"]
        == "节点 'accept'：未知的键 'boss' (node 'accept': unknown key 'boss')"
    )
    assert messages["/edges/0/x"] == (
        "连线 'start->receive'：未知的键 'x' (edge 'start->receive': unknown key 'x')"
    )


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ([], [("FLOW_SHAPE", "")]),
        ({}, [("FLOW_SHAPE", "/edges"), ("FLOW_SHAPE", "/nodes")]),
        ({"nodes": {}, "edges": []}, [("FLOW_SHAPE", "/nodes")]),
        ({"nodes": [{"kind": "start"}], "edges": []}, [("FLOW_SHAPE", "/nodes/0/id")]),
        ({"nodes": ["start"], "edges": []}, [("FLOW_SHAPE", "/nodes/0")]),
        (
            {"nodes": [{"id": "s", "kind": "start"}], "edges": [{"from": "s"}]},
            [("FLOW_SHAPE", "/edges/0/to")],
        ),
    ],
)
def test_documents_whose_graph_cannot_be_built(doc: Any, expected: list[tuple[str, str]]) -> None:
    flow, violations = parse_flow(doc)
    assert flow is None
    assert sorted(codes(violations)) == expected
    assert codes(validate_flow(doc)) == expected


def test_duplicate_node_ids() -> None:
    doc = parallel_flow()
    doc["nodes"].append(task("tax", "review"))
    flow, violations = parse_flow(doc)
    assert flow is None
    assert codes(violations) == [("FLOW_DUPLICATE_NODE", "/nodes/11/id")]
    assert violations[0].message == (
        "节点 'tax'：id 与 /nodes/4 处的节点重复 (node 'tax': id already used by the node at /nodes/4)"
    )


def test_edges_to_unknown_nodes() -> None:
    doc = parallel_flow()
    doc["edges"][3]["to"] = "taxx"
    doc["edges"][0]["from"] = "begin"
    flow, violations = parse_flow(doc)
    assert flow is None
    assert sorted(codes(violations)) == [
        ("FLOW_UNKNOWN_NODE", "/edges/0/from"),
        ("FLOW_UNKNOWN_NODE", "/edges/3/to"),
    ]
    assert (
        "连线 'split->taxx'：to 'taxx' 不是本流程的节点 "
        "(edge 'split->taxx': to 'taxx' is not a node of this flow)"
    ) in [v.message for v in violations]


def test_duplicate_edges() -> None:
    doc = parallel_flow()
    doc["edges"].append({"from": "tax", "to": "join"})
    doc["edges"].append({"id": "split->tax", "from": "split", "to": "market"})
    violations = validate_flow(doc)
    assert codes(violations) == [
        ("FLOW_DUPLICATE_EDGE", "/edges/12"),
        ("FLOW_DUPLICATE_EDGE", "/edges/13/id"),
    ]


# -- start, end, reachability ------------------------------------------------------------


def test_no_start() -> None:
    doc = parallel_flow()
    doc["nodes"][0]["kind"] = "task"
    doc["nodes"][0].update(step="receive", department="zwfw", role="clerk")
    assert ("FLOW_START", "") in codes(validate_flow(doc))


def test_second_start_and_edge_into_start() -> None:
    doc = parallel_flow()
    doc["nodes"].append(node("again", "start"))
    doc["edges"].append({"from": "again", "to": "receive"})
    doc["edges"].append({"from": "accept", "to": "start"})
    result = codes(validate_flow(doc))
    assert ("FLOW_START", "/nodes/11") in result
    assert ("FLOW_START", "/edges/13/to") in result


def test_edge_out_of_an_end() -> None:
    doc = parallel_flow()
    doc["nodes"].append(node("after", "end"))
    doc["edges"].append({"from": "end", "to": "after"})
    assert codes(validate_flow(doc)) == [("FLOW_END", "/edges/12/from")]


def test_no_end_at_all() -> None:
    doc = parallel_flow()
    doc["nodes"][-1]["kind"] = "external"
    doc["nodes"][-1]["system"] = "x"
    assert codes(validate_flow(doc)) == [("FLOW_NO_END", "")]


def test_no_end_reachable() -> None:
    doc = parallel_flow()
    doc["edges"] = [e for e in doc["edges"] if e["to"] != "end"]
    result = codes(validate_flow(doc))
    assert ("FLOW_NO_END", "/nodes/0") in result
    assert ("FLOW_UNREACHABLE", "/nodes/10") in result


def test_unreachable_node() -> None:
    doc = parallel_flow()
    doc["nodes"].append(task("orphan", "review"))
    doc["edges"].append({"from": "orphan", "to": "end"})
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_UNREACHABLE", "/nodes/11")]
    assert violations[0].message == (
        "节点 'orphan'：从开始节点无法到达 (node 'orphan': cannot be reached from the start)"
    )


def test_dead_end() -> None:
    doc = parallel_flow()
    doc["nodes"].append(node("route", "choice"))
    doc["nodes"].append(task("limbo", "review"))
    doc["edges"] = [e for e in doc["edges"] if e["from"] != "decide"]
    doc["edges"] += [
        {"from": "decide", "to": "route"},
        {"from": "route", "to": "conclude", "default": True},
        {"from": "route", "to": "limbo", "when": "form.amount > 1"},
    ]
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_DEAD_END", "/nodes/12")]
    assert violations[0].message == (
        "节点 'limbo'：由此无法到达任何结束节点 (node 'limbo': no end node can be reached from it)"
    )


def test_cycle_reports_the_back_edge_and_the_cycle() -> None:
    doc = parallel_flow()
    doc["nodes"][8] = node("route", "choice")
    doc["nodes"].append(task("decide", "decide", role="approver"))
    doc["edges"] = [e for e in doc["edges"] if e["from"] != "join" and e["to"] != "conclude"]
    doc["edges"] += [
        {"from": "join", "to": "route"},
        {"from": "route", "to": "decide", "default": True},
        {"from": "route", "to": "accept", "when": "form.incomplete"},
        {"from": "decide", "to": "conclude"},
    ]
    violations = validate_flow(doc, procedure=FULL, promised_days=1)  # no path analysis on a cycle
    assert codes(violations) == [("FLOW_CYCLE", f"/edges/{edge_index(doc, 'route', 'accept')}")]
    message = violations[0].message
    assert message.startswith("连线 'route->accept'：构成环路 accept -> split")
    assert "(edge 'route->accept': closes the cycle " in message
    assert "accept -> split" in message and "join -> route -> accept" in message
    assert "engine action, not a back edge" in message


def test_self_loop_is_a_cycle() -> None:
    doc = parallel_flow()
    doc["nodes"][8] = node("decide", "choice")
    doc["edges"] += [{"from": "decide", "to": "decide", "when": "true"}]
    doc["edges"][edge_index(doc, "decide", "conclude")]["default"] = True
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_CYCLE", "/edges/12")]
    assert "closes the cycle decide -> decide" in violations[0].message


def test_only_choices_and_splits_branch() -> None:
    doc = parallel_flow()
    doc["nodes"].append(task("extra", "review"))
    doc["edges"] += [{"from": "decide", "to": "extra"}, {"from": "extra", "to": "conclude"}]
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_BRANCH", "/nodes/8")]
    assert violations[0].message.startswith(
        "节点 'decide'：task 节点有 2 条出线（指向 'conclude', 'extra'）"
    )
    assert "(node 'decide': 2 outgoing edges (to 'conclude', 'extra')" in violations[0].message


# -- parallel splits and joins -----------------------------------------------------------


def test_n_of_m_join() -> None:
    doc = parallel_flow()
    doc["nodes"][7]["min"] = 2
    assert validate_flow(doc) == []
    doc["nodes"][7]["min"] = 3
    assert validate_flow(doc) == []
    doc["nodes"][7]["min"] = 4
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_JOIN_MIN", "/nodes/7/min")]
    assert violations[0].message == (
        "节点 'join'：min 4 超过并行节点 'split' 的 3 个分支 "
        "(node 'join': min 4 is more than the 3 branches of split 'split')"
    )


def test_join_names_an_unknown_node_or_a_non_split() -> None:
    doc = parallel_flow()
    doc["nodes"][7]["split"] = "nowhere"
    result = codes(validate_flow(doc))
    assert ("FLOW_UNBALANCED", "/nodes/7/split") in result
    assert ("FLOW_UNBALANCED", "/nodes/3") in result  # the split now has no join
    doc["nodes"][7]["split"] = "accept"
    violations = validate_flow(doc)
    assert (
        "节点 'join'：split 'accept' 是 task 节点，不是并行节点 "
        "(node 'join': split 'accept' is a task node, not a parallel split)"
    ) in [v.message for v in violations]


def test_split_needs_two_branches() -> None:
    doc = parallel_flow()
    doc["edges"] = [e for e in doc["edges"] if e["to"] not in ("market", "fire")]
    doc["nodes"] = [n for n in doc["nodes"] if n["id"] not in ("market", "fire")]
    doc["edges"] = [e for e in doc["edges"] if e["from"] not in ("market", "fire")]
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_UNBALANCED", "/nodes/3")]
    assert "at least 2 branches (has 1)" in violations[0].message


def test_two_joins_for_one_split() -> None:
    doc = parallel_flow()
    doc["nodes"].insert(8, node("join2", "join", split="split"))
    doc["edges"] = [e for e in doc["edges"] if e["from"] != "join"]
    doc["edges"] += edges("join>join2", "join2>decide")
    result = codes(validate_flow(doc))
    assert ("FLOW_UNBALANCED", "/nodes/8/split") in result


def test_branch_reaching_an_end_before_the_join() -> None:
    doc = parallel_flow()
    doc["nodes"][6] = node("fire", "choice")
    doc["nodes"].append(node("reject", "end"))
    doc["edges"] += [{"from": "fire", "to": "reject", "when": "form.amount > 1"}]
    doc["edges"][edge_index(doc, "fire", "join")]["default"] = True
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_UNBALANCED", "/nodes/3")]
    assert violations[0].message == (
        "节点 'split'：有分支未经汇聚节点 'join' 就到达结束节点 'reject' "
        "(node 'split': a branch reaches end 'reject' without passing join 'join')"
    )


def test_join_unreachable_from_its_split() -> None:
    doc = parallel_flow()
    doc["nodes"].insert(3, node("split0", "parallel"))
    doc["nodes"].insert(4, node("join0", "join", split="split0"))
    doc["edges"][2] = {"from": "accept", "to": "split0"}
    doc["edges"] += edges("split0>join", "split0>split", "join0>decide")
    result = codes(validate_flow(doc))
    assert ("FLOW_UNBALANCED", "/nodes/3") in result


def test_edge_entering_a_region_from_outside() -> None:
    doc = parallel_flow()
    doc["nodes"][2] = node("accept", "choice")
    doc["edges"][2] = {"from": "accept", "to": "split", "default": True}
    doc["edges"].append({"from": "accept", "to": "fire", "when": "form.amount > 1"})
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_UNBALANCED", "/edges/12/to")]
    assert violations[0].message == (
        "连线 'accept->fire'：从外部进入并行节点 'split' 与汇聚节点 'join' 之间的区域 "
        "(edge 'accept->fire': enters the region between split 'split' and join 'join' "
        "from outside)"
    )


def test_nested_splits_balance() -> None:
    doc = parallel_flow()
    doc["nodes"][6] = node("inner", "parallel")
    doc["nodes"][7:7] = [
        task("fire", "review", department="xfj"),
        task("env", "review", department="xfj"),
        node("inner_join", "join", split="inner"),
    ]
    doc["edges"] = [e for e in doc["edges"] if "fire" not in (e["from"], e["to"])]
    doc["edges"] += edges(
        "split>inner",
        "inner>fire",
        "inner>env",
        "fire>inner_join",
        "env>inner_join",
        "inner_join>join",
    )
    assert validate_flow(doc, procedure=FULL, promised_days=15) == []
    # crossing: the inner branch jumps straight to the outer join
    doc["edges"].append({"from": "env", "to": "join"})
    doc["nodes"][index_of(doc, "env")] = node("env", "choice")
    doc["edges"][edge_index(doc, "env", "inner_join")]["default"] = True
    doc["edges"][-1]["when"] = "form.amount > 1"
    result = codes(validate_flow(doc))
    assert ("FLOW_UNBALANCED", f"/nodes/{index_of(doc, 'split')}") not in result
    assert any(code == "FLOW_UNBALANCED" for code, _ in result)


# -- parallel branches stay apart until their join ---------------------------------------


def merge_flow() -> dict[str, Any]:
    """split → tax / market → merge → join: the two branches meet at 'merge' (the engine
    would open 'merge' twice: tests/unit/test_engine.py)."""
    doc = parallel_flow()
    doc["nodes"][6] = task("merge", "review", department="xfj")
    doc["edges"] = [e for e in doc["edges"] if "fire" not in (e["from"], e["to"])]
    doc["edges"] = [e for e in doc["edges"] if e["to"] != "join"]
    doc["edges"] += edges("tax>merge", "market>merge", "merge>join")
    return doc


def test_branches_meeting_before_their_join_are_refused_at_the_meeting_node() -> None:
    doc = merge_flow()
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_PARALLEL_MERGE", f"/nodes/{index_of(doc, 'merge')}")]
    assert violations[0].message.startswith(
        "节点 'merge'：并联分支须在汇聚节点 'join' 处汇合，不得提前合流 (node 'merge': branches "
        "'tax' and 'market' of parallel split 'split' meet here before their join 'join'"
    )


def test_a_branch_running_into_another_is_refused() -> None:
    # split → tax → market and split → market: 'market' is on both branches
    doc = parallel_flow()
    doc["edges"][edge_index(doc, "tax", "join")]["to"] = "market"
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_PARALLEL_MERGE", f"/nodes/{index_of(doc, 'market')}")]
    assert "branches 'tax' and 'market' of parallel split 'split'" in violations[0].message


def test_branches_meeting_at_a_choice_are_refused() -> None:
    # even with a one-of-m join: the choice sends both tokens on to the same task
    doc = merge_flow()
    doc["nodes"][index_of(doc, "merge")] = node("merge", "choice")
    doc["nodes"].insert(index_of(doc, "join"), task("extra", "review"))
    doc["nodes"][index_of(doc, "join")]["min"] = 1
    doc["edges"][edge_index(doc, "merge", "join")]["default"] = True
    doc["edges"] += [
        {"from": "merge", "to": "extra", "when": "form.amount > 1"},
        {"from": "extra", "to": "join"},
    ]
    violations = validate_flow(doc, form_fields={"amount"})
    assert codes(violations) == [("FLOW_PARALLEL_MERGE", f"/nodes/{index_of(doc, 'merge')}")]


def test_only_the_first_meeting_point_of_each_branch_is_named() -> None:
    # tax and market meet at m1; fire joins them at m2; after m2 nothing new meets
    doc = parallel_flow()
    doc["nodes"][7:7] = [task("m1", "review"), task("m2", "review"), task("m3", "review")]
    doc["edges"] = [e for e in doc["edges"] if e["to"] != "join"]
    doc["edges"] += edges("tax>m1", "market>m1", "m1>m2", "fire>m2", "m2>m3", "m3>join")
    violations = validate_flow(doc)
    assert codes(violations) == [
        ("FLOW_PARALLEL_MERGE", f"/nodes/{index_of(doc, 'm1')}"),
        ("FLOW_PARALLEL_MERGE", f"/nodes/{index_of(doc, 'm2')}"),
    ]
    assert "branches 'tax' and 'market' of" in violations[0].message
    assert "branches 'tax', 'market' and 'fire' of" in violations[1].message


def nested_merge_flow(*inner: str, outer: tuple[str, ...]) -> dict[str, Any]:
    """split → [inner → x / y → … → inner_join → …] and [w → …] → join, wired by the
    given inner and outer edges."""
    doc = parallel_flow()
    doc["nodes"][4:7] = [
        node("inner", "parallel"),
        task("x", "review"),
        task("y", "review"),
        node("inner_join", "join", split="inner"),
        task("w", "review"),
        task("z", "review"),
    ]
    doc["edges"] = [
        *edges("start>receive", "receive>accept", "accept>split", "split>inner", "split>w"),
        *edges("inner>x", "inner>y", *inner, *outer),
        *edges("join>decide", "decide>conclude", "conclude>end"),
    ]
    return doc


def test_outer_branches_meeting_after_a_nested_join_are_refused() -> None:
    doc = nested_merge_flow("x>inner_join", "y>inner_join", outer=("inner_join>z", "w>z", "z>join"))
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_PARALLEL_MERGE", f"/nodes/{index_of(doc, 'z')}")]
    assert "branches 'inner' and 'w' of parallel split 'split'" in violations[0].message


def test_inner_branches_meeting_are_the_inner_splits_problem() -> None:
    doc = nested_merge_flow("x>y", "y>z", "z>inner_join", outer=("inner_join>join", "w>join"))
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_PARALLEL_MERGE", f"/nodes/{index_of(doc, 'y')}")]
    assert violations[0].message.startswith("节点 'y'：")
    assert "branches 'x' and 'y' of parallel split 'inner' meet here before their join " in (
        violations[0].message
    )
    ok = nested_merge_flow(
        "x>inner_join", "y>inner_join", outer=("inner_join>z", "z>join", "w>join")
    )
    assert validate_flow(ok) == []


def test_a_choice_re_merging_inside_one_branch_is_fine() -> None:
    # the tax branch has one token: whichever way its choice sends it, 'tax2' opens once
    doc = parallel_flow()
    doc["nodes"][4:5] = [
        node("tax", "choice"),
        task("tax_a", "review", department="swj"),
        task("tax_b", "review", department="swj"),
        task("tax2", "review", department="swj"),
    ]
    doc["edges"] = [e for e in doc["edges"] if e["from"] != "tax"]
    doc["edges"] += [
        {"from": "tax", "to": "tax_a", "when": "form.amount > 1"},
        {"from": "tax", "to": "tax_b", "default": True},
        *edges("tax_a>tax2", "tax_b>tax2", "tax2>join"),
    ]
    assert validate_flow(doc, form_fields={"amount"}) == []


def test_a_region_whose_join_fires_at_the_split_is_not_checked() -> None:
    # a one-of-m join with an empty branch fires when the split is reached: the engine
    # opens none of the region's nodes, so their meeting can do no harm
    doc = merge_flow()
    doc["nodes"][index_of(doc, "join")]["min"] = 1
    doc["edges"].append({"from": "split", "to": "join"})
    assert validate_flow(doc) == []
    doc["nodes"][index_of(doc, "join")]["min"] = 2  # now the branches run: refused
    assert [v.code for v in validate_flow(doc)] == ["FLOW_PARALLEL_MERGE"]


# -- choices and conditions --------------------------------------------------------------


def test_choice_needs_two_ways_out() -> None:
    doc = choice_flow()
    doc["edges"] = [e for e in doc["edges"] if e["to"] != "up"]
    doc["nodes"] = [n for n in doc["nodes"] if n["id"] != "up"]
    doc["edges"] = [e for e in doc["edges"] if e["from"] != "up"]
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_CHOICE", "/nodes/4")]
    assert violations[0].message == (
        "节点 'route'：条件分支至少需要 2 条出线（现有 1 条） "
        "(node 'route': a choice needs at least 2 outgoing edges (has 1))"
    )


def test_choice_edge_without_condition() -> None:
    doc = choice_flow()
    del doc["edges"][4]["when"]
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_CHOICE", "/edges/4")]
    assert violations[0].message.startswith("连线 'route->up'：从条件分支 'route' 出发却没有条件")
    assert "(edge 'route->up': leaves choice 'route' without a condition" in violations[0].message


def test_at_most_one_default_and_no_condition_on_it() -> None:
    doc = choice_flow()
    doc["edges"][4]["default"] = True
    result = codes(validate_flow(doc))
    assert result == [("FLOW_CHOICE", "/edges/4/when"), ("FLOW_CHOICE", "/edges/5/default")]


def test_choice_without_default_is_fine_when_every_edge_has_a_condition() -> None:
    doc = choice_flow()
    doc["edges"][5] = {"from": "route", "to": "decide", "when": "form.amount <= 100000"}
    assert validate_flow(doc, form_fields={"amount"}) == []


def test_conditions_only_on_choice_edges() -> None:
    doc = parallel_flow()
    doc["edges"][0]["when"] = "true"
    doc["edges"][1]["default"] = True
    violations = validate_flow(doc)
    assert codes(violations) == [
        ("FLOW_CONDITION", "/edges/0/when"),
        ("FLOW_CONDITION", "/edges/1/default"),
    ]
    assert violations[0].message == (
        "连线 'start->receive'：带有条件，但起点 'start'（start）不是条件分支 "
        "(edge 'start->receive': has a condition but leaves 'start' (start), not a choice)"
    )


def test_condition_that_does_not_parse() -> None:
    doc = choice_flow()
    doc["edges"][4]["id"] = "route->up"
    doc["edges"][4]["when"] = "form.amount >> 100000"
    violations = validate_flow(doc)
    assert codes(violations) == [("FLOW_CONDITION", "/edges/4/when")]
    assert violations[0].message == (
        "连线 'route->up'：条件在第 14 列无法解析：expected a value, got '>' "
        "(edge 'route->up': condition does not parse at column 14: expected a value, got '>')"
    )


def test_conditions_read_only_known_form_fields() -> None:
    doc = choice_flow()
    doc["edges"][4]["when"] = "form.amount > 1 and applicant.age < 18 and form.secret"
    # applicant.age is nested below the field applicant
    assert validate_flow(doc, form_fields={"amount", "applicant", "secret"}) == []
    assert validate_flow(doc, form_fields={"form.amount", "applicant.age", "secret"}) == []
    violations = validate_flow(doc, form_fields={"amount"})
    assert codes(violations) == [("FLOW_CONDITION", "/edges/4/when")] * 2
    assert [v.message for v in violations] == [
        "连线 'route->up'：条件读取的表单字段 applicant.age 不存在 "
        "(edge 'route->up': condition reads unknown form field 'applicant.age')",
        "连线 'route->up'：条件读取的表单字段 secret 不存在 "
        "(edge 'route->up': condition reads unknown form field 'secret')",
    ]


# -- assignees, escalation, subflows -----------------------------------------------------


def test_task_role_must_be_a_step_role() -> None:
    doc = parallel_flow()
    doc["nodes"][2]["role"] = "boss"
    doc["nodes"][4]["role"] = "admin"
    violations = validate_flow(doc)
    assert codes(violations) == [
        ("FLOW_ASSIGNEE", "/nodes/2/role"),
        ("FLOW_ASSIGNEE", "/nodes/4/role"),
    ]
    assert violations[0].message == (
        "节点 'accept'：角色 'boss' 不是办理环节角色（clerk, reviewer, approver） "
        "(node 'accept': role 'boss' is not a step role (clerk, reviewer, approver))"
    )


def test_task_department_must_exist_when_departments_are_given() -> None:
    doc = parallel_flow()
    doc["nodes"][5]["department"] = "gone"
    assert validate_flow(doc) == []
    violations = validate_flow(doc, departments=DEPARTMENTS)
    assert codes(violations) == [("FLOW_ASSIGNEE", "/nodes/5/department")]
    assert violations[0].message == (
        "节点 'market'：部门 'gone' 不是本单位的部门 "
        "(node 'market': department 'gone' is not a department of this tenant)"
    )


@pytest.mark.parametrize(
    ("to", "tenant", "ok"),
    [
        ("city", Level.COUNTY, True),
        ("province", Level.COUNTY, True),
        ("county", Level.TOWNSHIP, True),
        ("nation", Level.PROVINCE, True),
        ("county", Level.COUNTY, False),
        ("county", Level.CITY, False),
        ("nation", Level.NATION, False),
    ],
)
def test_escalation_goes_above_the_tenant(to: str, tenant: Level, ok: bool) -> None:
    doc = choice_flow()
    doc["nodes"][5]["to"] = to
    violations = validate_flow(doc, tenant_level=tenant)
    assert codes(violations) == ([] if ok else [("FLOW_ESCALATE", "/nodes/5/to")])
    if not ok:
        assert violations[0].message == (
            f"节点 'up'：上报至{Level.parse(to).label}，不高于本单位所在的{tenant.label} "
            f"(node 'up': escalates to {to}, which is not above this {tenant.key} tenant)"
        )


def test_subflow_matter_must_be_known() -> None:
    doc = kinds_flow()
    assert validate_flow(doc, known_matters={"000131127004"}) == []
    violations = validate_flow(doc, known_matters={"000172111003"})
    assert codes(violations) == [("FLOW_SUBFLOW", "/nodes/4/matter")]
    assert violations[0].message == (
        "节点 'tax'：子流程事项 '000131127004' 不存在 "
        "(node 'tax': matter '000131127004' is not a known matter)"
    )


# -- time limits and procedure -----------------------------------------------------------


def test_critical_path_within_the_promised_limit() -> None:
    doc = parallel_flow()  # 0 + 1 + 5 (market) + 2 + 1 = 9 working days
    assert validate_flow(doc, promised_days=9) == []
    violations = validate_flow(doc, promised_days=8)
    assert codes(violations) == [("FLOW_CRITICAL_PATH", "")]
    path = "start -> receive -> accept -> split -> market -> join -> decide -> conclude -> end"
    assert violations[0].message == (
        f"流程关键路径 {path} 需 9 个工作日，超过承诺时限 8 个工作日 "
        f"(flow: the critical path {path} takes 9 working days, more than the promised 8)"
    )


def test_instant_matter_needs_zero_days_everywhere() -> None:
    doc = parallel_flow()
    violations = validate_flow(doc, promised_days=INSTANT)
    assert [p for _, p in codes(violations)] == [f"/nodes/{i}/days" for i in (2, 4, 5, 6, 8, 9)]
    assert violations[0].message == (
        "节点 'accept'：即办事项的每个环节时限须为 0，此处为 1 个工作日 "
        "(node 'accept': 1 working day(s) in an instant (即办) matter: every step takes 0)"
    )
    for n in doc["nodes"]:
        n.pop("days", None)
    assert validate_flow(doc, promised_days=INSTANT) == []


def test_procedure_checked_when_given() -> None:
    doc = parallel_flow()
    doc["edges"] = [e for e in doc["edges"] if e["from"] not in ("decide", "conclude")]
    doc["nodes"] = [n for n in doc["nodes"] if n["id"] != "conclude"]
    doc["edges"].append({"from": "decide", "to": "end"})
    assert validate_flow(doc) == []
    violations = validate_flow(doc, procedure=FULL)
    assert codes(violations) == [("PROCEDURE_STEP_MISSING", "/nodes/9")]
    too_many = validate_flow(parallel_flow(), procedure=Procedure(tuple(StepKind), 4))
    assert codes(too_many) == [("PROCEDURE_TOO_MANY_STEPS", "/nodes/10")]


# -- every problem at once ---------------------------------------------------------------


def test_every_problem_is_reported_sorted_and_named() -> None:
    doc = parallel_flow()
    doc["nodes"][2]["role"] = "boss"
    doc["nodes"][4]["days"] = -2
    doc["nodes"].append(task("orphan", "review", department="nowhere"))
    doc["edges"].append({"from": "orphan", "to": "end"})
    doc["edges"][0]["when"] = "((("
    doc["nodes"][7]["min"] = 9
    violations = validate_flow(doc, departments=DEPARTMENTS, promised_days=3, procedure=FULL)
    assert violations == sorted(violations)
    assert {v.code for v in violations} == {
        "FLOW_ASSIGNEE",
        "FLOW_DAYS",
        "FLOW_UNREACHABLE",
        "FLOW_CONDITION",
        "FLOW_JOIN_MIN",
        "FLOW_CRITICAL_PATH",
    }
    for v in violations:
        # Chinese first, naming the node, edge or flow; then the same in English
        assert v.message.startswith(("节点 '", "连线 '", "流程")), v
        assert any(f" ({what}" in v.message for what in ("node '", "edge '", "flow: ")), v


# -- the fast shape check agrees with jsonschema -----------------------------------------

_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 3),
    st.floats(-1, 3, allow_nan=False),
    st.sampled_from(
        ["", "x", "task", "city", "review", "clerk", "000131127004", "join", "township"]
    ),
    st.lists(st.integers(), max_size=1),
)
_keys = st.sampled_from(
    [
        "id",
        "kind",
        "name",
        "days",
        "step",
        "department",
        "role",
        "split",
        "min",
        "to",
        "matter",
        "system",
        "from",
        "when",
        "default",
        "zz",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    base=st.sampled_from([parallel_flow, choice_flow, kinds_flow]),
    where=st.sampled_from(["nodes", "edges"]),
    position=st.integers(0, 8),
    changes=st.lists(
        st.tuples(_keys, st.one_of(_values, st.just(KeyError))), min_size=1, max_size=3
    ),
)
def test_fast_check_never_accepts_what_jsonschema_rejects(
    base: Any, where: str, position: int, changes: list[tuple[str, Any]]
) -> None:
    doc = base()
    item = doc[where][position]
    for key, value in changes:
        if value is KeyError:
            item.pop(key, None)
        else:
            item[key] = value
    schema = flow_meta_schema()
    fast = compile_check(schema)(doc)
    exact = Draft202012Validator(schema).is_valid(doc)
    assert fast == exact, (item, fast, exact)


def test_fast_check_refuses_unknown_keywords() -> None:
    with pytest.raises(ValueError, match="contains"):
        compile_check({"type": "array", "contains": {"type": "string"}})
    assert not compile_check({"type": "array", "uniqueItems": True})([1, 1.0])
    assert compile_check({"additionalProperties": {"type": "integer"}})({"a": 1})
    assert not compile_check({"additionalProperties": {"type": "integer"}})({"a": "x"})


def test_validation_does_not_mutate_the_document() -> None:
    doc = parallel_flow()
    before = copy.deepcopy(doc)
    validate_flow(doc, **ALL_CONTEXT)
    assert doc == before
