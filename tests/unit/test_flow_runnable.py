"""validate_flow against the engine: a flow it accepts runs, whatever order steps finish in.

Random small flows are built from blocks (sequences, parallels, choices) and then bent by a
few extra edges (a choice or split jumping ahead), which makes branches meet, cross or
escape. For every flow ``validate_flow`` accepts, every order of completing the waiting
nodes — each with 通过 or 不通过 — runs to an end without ``EngineError``. And a flow refused
for nothing but ``FLOW_PARALLEL_MERGE`` does fail in the engine (or stall) for some data and
order: the rule refuses no flow the engine runs, short of the n-of-m joins of
``may_fire_early``.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from collections import deque
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tongban.core.cases.engine import EngineError, FlowState, Outcome, complete, start
from tongban.core.flows import FlowDef, parse_flow, validate_flow

from .random_flows import Choice, FlowEmitter, Leaf, Par, Seq

# -- random flows --------------------------------------------------------------------------


def _blocks() -> st.SearchStrategy[Any]:
    leaf = st.builds(Leaf, st.sampled_from(["task", "task", "external"]))

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        branches = st.lists(inner, min_size=2, max_size=3).map(tuple)

        def parallel(bs: tuple[Any, ...], empty: int, least: int | None, on_deny: Any) -> Par:
            bs = (*bs[:empty], None, *bs[empty:]) if empty < len(bs) else bs
            return Par(bs, min(least, len(bs)) if least else None, on_deny)

        return st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda parts: Seq(tuple(parts))),
            st.builds(
                parallel,
                branches,
                st.integers(0, 4),  # where an empty branch goes, if anywhere
                st.one_of(st.none(), st.integers(1, 3)),
                st.sampled_from([None, "continue"]),
            ),
            st.builds(Choice, branches, st.booleans()),
        )

    return st.recursive(leaf, extend, max_leaves=7)


def random_doc(block: Any, bends: list[tuple[int, int]]) -> dict[str, Any]:
    """The block's flow, then one extra edge per bend (source, later target; by position
    among the nodes that can take one): a task becomes a choice for it."""
    doc = FlowEmitter(lambda _: {"when": "c"}).document(block)
    for source_at, target_at in bends:
        sources = [n for n in doc["nodes"] if n["kind"] in ("task", "choice", "parallel")]
        if not sources:
            break
        source = sources[source_at % len(sources)]
        position = doc["nodes"].index(source)  # emitted in a topological order
        taken = {e["to"] for e in doc["edges"] if e["from"] == source["id"]}
        targets = [n["id"] for n in doc["nodes"][position + 1 :] if n["id"] not in taken]
        if not targets:
            continue
        extra: dict[str, Any] = {"from": source["id"], "to": targets[target_at % len(targets)]}
        if source["kind"] == "task":
            source.clear()
            source.update(id=extra["from"], kind="choice")
            for edge in doc["edges"]:
                if edge["from"] == extra["from"]:
                    edge["default"] = True
        if source["kind"] == "choice":
            extra["when"] = "c"
        doc["edges"].append(extra)
    return doc


def choice_fields(doc: dict[str, Any]) -> dict[str, int]:
    """Give each choice its own field: edge i of choice x is taken when ``form.x == i``
    (the default edge otherwise). Returns each choice's number of ways out."""
    ways: dict[str, int] = {}
    for node in doc["nodes"]:
        if node["kind"] == "choice":
            out = [e for e in doc["edges"] if e["from"] == node["id"]]
            for i, edge in enumerate(e for e in out if not e.get("default")):
                edge["when"] = f"form.{node['id']} == {i}"
            ways[node["id"]] = len(out)
    return ways


DATA_LIMIT = 32


def every_data(ways: dict[str, int]) -> Iterator[dict[str, int]]:
    """Form data sending each choice each of its ways (the first DATA_LIMIT combinations)."""
    combos = itertools.product(*(range(n) for n in ways.values()))
    for values in itertools.islice(combos, DATA_LIMIT):
        yield dict(zip(ways, values, strict=True))


