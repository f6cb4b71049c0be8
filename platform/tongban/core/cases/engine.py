"""The flow interpreter: where a case stands in its flow, and how a step moves it on.

Pure functions over a parsed ``FlowDef`` (DESIGN.md §5–§6): no I/O, no clock. The services
persist ``FlowState`` (``to_json``/``from_json``) after every ``Step`` and act on what the
step reports (open a task, create the escalation child case, spawn a sub-case, cancel work).

Semantics
---------
- **Tokens.** ``start`` puts one token on the start node; a token runs through automatic
  nodes (``start``, ``parallel``, ``join``, ``choice``, ``end``) in the same call and rests
  on a *waiting* node (``task``, ``external``, ``escalate``, ``subflow``), which goes into
  ``FlowState.waiting`` and ``Step.opened``. ``complete(node, outcome)`` takes the token off
  that node and moves it along the node's single outgoing edge.
- **Parallel.** A split sends one token down each outgoing edge (a *branch*). Its join records
  which incoming-edge source each branch arrived from (``FlowState.arrived``) and fires when
  ``min`` branches have arrived (default: all the split's branches — the count validation
  checks ``min`` against; a choice inside a branch may give the join more incoming edges
  than branches). Firing cancels every node still waiting in the split's *region* (nodes
  reachable from the split that reach the join, nested regions included), forgets the
  arrivals of joins inside it and drops tokens still in flight towards it: a cancelled branch
  can never arrive late.
- **Denial (不通过).** A node completed with ``DENY`` is appended to ``FlowState.denied``.
  Outside any parallel region the flow simply continues (the decide step reads ``denied``).
  Inside one, the branch ends at once and the innermost enclosing join is told: by default
  (``on_deny: deny``) the join fires immediately — the other branches are cancelled — and
  the denial carries on outwards as the whole region's denial (to the next enclosing join,
  which treats it the same way); once outside every region the case continues past the
  last join. With ``on_deny: continue`` the denial counts as the branch's arrival (from the
  branch's incoming-edge source of the join) and the join fires only when ``min`` branches
  have arrived; after that the flow continues normally.
- **Choice.** The outgoing edges' ``when`` conditions are evaluated against the form data in
  document order (``form.x`` and ``x`` both name field ``x``: the flows package drops the
  ``form.`` prefix); the first truthy one is taken, else the ``default`` edge, else
  ``EngineError``. Evaluation never raises: comparing incompatible types is false, a
  missing field is null.
- **End.** A token on an end node sets ``done``; anything still waiting then means the flow
  is malformed (a branch escaped its join) and raises ``EngineError``.
- **Return (退回).** ``return_to(target)``: ``target`` must be a task node, not waiting,
  from which every waiting node is reachable (an earlier step); everything waiting is
  cancelled and ``target`` reopened. Joins whose split lies after ``target`` forget their
  arrivals (the whole parallel runs again). For a parallel whose region contains ``target``
  only the branch through ``target`` runs again: if its join is still waiting for branches
  their arrivals stay; if it already fired, the other branches count as arrived (one
  incoming-edge source each, at most ``min - 1``). ``denied`` is history and is kept.
- **Determinism.** ``waiting``, ``opened``, ``completed``, ``cancelled`` and each
  ``arrived`` tuple are in document order (``FlowNode.index``); ``passed`` lists automatic
  nodes in the order the tokens went through them (a join only when it fires).

Everything the interpreter needs per flow (kinds, successors, parsed conditions, regions,
the innermost region of each node) is computed once per ``FlowDef`` object and cached for
as long as that object lives.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from tongban.core.cases.engine_errors import (
    BranchArrivedTwice,
    BranchCannotArrive,
    ConditionUnparsed,
    EndWhileWaiting,
    EngineError,
    FlowHasCycle,
    FlowStateInvalid,
    FlowWithoutStart,
    JoinMinOutOfRange,
    JoinSplitNotParallel,
    NodeNotWaiting,
    NoRoute,
    NotOneOutgoingEdge,
    ReachedWhileWaiting,
    ReturnNotEarlier,
    ReturnTargetNotTask,
    ReturnToWaiting,
    ReturnWithNothingWaiting,
    SplitJoinedTwice,
    SplitWithoutJoin,
    UnknownNode,
    UnknownNodeKind,
    UnknownOutcome,
)
from tongban.core.flows.definition import FlowDef, FlowNode
from tongban.core.flows.expr_eval import truthy
from tongban.core.flows.expr_nodes import Expr, ExpressionError
from tongban.core.flows.expressions import evaluate, parse_expression

__all__ = [
    "WAITING_KINDS",
    "EngineError",
    "FlowState",
    "Outcome",
    "Step",
    "complete",
    "return_to",
    "start",
    "waiting_nodes",
]

WAITING_KINDS = frozenset({"task", "external", "escalate", "subflow"})
"""Node kinds a token rests on until ``complete`` is called for them."""


class Outcome(StrEnum):
    """The result of a waiting node: 通过 or 不通过."""

    PASS = "pass"
    DENY = "deny"


_NO_ARRIVALS: Mapping[str, tuple[str, ...]] = MappingProxyType({})


@dataclass(frozen=True)
class FlowState:
    """Where a case stands in its flow. Immutable; JSON-safe via ``to_json``/``from_json``."""

    waiting: tuple[str, ...] = ()
    arrived: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _NO_ARRIVALS, hash=False)
    denied: tuple[str, ...] = ()
    done: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.arrived, MappingProxyType):
            frozen = {join: tuple(sources) for join, sources in self.arrived.items()}
            object.__setattr__(self, "arrived", MappingProxyType(frozen))

    def to_json(self) -> dict[str, Any]:
        return {
            "waiting": list(self.waiting),
            "arrived": {join: list(sources) for join, sources in self.arrived.items()},
            "denied": list(self.denied),
            "done": self.done,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FlowState:
        """The state ``to_json`` gave; missing keys take their defaults (``{}``: not started)."""
        if not isinstance(data, Mapping):
            raise FlowStateInvalid("state", "object")
        arrived = data.get("arrived", _NO_ARRIVALS)
        if not isinstance(arrived, Mapping):
            raise FlowStateInvalid("arrived", "join_map")
        done = data.get("done", False)
        if not isinstance(done, bool):
            raise FlowStateInvalid("done", "boolean")
        return cls(
            _ids(data.get("waiting", ()), "waiting"),
            MappingProxyType(
                {_id(join, "arrived"): _ids(srcs, "arrived") for join, srcs in arrived.items()}
            )
            if arrived
            else _NO_ARRIVALS,
            _ids(data.get("denied", ()), "denied"),
            done,
        )


def _id(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise FlowStateInvalid(key, "node_id")
    return value


def _ids(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise FlowStateInvalid(key, "node_id_list")
    for item in value:
        _id(item, key)
    return tuple(value)


@dataclass(frozen=True)
class Step:
    """What one engine call did, for the services to act on and the audit log to record."""

    state: FlowState
    opened: tuple[str, ...] = ()  # waiting nodes that became open
    completed: tuple[str, ...] = ()  # the node(s) completed by this call
    cancelled: tuple[str, ...] = ()  # waiting nodes cancelled by this call
    passed: tuple[str, ...] = ()  # automatic nodes traversed, in traversal order


# -- the per-flow plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Choice:
    target: str
    edge: str
    condition: Expr | None  # None: no condition (the default edge, or never taken)
    default: bool
    error: str | None = None  # the condition does not parse


@dataclass
class _Plan:
    index: dict[str, int]
    kind: dict[str, str]
    succ: dict[str, tuple[str, ...]]
    preds: dict[str, tuple[str, ...]]
    choices: dict[str, tuple[_Choice, ...]]
    start: str | None
    split_of: dict[str, str]  # join -> its split
    join_of: dict[str, str]  # split -> its join
    region: dict[str, frozenset[str]]  # split -> nodes strictly between it and its join
    need: dict[str, int]  # join -> arrivals that fire it
    continue_joins: frozenset[str]  # joins with on_deny: continue
    clears: dict[str, tuple[str, ...]]  # join -> itself and the joins inside its region
    enclosing: dict[str, str]  # node -> join of the innermost region containing it
    reach: dict[str, frozenset[str]] = field(default_factory=dict)  # lazily: descendants
    branches: dict[str, dict[str, int]] = field(default_factory=dict)  # lazily, see branch_of

    def sort(self, ids: Collection[str]) -> tuple[str, ...]:
        if len(ids) < 2:
            return tuple(ids)
        return tuple(sorted(ids, key=self.index.__getitem__))

    def descendants(self, node_id: str) -> frozenset[str]:
        found = self.reach.get(node_id)
        if found is None:
            seen: set[str] = set()
            stack = [node_id]
            while stack:
                for other in self.succ[stack.pop()]:
                    if other not in seen:
                        seen.add(other)
                        stack.append(other)
            found = self.reach[node_id] = frozenset(seen)
        return found

    def branch_of(self, split: str) -> dict[str, int]:
        """Region node (and ``split`` itself, for an empty branch) -> its branch's position
        among the split's outgoing edges."""
        found = self.branches.get(split)
        if found is None:
            join, region = self.join_of[split], self.region[split]
            found = {}
            for position, first in enumerate(self.succ[split]):
                if first == join:
                    found[split] = position
                    continue
                stack = [first]
                while stack:
                    node_id = stack.pop()
                    if node_id in region and node_id not in found:
                        found[node_id] = position
                        stack.extend(self.succ[node_id])
            self.branches[split] = found
        return found

    def other_branches(self, split: str, node_id: str) -> list[str]:
        """One incoming-edge source of the join per branch of ``split`` other than the one
        through ``node_id``, in branch order, at most as many as the join still needs."""
        join, branch = self.join_of[split], self.branch_of(split)
        mine = branch.get(node_id)
        chosen: dict[int, str] = {}
        for source in self.preds[join]:
            position = branch.get(source)
            if position is not None and position != mine:
                chosen.setdefault(position, source)
        return [chosen[position] for position in sorted(chosen)][: self.need[join] - 1]


