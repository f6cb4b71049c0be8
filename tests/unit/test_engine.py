"""The flow interpreter (core/cases/engine.py): tokens, parallels, denials, choices, returns."""

from __future__ import annotations

import copy
import gc
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tongban.core.cases import engine
from tongban.core.cases.engine import (
    EngineError,
    FlowState,
    Outcome,
    Step,
    complete,
    return_to,
    start,
    waiting_nodes,
)
from tongban.core.errors import ErrorCode, TongbanError
from tongban.core.flows import FlowDef, parse_flow, validate_flow
from tongban.core.flows.flow_schema import flow_meta_schema
from tongban.core.flows.schema_check import compile_check

from .random_flows import Choice, FlowEmitter, Leaf, Par, Seq

ROOT = Path(__file__).resolve().parents[2]
YILAN = ROOT / "tenants/100000/230000/230100/230123/matters"
PASS, DENY = Outcome.PASS, Outcome.DENY


# -- builders ----------------------------------------------------------------------------


def task(node_id: str, step: str = "review") -> dict[str, Any]:
    return {"id": node_id, "kind": "task", "step": step, "department": "zwfw", "role": "clerk"}


def node(node_id: str, kind: str, **attrs: Any) -> dict[str, Any]:
    return {"id": node_id, "kind": kind, **attrs}


def edges(*pairs: str) -> list[dict[str, Any]]:
    """``edges("a>b", "b>c")`` → from/to edges."""
    return [dict(zip(("from", "to"), pair.split(">"), strict=True)) for pair in pairs]


def build(doc: dict[str, Any]) -> FlowDef:
    flow, violations = parse_flow(doc)
    assert flow is not None and violations == [], violations
    return flow


def load(name: str) -> dict[str, Any]:
    doc = yaml.safe_load((YILAN / f"{name}.implementation.yaml").read_text(encoding="utf-8"))
    flow: dict[str, Any] = doc["flow"]
    return flow


def linear_doc() -> dict[str, Any]:
    return {
        "nodes": [
            node("start", "start"),
            task("receive", "receive"),
            task("accept", "accept"),
            task("review"),
            task("decide", "decide"),
            node("end", "end"),
        ],
        "edges": edges("start>receive", "receive>accept", "accept>review", "review>decide")
        + edges("decide>end"),
    }


def three_way_doc(**join: Any) -> dict[str, Any]:
    """accept → split → tax / market / fire → join → decide → end."""
    return {
        "nodes": [
            node("start", "start"),
            task("accept", "accept"),
            node("split", "parallel"),
            task("tax"),
            task("market"),
            task("fire"),
            node("join", "join", split="split", **join),
            task("decide", "decide"),
            node("end", "end"),
        ],
        "edges": edges("start>accept", "accept>split", "split>tax", "split>market", "split>fire")
        + edges("tax>join", "market>join", "fire>join", "join>decide", "decide>end"),
    }


def nested_doc(**outer: Any) -> dict[str, Any]:
    """split → [inner → (x, y) → inner_join → z] and [w] → join → decide → end."""
    return {
        "nodes": [
            node("start", "start"),
            node("split", "parallel"),
            node("inner", "parallel"),
            task("x"),
            task("y"),
            node("inner_join", "join", split="inner"),
            task("z"),
            task("w"),
            node("join", "join", split="split", **outer),
            task("decide", "decide"),
            node("end", "end"),
        ],
        "edges": edges("start>split", "split>inner", "split>w", "inner>x", "inner>y")
        + edges("x>inner_join", "y>inner_join", "inner_join>z", "z>join", "w>join")
        + edges("join>decide", "decide>end"),
    }


def run(flow: FlowDef, *moves: tuple[str, Outcome], data: dict[str, Any] | None = None) -> Step:
    step = start(flow, data or {})
    for node_id, outcome in moves:
        step = complete(flow, step.state, node_id, outcome, data or {})
    return step


# -- linear flows --------------------------------------------------------------------------


