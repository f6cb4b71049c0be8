"""What the flow engine refuses, one class per condition; ``node`` names the node involved.

All are ``EngineError`` (INVALID_STATE); the words are in ``core/error_catalogue.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from tongban.core.errors import ErrorCode, InvalidState


class EngineError(InvalidState):
    """The flow cannot do what was asked."""

    code = ErrorCode.INVALID_STATE
    reason = "FLOW_ERROR"


class FlowStateInvalid(EngineError):
    """A stored flow state that does not hold together (``expected`` says what ``field``
    must be: ``object``, ``join_map``, ``boolean``, ``node_id``, ``node_id_list``)."""

    reason = "FLOW_STATE_INVALID"

    def __init__(self, field: str, expected: str) -> None:
        super().__init__(field=field, expected=expected)


class FlowHasCycle(EngineError):
    reason = "FLOW_HAS_CYCLE"

    def __init__(self) -> None:
        super().__init__()


class FlowWithoutStart(EngineError):
    reason = "FLOW_WITHOUT_START"

    def __init__(self) -> None:
        super().__init__()


class JoinSplitNotParallel(EngineError):
    reason = "FLOW_JOIN_SPLIT_NOT_PARALLEL"

    def __init__(self, node: str, split: str) -> None:
        super().__init__(node=node, split=split)


class SplitJoinedTwice(EngineError):
    reason = "FLOW_SPLIT_JOINED_TWICE"

    def __init__(self, node: str, split: str) -> None:
        super().__init__(node=node, split=split)


class JoinMinOutOfRange(EngineError):
    reason = "FLOW_JOIN_MIN_OUT_OF_RANGE"

    def __init__(self, node: str, min: int, branches: int) -> None:  # noqa: A002
        super().__init__(node=node, min=min, branches=branches)


class SplitWithoutJoin(EngineError):
    reason = "FLOW_SPLIT_WITHOUT_JOIN"

    def __init__(self, node: str) -> None:
        super().__init__(node=node)


class NotOneOutgoingEdge(EngineError):
    reason = "FLOW_NOT_ONE_OUTGOING_EDGE"

    def __init__(self, node: str, count: int) -> None:
        super().__init__(node=node, count=count)


class ReachedWhileWaiting(EngineError):
    reason = "FLOW_REACHED_WHILE_WAITING"

    def __init__(self, node: str, source: str) -> None:
        super().__init__(node=node, source=source)


class UnknownNodeKind(EngineError):
    reason = "FLOW_UNKNOWN_NODE_KIND"

    def __init__(self, node: str, kind: str) -> None:
        super().__init__(node=node, kind=kind)


class EndWhileWaiting(EngineError):
    reason = "FLOW_END_WHILE_WAITING"

    def __init__(self, node: str, waiting: Sequence[str]) -> None:
        super().__init__(node=node, waiting=list(waiting))


class ConditionUnparsed(EngineError):
    reason = "FLOW_CONDITION_UNPARSED"

    def __init__(self, node: str, edge: str, problem: str) -> None:
        super().__init__(node=node, edge=edge, problem=problem)


class NoRoute(EngineError):
    reason = "FLOW_NO_ROUTE"

    def __init__(self, node: str) -> None:
        super().__init__(node=node)


class BranchArrivedTwice(EngineError):
    reason = "FLOW_BRANCH_ARRIVED_TWICE"

    def __init__(self, node: str, source: str) -> None:
        super().__init__(node=node, source=source)


class BranchCannotArrive(EngineError):
    reason = "FLOW_BRANCH_CANNOT_ARRIVE"

    def __init__(self, node: str, source: str) -> None:
        super().__init__(node=node, source=source)


class NodeNotWaiting(EngineError):
    reason = "FLOW_NODE_NOT_WAITING"

    def __init__(self, node: str) -> None:
        super().__init__(node=node)


class UnknownNode(EngineError):
    reason = "FLOW_UNKNOWN_NODE"

    def __init__(self, node: str) -> None:
        super().__init__(node=node)


class UnknownOutcome(EngineError):
    reason = "FLOW_UNKNOWN_OUTCOME"

    def __init__(self, node: str, outcome: str) -> None:
        super().__init__(node=node, outcome=outcome)


class ReturnTargetNotTask(EngineError):
    reason = "FLOW_RETURN_TARGET_NOT_TASK"

    def __init__(self, node: str) -> None:
        super().__init__(node=node)


class ReturnWithNothingWaiting(EngineError):
    reason = "FLOW_RETURN_NOTHING_WAITING"

    def __init__(self, node: str) -> None:
        super().__init__(node=node)


class ReturnToWaiting(EngineError):
    reason = "FLOW_RETURN_TO_WAITING"

    def __init__(self, node: str) -> None:
        super().__init__(node=node)


class ReturnNotEarlier(EngineError):
    reason = "FLOW_RETURN_NOT_EARLIER"

    def __init__(self, node: str, waiting: Sequence[str]) -> None:
        super().__init__(node=node, waiting=list(waiting))