_PLANS: dict[int, tuple[weakref.ref[FlowDef], _Plan]] = {}


def _plan(flow: FlowDef) -> _Plan:
    key = id(flow)
    entry = _PLANS.get(key)
    if entry is not None and entry[0]() is flow:
        return entry[1]
    plan = _build(flow)

    def forget(ref: weakref.ref[FlowDef]) -> None:
        current = _PLANS.get(key)
        if current is not None and current[0] is ref:
            del _PLANS[key]

    _PLANS[key] = (weakref.ref(flow, forget), plan)
    return plan


def _build(flow: FlowDef) -> _Plan:
    if flow.topological_order is None:
        raise FlowHasCycle()
    succ = flow.successors
    preds = {node_id: tuple(e.source for e in edges) for node_id, edges in flow.in_edges.items()}
    choices = {
        node.id: tuple(_choice(e.target, e.id, e.when, e.default) for e in flow.out_edges[node.id])
        for node in flow.of_kind("choice")
    }
    split_of: dict[str, str] = {}
    region: dict[str, frozenset[str]] = {}
    need: dict[str, int] = {}
    for join in flow.of_kind("join"):
        split = flow.by_id.get(join.split or "")
        if split is None or split.kind != "parallel":
            raise JoinSplitNotParallel(join.id, str(join.split))
        if split.id in region:
            raise SplitJoinedTwice(join.id, split.id)
        branches = len(succ[split.id])
        if join.min is not None and not 1 <= join.min <= branches:
            raise JoinMinOutOfRange(join.id, join.min, branches)
        split_of[join.id] = split.id
        region[split.id] = _region(flow, split.id, join.id)
        need[join.id] = join.min if join.min is not None else branches
    for split in flow.of_kind("parallel"):
        if split.id not in region:
            raise SplitWithoutJoin(split.id)
    join_of = {split: join for join, split in split_of.items()}
    # innermost first: a nested region is smaller than the one enclosing it
    by_size = sorted(region, key=lambda split: len(region[split]))
    enclosing: dict[str, str] = {}
    for split_id in by_size:
        for node_id in region[split_id]:
            enclosing.setdefault(node_id, join_of[split_id])
    clears = {
        join: (join, *(n for n in region[split] if flow.by_id[n].kind == "join"))
        for join, split in split_of.items()
    }
    return _Plan(
        index={node.id: node.index for node in flow.nodes},
        kind={node.id: node.kind for node in flow.nodes},
        succ=succ,
        preds=preds,
        choices=choices,
        start=flow.start.id if flow.start is not None else None,
        split_of=split_of,
        join_of=join_of,
        region=region,
        need=need,
        continue_joins=frozenset(j.id for j in flow.of_kind("join") if j.on_deny == "continue"),
        clears=clears,
        enclosing=enclosing,
    )