def test_a_linear_flow_runs_to_its_end() -> None:
    flow = build(linear_doc())
    step = start(flow, {})
    assert step.state == FlowState(waiting=("receive",))
    assert (step.opened, step.completed, step.cancelled, step.passed) == (
        ("receive",),
        (),
        (),
        ("start",),
    )
    for current, following in [("receive", "accept"), ("accept", "review"), ("review", "decide")]:
        step = complete(flow, step.state, current, PASS, {})
        assert step.state.waiting == (following,) and step.opened == (following,)
        assert step.completed == (current,) and step.passed == () and not step.state.done
    step = complete(flow, step.state, "decide", PASS, {})
    assert step.state == FlowState(done=True)
    assert step.passed == ("end",) and step.opened == () and step.completed == ("decide",)
    assert waiting_nodes(flow, step.state) == []


def test_a_denial_outside_any_parallel_is_recorded_and_the_flow_continues() -> None:
    flow = build(linear_doc())
    step = run(flow, ("receive", PASS), ("accept", PASS), ("review", DENY))
    assert step.state.waiting == ("decide",) and step.state.denied == ("review",)
    step = complete(flow, step.state, "decide", DENY, {})
    assert step.state.done and step.state.denied == ("review", "decide")


def test_complete_on_a_node_that_is_not_waiting_is_an_engine_error() -> None:
    flow = build(linear_doc())
    step = start(flow, {})
    for node_id in ("accept", "start", "nowhere"):
        with pytest.raises(EngineError) as caught:
            complete(flow, step.state, node_id, PASS, {})
        assert caught.value.reason == "FLOW_NODE_NOT_WAITING"
        assert caught.value.render("en") == f"node {node_id} is not waiting"
        assert caught.value.code is ErrorCode.INVALID_STATE
        assert isinstance(caught.value, TongbanError)
        assert caught.value.data == {"node": node_id}
    done = run(flow, ("receive", PASS), ("accept", PASS), ("review", PASS), ("decide", PASS))
    with pytest.raises(EngineError) as caught:
        complete(flow, done.state, "decide", PASS, {})
    assert (caught.value.reason, caught.value.data) == ("FLOW_NODE_NOT_WAITING", {"node": "decide"})


def test_the_state_is_not_changed_by_a_step() -> None:
    flow = build(three_way_doc())
    first = run(flow, ("accept", PASS), ("tax", PASS))
    before = first.state.to_json()
    complete(flow, first.state, "market", PASS, {})
    return_to(flow, first.state, "accept")
    assert first.state.to_json() == before


# -- the demo joint flow (企业开办) -----------------------------------------------------------


SUBFLOWS = ("registration", "seal", "tax", "social")


def test_joint_flow_opens_four_subflows_at_once_and_joins_when_all_pass() -> None:
    flow = build(load("LH2300000001"))
    step = run(flow, ("receive", PASS))
    assert step.state.waiting == ("accept",)
    step = complete(flow, step.state, "accept", PASS, {})
    assert step.opened == SUBFLOWS and step.state.waiting == SUBFLOWS
    assert step.passed == ("split",)
    assert [n.kind for n in waiting_nodes(flow, step.state)] == ["subflow"] * 4
    for done, node_id in enumerate(("tax", "registration", "social"), start=1):
        step = complete(flow, step.state, node_id, PASS, {})
        assert step.opened == () and step.passed == () and step.cancelled == ()
        assert len(step.state.arrived["join"]) == done
    assert step.state.arrived == {"join": ("registration", "tax", "social")}  # document order
    assert step.state.waiting == ("seal",)
    step = complete(flow, step.state, "seal", PASS, {})
    assert step.passed == ("join",) and step.opened == ("conclude",)
    assert step.state == FlowState(waiting=("conclude",))
    step = complete(flow, step.state, "conclude", PASS, {})
    assert step.state.done and step.passed == ("end",)


def test_a_denial_in_a_parallel_short_circuits_the_join() -> None:
    flow = build(load("LH2300000001"))
    step = run(flow, ("receive", PASS), ("accept", PASS), ("seal", PASS))
    step = complete(flow, step.state, "tax", DENY, {})
    assert step.cancelled == ("registration", "social")
    assert step.passed == ("join",) and step.opened == ("conclude",)
    assert step.state == FlowState(waiting=("conclude",), denied=("tax",))
    with pytest.raises(EngineError, match="^节点 social 不在等待中$"):
        complete(flow, step.state, "social", PASS, {})
    assert complete(flow, step.state, "conclude", PASS, {}).state.done