def first_engine_error(flow: FlowDef, data: dict[str, Any], outcomes: list[Outcome]) -> str | None:
    """Run the flow in every order the waiting nodes can be completed, each with each of
    ``outcomes``; the first ``EngineError`` (None: every run reached an end)."""
    try:
        step = start(flow, data)
    except EngineError as error:
        return error.render("en")
    seen: set[str] = set()
    todo: deque[FlowState] = deque([step.state])
    while todo:
        state = todo.popleft()
        key = json.dumps(state.to_json(), sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        if state.done:
            continue
        if not state.waiting:
            return f"stuck: nothing waits in {key}"
        for node_id in state.waiting:
            for outcome in outcomes:
                try:
                    todo.append(complete(flow, state, node_id, outcome, data).state)
                except EngineError as error:
                    return f"{error.render('en')} (completing {node_id} {outcome} in {key})"
    return None


# -- the property --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    block=_blocks(),
    bends=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=2),
)
def test_every_flow_validate_flow_accepts_runs_in_the_engine(
    block: Any, bends: list[tuple[int, int]]
) -> None:
    doc = random_doc(block, bends)
    ways = choice_fields(doc)
    violations = validate_flow(copy.deepcopy(doc))
    flow, _ = parse_flow(doc)
    assert flow is not None
    codes = {v.code for v in violations}
    event("accepted" if not codes else "refused: " + ", ".join(sorted(codes)))
    if not violations:
        for data in every_data(ways):
            for outcomes in ([Outcome.PASS], [Outcome.PASS, Outcome.DENY]):
                error = first_engine_error(flow, data, outcomes)
                assert error is None, (error, data, doc)
    elif codes == {"FLOW_PARALLEL_MERGE"} and not may_fire_early(flow):
        if math.prod(ways.values()) <= DATA_LIMIT:  # every way through every choice is tried
            errors = (first_engine_error(flow, data, [Outcome.PASS]) for data in every_data(ways))
            assert any(errors), ("refused, but the engine runs it", violations, doc)


AUTOMATIC = frozenset({"parallel", "join", "choice"})


def may_fire_early(flow: FlowDef) -> bool:
    """Some n-of-m join can fire before a single waiting node of its region completes:
    ``min`` of its split's branches can reach it through automatic nodes alone.

    Firing cancels the region, so branches meeting in it may never run into each other.
    validate_flow lets only the plain case through (``min`` empty split → join branches,
    where nothing of the region ever runs) and refuses a meeting in the others, where
    whether the join wins the race depends on the order tokens move in; the converse is
    not asserted for them.
    """
    for join in flow.of_kind("join"):
        if join.min is None or join.split is None:
            continue
        early = 0
        for first in flow.successors[join.split]:
            seen, todo = {first}, [first]
            while todo:
                node_id = todo.pop()
                if node_id == join.id:
                    early += 1
                    break
                if flow.node(node_id).kind in AUTOMATIC:
                    todo.extend(n for n in flow.successors[node_id] if n not in seen)
                    seen.update(flow.successors[node_id])
        if early >= join.min:
            return True
    return False


def test_the_refused_shape_fails_in_the_engine_and_its_fix_runs() -> None:
    """split → a / b → m → join: refused, and the engine opens m twice; a join first runs."""
    task = {"kind": "task", "step": "review", "department": "zwfw", "role": "clerk"}
    merged = {
        "nodes": [
            {"id": "start", "kind": "start"},
            {"id": "split", "kind": "parallel"},
            {"id": "a", **task},
            {"id": "b", **task},
            {"id": "m", **task},
            {"id": "join", "kind": "join", "split": "split"},
            {"id": "end", "kind": "end"},
        ],
        "edges": [
            {"from": "start", "to": "split"},
            {"from": "split", "to": "a"},
            {"from": "split", "to": "b"},
            {"from": "a", "to": "m"},
            {"from": "b", "to": "m"},
            {"from": "m", "to": "join"},
            {"from": "join", "to": "end"},
        ],
    }
    assert [(v.code, v.pointer) for v in validate_flow(merged)] == [
        ("FLOW_PARALLEL_MERGE", "/nodes/4")
    ]
    flow, _ = parse_flow(merged)
    assert flow is not None
    assert "node m: reached from b while already waiting" in (
        first_engine_error(flow, {}, [Outcome.PASS]) or ""
    )
    fixed = copy.deepcopy(merged)
    fixed["edges"][3:6] = [
        {"from": "a", "to": "join"},
        {"from": "b", "to": "join"},
        {"from": "join", "to": "m"},
    ]
    fixed["edges"][-1] = {"from": "m", "to": "end"}
    assert validate_flow(fixed) == []
    flow, _ = parse_flow(fixed)
    assert flow is not None
    assert first_engine_error(flow, {}, [Outcome.PASS, Outcome.DENY]) is None