def _choice(target: str, edge: str, when: str | None, default: bool) -> _Choice:
    if when is None:
        return _Choice(target, edge, None, default)
    try:
        return _Choice(target, edge, parse_expression(when), default)
    except ExpressionError as error:
        return _Choice(target, edge, None, False, f"column {error.column}: {error.message}")


def _region(flow: FlowDef, split: str, join: str) -> frozenset[str]:
    """Nodes reachable from ``split`` (not through ``join``) that reach ``join``."""
    forward: set[str] = set()
    stack = [split]
    while stack:
        for other in flow.successors[stack.pop()]:
            if other != join and other not in forward:
                forward.add(other)
                stack.append(other)
    backward: set[str] = set()
    stack = [join]
    while stack:
        for other in flow.predecessors[stack.pop()]:
            if other != split and other not in backward:
                backward.add(other)
                stack.append(other)
    return frozenset(forward & backward)


# -- one call's working state ----------------------------------------------------------------


class _Run:
    """The mutable working copy of a state while one call moves tokens."""

    __slots__ = (
        "arrived",
        "cancelled",
        "data",
        "denied",
        "done",
        "end",
        "opened",
        "passed",
        "plan",
        "tokens",
        "waiting",
    )

    def __init__(self, plan: _Plan, state: FlowState, data: Mapping[str, Any]) -> None:
        self.plan = plan
        self.data = data
        self.waiting = set(state.waiting)
        self.arrived: dict[str, list[str]] = (
            {join: list(sources) for join, sources in state.arrived.items()}
            if state.arrived
            else {}
        )
        self.denied = list(state.denied)
        self.done = state.done
        self.end: str | None = None
        self.opened: list[str] = []
        self.cancelled: list[str] = []
        self.passed: list[str] = []
        self.tokens: deque[tuple[str, str]] = deque()  # (node to enter, node it comes from)

    def forward(self, node_id: str) -> None:
        """Send a token along the single outgoing edge of ``node_id``."""
        out = self.plan.succ[node_id]
        if len(out) != 1:
            raise NotOneOutgoingEdge(node_id, len(out))
        self.tokens.append((out[0], node_id))

    def run(self) -> None:
        plan = self.plan
        while self.tokens:
            node_id, source = self.tokens.popleft()
            kind = plan.kind[node_id]
            if kind in WAITING_KINDS:
                if node_id in self.waiting:
                    raise ReachedWhileWaiting(node_id, source)
                self.waiting.add(node_id)
                self.opened.append(node_id)
            elif kind == "join":
                self.arrive(node_id, source)
            elif kind == "choice":
                self.passed.append(node_id)
                self.tokens.append((self.choose(node_id), node_id))
            elif kind == "parallel":
                self.passed.append(node_id)
                self.tokens.extend((target, node_id) for target in plan.succ[node_id])
            elif kind == "end":
                self.passed.append(node_id)
                self.done = True
                self.end = node_id
            elif kind == "start":
                self.passed.append(node_id)
                self.forward(node_id)
            else:
                raise UnknownNodeKind(node_id, kind)
        if self.done and self.waiting:
            raise EndWhileWaiting(self.end or "end", self.plan.sort(self.waiting))

    def choose(self, node_id: str) -> str:
        default: str | None = None
        for choice in self.plan.choices[node_id]:
            if choice.error is not None:
                raise ConditionUnparsed(node_id, choice.edge, str(choice.error))
            if choice.condition is not None:
                if truthy(evaluate(choice.condition, self.data)):
                    return choice.target
            elif choice.default and default is None:
                default = choice.target
        if default is None:
            raise NoRoute(node_id)
        return default

    def arrive(self, join: str, source: str) -> None:
        got = self.arrived.setdefault(join, [])
        if source in got:
            raise BranchArrivedTwice(join, source)
        got.append(source)
        if len(got) >= self.plan.need[join]:
            self.fire(join)
            self.forward(join)

    def fire(self, join: str) -> None:
        """The join fires: cancel what still waits in its region, forget arrivals."""
        plan = self.plan
        self.passed.append(join)
        region = plan.region[plan.split_of[join]]
        hit = self.waiting & region
        if hit:
            self.waiting -= hit
            for node_id in hit:
                if node_id in self.opened:  # opened earlier in this very call
                    self.opened.remove(node_id)
                else:
                    self.cancelled.append(node_id)
        for inner in plan.clears[join]:
            self.arrived.pop(inner, None)
        if self.tokens:
            self.tokens = deque(
                token for token in self.tokens if token[0] != join and token[0] not in region
            )

    def deny(self, node_id: str) -> None:
        """A denial leaving ``node_id`` (a denied node, or a join a denial fired)."""
        join = self.plan.enclosing.get(node_id)
        if join is None:
            self.forward(node_id)
        elif join in self.plan.continue_joins:
            self.tokens.append((join, self.branch_source(join, node_id)))
        else:
            self.fire(join)
            self.deny(join)

    def branch_source(self, join: str, node_id: str) -> str:
        """The incoming-edge source of ``join`` on the branch through ``node_id``."""
        preds = self.plan.preds[join]
        if node_id in preds:
            return node_id
        later = self.plan.descendants(node_id)
        got = self.arrived.get(join, ())
        for pred in preds:
            if pred in later and pred not in got:
                return pred
        raise BranchCannotArrive(join, node_id)

    def step(self, completed: tuple[str, ...] = ()) -> Step:
        plan = self.plan
        arrived = {join: plan.sort(srcs) for join, srcs in self.arrived.items() if srcs}
        state = FlowState(
            plan.sort(self.waiting),
            MappingProxyType({join: arrived[join] for join in plan.sort(arrived)})
            if arrived
            else _NO_ARRIVALS,
            tuple(self.denied),
            self.done,
        )
        return Step(
            state,
            plan.sort(self.opened),
            completed,
            plan.sort(self.cancelled),
            tuple(self.passed),
        )