def test_on_deny_continue_counts_the_denial_as_an_arrival() -> None:
    doc = load("LH2300000001")
    doc["nodes"][8]["on_deny"] = "continue"
    flow = build(doc)
    assert flow.node("join").on_deny == "continue"
    step = run(flow, ("receive", PASS), ("accept", PASS))
    step = complete(flow, step.state, "tax", DENY, {})
    assert step.cancelled == () and step.passed == () and step.opened == ()
    assert step.state.arrived == {"join": ("tax",)} and step.state.denied == ("tax",)
    assert step.state.waiting == ("registration", "seal", "social")
    for node_id in ("registration", "seal"):
        step = complete(flow, step.state, node_id, PASS, {})
    step = complete(flow, step.state, "social", DENY, {})
    assert step.passed == ("join",) and step.opened == ("conclude",)
    assert step.state.denied == ("tax", "social")


def test_on_deny_continue_ends_the_denied_branch_at_once() -> None:
    """split → a → b → join and → c → join: a denied skips b and arrives for b's branch."""
    doc = {
        "nodes": [
            node("start", "start"),
            node("split", "parallel"),
            task("a"),
            task("b"),
            task("c"),
            node("join", "join", split="split", on_deny="continue"),
            node("end", "end"),
        ],
        "edges": edges("start>split", "split>a", "split>c", "a>b", "b>join", "c>join")
        + edges("join>end"),
    }
    flow = build(doc)
    step = run(flow, ("a", DENY))
    assert step.opened == () and step.state.waiting == ("c",)
    assert step.state.arrived == {"join": ("b",)}
    step = complete(flow, step.state, "c", PASS, {})
    assert step.state.done and step.passed == ("join", "end")


def test_an_n_of_m_join_cancels_the_remaining_branch() -> None:
    flow = build(three_way_doc(min=2))
    step = run(flow, ("accept", PASS), ("fire", PASS))
    assert step.state.arrived == {"join": ("fire",)}
    step = complete(flow, step.state, "tax", PASS, {})
    assert step.cancelled == ("market",) and step.opened == ("decide",)
    assert step.passed == ("join",)
    assert step.state == FlowState(waiting=("decide",))
    with pytest.raises(EngineError, match="^节点 market 不在等待中$"):
        complete(flow, step.state, "market", PASS, {})


def test_an_n_of_m_join_with_on_deny_continue_counts_denials() -> None:
    flow = build(three_way_doc(min=2, on_deny="continue"))
    step = run(flow, ("accept", PASS), ("market", DENY), ("fire", DENY))
    assert step.cancelled == ("tax",) and step.state.waiting == ("decide",)
    assert step.state.denied == ("market", "fire")


def test_an_empty_branch_arrives_at_once_and_a_one_of_m_join_fires_at_the_split() -> None:
    doc = three_way_doc(min=1)
    doc["edges"] = [e for e in doc["edges"] if e["to"] != "fire" and e["from"] != "fire"]
    doc["edges"].append({"from": "split", "to": "join"})
    doc["nodes"] = [n for n in doc["nodes"] if n["id"] != "fire"]
    flow = build(doc)
    step = run(flow, ("accept", PASS))
    # the tokens for tax and market were opened and cancelled in the same call: neither
    assert step.opened == ("decide",) and step.cancelled == ()
    assert step.passed == ("split", "join") and step.state == FlowState(waiting=("decide",))


# -- nested parallels --------------------------------------------------------------------------


def test_nested_parallels_join_inside_out() -> None:
    flow = build(nested_doc())
    step = start(flow, {})
    assert step.opened == ("x", "y", "w") and step.passed == ("start", "split", "inner")
    step = complete(flow, step.state, "w", PASS, {})
    assert step.state.arrived == {"join": ("w",)}
    step = complete(flow, step.state, "y", PASS, {})
    assert step.state.arrived == {"inner_join": ("y",), "join": ("w",)}
    step = complete(flow, step.state, "x", PASS, {})
    assert step.passed == ("inner_join",) and step.opened == ("z",)
    assert step.state.arrived == {"join": ("w",)}
    step = complete(flow, step.state, "z", PASS, {})
    assert step.passed == ("join",) and step.state == FlowState(waiting=("decide",))


def test_a_denial_in_a_nested_parallel_short_circuits_outwards() -> None:
    flow = build(nested_doc())
    step = run(flow, ("y", PASS), ("x", DENY))
    assert step.cancelled == ("w",) and step.passed == ("inner_join", "join")
    assert step.state == FlowState(waiting=("decide",), denied=("x",))


def test_a_denial_in_a_nested_parallel_stops_at_an_on_deny_continue_join() -> None:
    flow = build(nested_doc(on_deny="continue"))
    step = run(flow, ("x", DENY))
    # the inner join fired (y cancelled), z skipped, the outer join counts z's branch
    assert step.cancelled == ("y",) and step.passed == ("inner_join",)
    assert step.state == FlowState(waiting=("w",), arrived={"join": ("z",)}, denied=("x",))
    step = complete(flow, step.state, "w", PASS, {})
    assert step.state == FlowState(waiting=("decide",), denied=("x",))


def test_an_outer_join_firing_cancels_nested_branches_and_forgets_their_arrivals() -> None:
    flow = build(nested_doc(min=1))
    step = run(flow, ("x", PASS), ("w", PASS))
    assert step.cancelled == ("y",) and step.passed == ("join",)
    assert step.state == FlowState(waiting=("decide",))


# -- choices ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "branch"),
    [
        ({"storeType": "连锁门店"}, "review_chain"),
        ({"storeType": "单体门店"}, "review_full"),
        ({}, "review_full"),
        ({"storeType": 3}, "review_full"),  # comparing a number with a string is false
    ],
)
def test_a_choice_takes_the_first_true_condition_else_the_default(
    data: dict[str, Any], branch: str
) -> None:
    flow = build(load("000172111003"))
    step = run(flow, ("receive", PASS), data=data)
    step = complete(flow, step.state, "accept", PASS, data)
    assert step.passed == ("route",) and step.state.waiting == (branch,)
    step = complete(flow, step.state, branch, PASS, data)
    assert step.state.waiting == ("decide",)


def test_choice_conditions_are_tried_in_document_order_and_compare_safely() -> None:
    doc = load("000172111003")
    doc["edges"] = [e for e in doc["edges"] if e["from"] != "route"] + [
        {"from": "route", "to": "review_full", "when": "form.area > 500"},
        {"from": "route", "to": "review_chain", "when": "storeType == '连锁门店' or exists(chain)"},
    ]
    flow = build(doc)

    def branch(data: dict[str, Any]) -> tuple[str, ...]:
        return run(flow, ("receive", PASS), ("accept", PASS), data=data).state.waiting

    assert branch({"area": 800, "storeType": "连锁门店"}) == ("review_full",)
    assert branch({"area": "800", "storeType": "连锁门店"}) == ("review_chain",)
    assert branch({"area": 80.5, "chain": {"id": 1}}) == ("review_chain",)
    with pytest.raises(EngineError) as caught:
        branch({"area": 10})
    assert (caught.value.reason, caught.value.data) == ("FLOW_NO_ROUTE", {"node": "route"})
    assert caught.value.message == "节点 route：没有条件成立，也没有默认连线"


def test_a_condition_that_does_not_parse_fails_when_the_choice_is_reached() -> None:
    doc = load("000172111003")
    next(e for e in doc["edges"] if "when" in e)["when"] = "form.storeType = 'x'"
    flow = build(doc)  # parse_flow does not check conditions; validate_flow does
    step = start(flow, {})
    with pytest.raises(EngineError) as caught:
        complete(flow, complete(flow, step.state, "receive", PASS, {}).state, "accept", PASS, {})
    assert caught.value.reason == "FLOW_CONDITION_UNPARSED"
    assert caught.value.data["node"] == "route"
    assert caught.value.data["edge"].startswith("route->review_")