# -- the API ---------------------------------------------------------------------------------


def start(flow: FlowDef, data: Mapping[str, Any]) -> Step:
    """Put a token on the start node and run it to the first waiting nodes (or an end)."""
    plan = _plan(flow)
    if plan.start is None:
        raise FlowWithoutStart()
    run = _Run(plan, FlowState(), data)
    run.tokens.append((plan.start, plan.start))
    run.run()
    return run.step()


def complete(
    flow: FlowDef, state: FlowState, node_id: str, outcome: Outcome, data: Mapping[str, Any]
) -> Step:
    """Complete waiting node ``node_id`` with ``outcome`` and run on from it."""
    plan = _plan(flow)
    if node_id not in state.waiting:
        raise NodeNotWaiting(node_id)
    if node_id not in plan.kind:
        raise UnknownNode(node_id)
    if outcome not in (Outcome.PASS, Outcome.DENY):
        raise UnknownOutcome(node_id, str(outcome))
    run = _Run(plan, state, data)
    run.waiting.discard(node_id)
    if outcome == Outcome.DENY:
        run.denied.append(node_id)
        run.deny(node_id)
    else:
        run.forward(node_id)
    run.run()
    return run.step((node_id,))


def return_to(flow: FlowDef, state: FlowState, target: str) -> Step:
    """退回: cancel everything waiting and reopen ``target``, an earlier task."""
    plan = _plan(flow)
    if plan.kind.get(target) != "task":
        raise ReturnTargetNotTask(target)
    if state.done or not state.waiting:
        raise ReturnWithNothingWaiting(target)
    if target in state.waiting:
        raise ReturnToWaiting(target)
    later = plan.descendants(target)
    beyond = [node_id for node_id in state.waiting if node_id not in later]
    if beyond:
        raise ReturnNotEarlier(target, beyond)
    run = _Run(plan, state, {})
    run.cancelled.extend(run.waiting)
    for join in list(run.arrived):
        if plan.split_of.get(join) in later:  # the whole parallel runs again
            del run.arrived[join]
    for split, region in plan.region.items():
        if target in region and not region & run.waiting:
            # the join already fired: only the branch through target runs again
            run.arrived[plan.join_of[split]] = plan.other_branches(split, target)
    run.waiting = {target}
    run.opened.append(target)
    return run.step()


def waiting_nodes(flow: FlowDef, state: FlowState) -> list[FlowNode]:
    """The nodes ``state`` waits on, in document order."""
    by_id = flow.by_id
    unknown = [node_id for node_id in state.waiting if node_id not in by_id]
    if unknown:
        raise UnknownNode(unknown[0])
    return sorted((by_id[node_id] for node_id in state.waiting), key=lambda node: node.index)