# -- escalation ----------------------------------------------------------------------------


def test_an_escalate_node_waits_for_the_parent_levels_result() -> None:
    flow = build(load("HLXK00000201"))
    step = run(flow, ("receive", PASS), ("accept", PASS), ("review", PASS))
    assert step.opened == ("up",) and step.state.waiting == ("up",)
    assert [n.kind for n in waiting_nodes(flow, step.state)] == ["escalate"]
    step = complete(flow, step.state, "up", DENY, {})
    assert step.state == FlowState(waiting=("conclude",), denied=("up",))


def test_external_nodes_wait_too() -> None:
    doc = linear_doc()
    doc["nodes"][3] = node("review", "external", system="金税三期")
    flow = build(doc)
    step = run(flow, ("receive", PASS), ("accept", PASS))
    assert step.opened == ("review",) and waiting_nodes(flow, step.state)[0].kind == "external"


# -- return (退回) ----------------------------------------------------------------------------


def test_return_to_an_earlier_step_reopens_it() -> None:
    flow = build(linear_doc())
    step = run(flow, ("receive", PASS), ("accept", PASS), ("review", DENY))
    back = return_to(flow, step.state, "accept")
    assert back.opened == ("accept",) and back.cancelled == ("decide",)
    assert back.completed == () and back.passed == ()
    assert back.state == FlowState(waiting=("accept",), denied=("review",))
    again = complete(flow, back.state, "accept", PASS, {})
    assert again.state.waiting == ("review",)


def test_return_to_a_later_unrelated_or_non_task_node_is_an_engine_error() -> None:
    flow = build(load("000172111003"))
    step = run(flow, ("receive", PASS), ("accept", PASS), data={"storeType": "连锁门店"})
    assert step.state.waiting == ("review_chain",)
    earlier = {"waiting": ["review_chain"]}
    cases: dict[str, tuple[str, dict[str, Any]]] = {
        "decide": ("FLOW_RETURN_NOT_EARLIER", earlier),
        "review_full": ("FLOW_RETURN_NOT_EARLIER", earlier),
        "review_chain": ("FLOW_RETURN_TO_WAITING", {}),
        "route": ("FLOW_RETURN_TARGET_NOT_TASK", {}),
        "start": ("FLOW_RETURN_TARGET_NOT_TASK", {}),
        "missing": ("FLOW_RETURN_TARGET_NOT_TASK", {}),
    }
    for target, (reason, data) in cases.items():
        with pytest.raises(EngineError) as caught:
            return_to(flow, step.state, target)
        assert (caught.value.reason, caught.value.data) == (reason, {"node": target, **data})
    done = step
    for node_id in ("review_chain", "decide", "conclude"):
        done = complete(flow, done.state, node_id, PASS, {})
    assert done.state.done
    with pytest.raises(EngineError) as caught:
        return_to(flow, done.state, "accept")
    assert caught.value.reason == "FLOW_RETURN_NOTHING_WAITING"


def test_return_before_a_parallel_cancels_every_branch_and_forgets_arrivals() -> None:
    flow = build(load("LH2300000001"))
    step = run(flow, ("receive", PASS), ("accept", PASS), ("tax", PASS), ("seal", PASS))
    back = return_to(flow, step.state, "receive")
    assert back.cancelled == ("registration", "social")
    assert back.state == FlowState(waiting=("receive",))
    step = run(flow, ("receive", PASS), ("accept", PASS), ("tax", PASS))
    with pytest.raises(EngineError) as caught:
        return_to(flow, step.state, "conclude")
    assert caught.value.reason == "FLOW_RETURN_NOT_EARLIER"
    assert caught.value.data == {"node": "conclude", "waiting": ["registration", "seal", "social"]}


def test_return_inside_a_parallel_keeps_the_other_branches_arrivals() -> None:
    doc = three_way_doc()
    doc["nodes"].insert(4, task("tax2"))
    doc["edges"] = [e for e in doc["edges"] if e != {"from": "tax", "to": "join"}]
    doc["edges"] += edges("tax>tax2", "tax2>join")
    flow = build(doc)
    step = run(flow, ("accept", PASS), ("tax", PASS), ("market", PASS), ("fire", PASS))
    assert step.state.waiting == ("tax2",)
    back = return_to(flow, step.state, "tax")
    assert back.state == FlowState(waiting=("tax",), arrived={"join": ("market", "fire")})
    step = run(flow, ("accept", PASS), ("tax", PASS))
    with pytest.raises(EngineError) as caught:
        return_to(flow, step.state, "tax")
    assert caught.value.reason == "FLOW_RETURN_NOT_EARLIER"
    assert caught.value.data == {"node": "tax", "waiting": ["market", "fire"]}
    step = complete(flow, back.state, "tax", PASS, {})
    step = complete(flow, step.state, "tax2", PASS, {})
    assert step.passed == ("join",) and step.state.waiting == ("decide",)


def test_return_into_a_parallel_that_already_joined_reruns_only_that_branch() -> None:
    flow = build(nested_doc(on_deny="continue"))
    step = run(flow, ("x", PASS), ("y", DENY), ("w", PASS))
    assert step.state == FlowState(waiting=("decide",), denied=("y",))
    back = return_to(flow, step.state, "y")
    # both joins fired: the other branches (x; w) count as arrived, y's branch runs again
    assert back.cancelled == ("decide",) and back.opened == ("y",)
    assert back.state.arrived == {"inner_join": ("x",), "join": ("w",)}
    step = complete(flow, back.state, "y", PASS, {})
    assert step.passed == ("inner_join",) and step.state.waiting == ("z",)
    step = complete(flow, step.state, "z", PASS, {})
    assert step.passed == ("join",) and step.state == FlowState(("decide",), {}, ("y",))


def test_return_into_a_fired_n_of_m_join_needs_only_the_returned_branch() -> None:
    flow = build(three_way_doc(min=2))
    step = run(flow, ("accept", PASS), ("tax", PASS), ("fire", PASS))
    back = return_to(flow, step.state, "market")  # the branch the join cancelled
    assert back.state == FlowState(waiting=("market",), arrived={"join": ("tax",)})
    assert complete(flow, back.state, "market", PASS, {}).state.waiting == ("decide",)


# -- malformed flows fail loudly -------------------------------------------------------------


def test_a_branch_reaching_an_end_while_others_wait_is_an_engine_error() -> None:
    doc = three_way_doc()
    doc["nodes"].append(node("end2", "end"))
    doc["edges"] = [e for e in doc["edges"] if e != {"from": "fire", "to": "join"}]
    doc["edges"] += edges("fire>end2")
    flow = build(doc)
    step = run(flow, ("accept", PASS))
    with pytest.raises(EngineError) as caught:
        complete(flow, step.state, "fire", PASS, {})
    assert caught.value.reason == "FLOW_END_WHILE_WAITING"
    assert caught.value.data == {"node": "end2", "waiting": ["tax", "market"]}
    assert caught.value.message == "到达结束节点 end2 时 tax、market 仍在等待"


def test_branches_merging_before_their_join_is_an_engine_error() -> None:
    """split → tax / market → merge → join: not a balanced join (validate_flow refuses it)."""
    doc = {
        "nodes": [
            node("start", "start"),
            task("accept", "accept"),
            node("split", "parallel"),
            task("tax"),
            task("market"),
            task("merge"),
            node("join", "join", split="split"),
            node("end", "end"),
        ],
        "edges": edges("start>accept", "accept>split", "split>tax", "split>market", "tax>merge")
        + edges("market>merge", "merge>join", "join>end"),
    }
    assert [(v.code, v.pointer) for v in validate_flow(doc)] == [
        ("FLOW_PARALLEL_MERGE", "/nodes/5")
    ]
    flow = build(doc)
    step = run(flow, ("accept", PASS), ("tax", PASS))
    with pytest.raises(EngineError) as caught:
        complete(flow, step.state, "market", PASS, {})
    assert caught.value.reason == "FLOW_REACHED_WHILE_WAITING"
    assert caught.value.data == {"node": "merge", "source": "market"}


@pytest.mark.parametrize(
    ("change", "reason", "data"),
    [
        (
            lambda d: d["nodes"][6].update(split="accept"),
            "FLOW_JOIN_SPLIT_NOT_PARALLEL",
            {"node": "join", "split": "accept"},
        ),
        (
            lambda d: d["nodes"][6].update(min=4),
            "FLOW_JOIN_MIN_OUT_OF_RANGE",
            {"node": "join", "min": 4, "branches": 3},
        ),
        (lambda d: d["edges"].append({"from": "decide", "to": "accept"}), "FLOW_HAS_CYCLE", {}),
        (lambda d: d["nodes"].__setitem__(0, node("start", "task")), "FLOW_WITHOUT_START", {}),
    ],
)
def test_flows_the_engine_cannot_interpret_are_refused(
    change: Any, reason: str, data: dict[str, Any]
) -> None:
    doc = three_way_doc()
    change(doc)
    flow, _ = parse_flow(doc)
    assert flow is not None
    with pytest.raises(EngineError) as caught:
        start(flow, {})
    assert (caught.value.reason, caught.value.data) == (reason, data)


# -- state -----------------------------------------------------------------------------------


def test_flow_state_round_trips_through_json() -> None:
    flow = build(nested_doc(on_deny="continue"))
    state = run(flow, ("y", PASS), ("w", DENY)).state
    data = json.loads(json.dumps(state.to_json()))
    assert data == {
        "waiting": ["x"],
        "arrived": {"inner_join": ["y"], "join": ["w"]},
        "denied": ["w"],
        "done": False,
    }
    again = FlowState.from_json(data)
    assert again == state and hash(again) == hash(state)
    assert FlowState.from_json({}) == FlowState()
    assert FlowState.from_json(FlowState(done=True).to_json()) == FlowState(done=True)
    assert complete(flow, again, "x", PASS, {}).state.waiting == ("z",)


def test_flow_state_is_read_only() -> None:
    state = FlowState(waiting=("a",), arrived={"j": ["b"]})
    assert state.arrived == {"j": ("b",)}
    with pytest.raises(TypeError):
        state.arrived["j"] = ()  # type: ignore[index]
    with pytest.raises(AttributeError):
        state.done = True  # type: ignore[misc]


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"waiting": "a"},
        {"waiting": [1]},
        {"waiting": [""]},
        {"arrived": []},
        {"arrived": {"j": "a"}},
        {"denied": None},
        {"done": "yes"},
    ],
)
def test_malformed_flow_state_json_is_an_engine_error(data: Any) -> None:
    with pytest.raises(EngineError) as caught:
        FlowState.from_json(data)
    assert caught.value.reason == "FLOW_STATE_INVALID"
    assert caught.value.message.startswith("流程状态无效：")


def test_waiting_nodes_are_in_document_order_and_must_exist() -> None:
    flow = build(load("LH2300000001"))
    state = FlowState(waiting=("social", "registration"))
    assert [n.id for n in waiting_nodes(flow, state)] == ["registration", "social"]
    with pytest.raises(EngineError) as caught:
        waiting_nodes(flow, FlowState(waiting=("ghost",)))
    assert (caught.value.reason, caught.value.data) == ("FLOW_UNKNOWN_NODE", {"node": "ghost"})
    with pytest.raises(EngineError) as caught:
        complete(flow, FlowState(waiting=("ghost",)), "ghost", PASS, {})
    assert (caught.value.reason, caught.value.data) == ("FLOW_UNKNOWN_NODE", {"node": "ghost"})


def test_plans_are_cached_per_flow_object_and_dropped_with_it() -> None:
    flow = build(linear_doc())
    start(flow, {})
    key = id(flow)
    plan = engine._PLANS[key][1]
    start(flow, {})
    assert engine._PLANS[key][1] is plan
    del flow
    gc.collect()
    assert key not in engine._PLANS or engine._PLANS[key][1] is not plan


# -- on_deny in the meta-schema ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "value", "valid"),
    [
        (6, "continue", True),
        (6, "deny", True),
        (6, "stop", False),
        (6, True, False),
        (3, "continue", False),  # only joins take on_deny
        (2, "deny", False),
    ],
)
def test_on_deny_is_a_join_key_and_the_fast_check_agrees(
    where: int, value: Any, valid: bool
) -> None:
    doc = three_way_doc()
    doc["nodes"][where]["on_deny"] = value
    schema = flow_meta_schema()
    assert Draft202012Validator(schema).is_valid(doc) is valid
    assert compile_check(schema)(doc) is valid
    assert (validate_flow(doc) == []) is valid
    if not valid:
        assert [v.code for v in validate_flow(doc)] == ["FLOW_SHAPE"]


# -- random flows ------------------------------------------------------------------------------


def _blocks() -> st.SearchStrategy[Any]:
    leaf = st.builds(Leaf, st.sampled_from(["task", "task", "external", "subflow"]))

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        branches = st.lists(inner, min_size=2, max_size=3).map(tuple)
        return st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda parts: Seq(tuple(parts))),
            st.builds(
                lambda bs, m, d: Par(bs, min(m, len(bs)) if m else None, d),
                branches,
                st.one_of(st.none(), st.integers(1, 3)),
                st.sampled_from([None, "deny", "continue"]),
            ),
            st.builds(Choice, branches, st.booleans()),
        )

    return st.recursive(leaf, extend, max_leaves=12)


def random_doc(block: Any) -> dict[str, Any]:
    return FlowEmitter(lambda i: {"when": f"form.c == {i}"}).document(block)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block=_blocks(), draw=st.data())
def test_random_flows_always_terminate(block: Any, draw: st.DataObject) -> None:
    doc = random_doc(block)
    assert validate_flow(copy.deepcopy(doc)) == []
    flow = build(doc)
    data = {"c": draw.draw(st.integers(0, 2), label="c")}
    waiting_kinds = {"task", "external", "subflow", "escalate"}
    budget = sum(1 for n in flow.nodes if n.kind in waiting_kinds)
    returns = draw.draw(st.integers(0, 2), label="returns")
    try:
        step = start(flow, data)
    except EngineError as error:  # only a choice with no default and no match may stop
        assert error.reason == "FLOW_NO_ROUTE"
        return
    moves = 0
    while not step.state.done:
        state = step.state
        assert state.waiting, "a case that is not done waits on something"
        targets = sorted(
            n.id
            for n in flow.nodes
            if n.kind == "task"
            and n.id not in state.waiting
            and set(state.waiting) <= nx.descendants(flow.graph, n.id)
        )
        if returns and targets and draw.draw(st.booleans(), label="return?"):
            returns -= 1
            target = draw.draw(st.sampled_from(targets), label="target")
            step = return_to(flow, state, target)
            budget += sum(1 for n in nx.descendants(flow.graph, target) if n in flow.by_id) + 1
        else:
            node_id = draw.draw(st.sampled_from(state.waiting), label="node")
            outcome = draw.draw(st.sampled_from(list(Outcome)), label="outcome")
            try:
                step = complete(flow, state, node_id, outcome, data)
            except EngineError as error:
                assert error.reason == "FLOW_NO_ROUTE"
                return
            assert step.completed == (node_id,)
            assert node_id not in step.state.waiting
        new = step.state
        assert set(step.cancelled) <= set(state.waiting)
        assert not set(step.cancelled) & set(new.waiting), "waiting and cancelled"
        assert not set(step.opened) & set(state.waiting)
        assert set(step.opened) <= set(new.waiting)
        assert set(new.waiting) == (
            set(state.waiting) - set(step.completed) - set(step.cancelled)
        ) | set(step.opened)
        indexes = [flow.node(n).index for n in new.waiting]
        assert indexes == sorted(indexes)
        assert FlowState.from_json(json.loads(json.dumps(new.to_json()))) == new
        for join, sources in new.arrived.items():
            assert flow.node(join).kind == "join" and set(sources) <= set(flow.predecessors[join])
        moves += 1
        assert moves <= budget, "the flow did not terminate"
    assert step.state.waiting == () and step.state.arrived == {}
    assert step.passed[-1] == "end"
