"""Query limits in one linear pass over the document, before any other validation.

Every definition is visited once (graphql-core's iterative ``visit`` with a ``TypeInfo``):
fragments first, in dependency order, each summarised once; a spread adds its fragment's
summary where it is used. So a document of nested fragments that double at each level
costs its length to check, not the 2^n selections it stands for. Measured per operation:

- depth: nesting of selected fields as graphene counts it (a root field is 0, introspection
  fields are not counted);
- fields and aliases, with fragments expanded;
- cost: fields with fragments expanded, where a field that takes ``first`` (a page)
  counts its selection once per item asked for (the literal or the variable's value, the
  argument's default otherwise, capped at ``PAGE_SIZE_CAP``);

and per document: the fragment spreads written, the nesting of object/list literals and
their strings' characters (no NUL, no lone surrogate: ``INPUT_INVALID_CHARACTER``).
Unknown fragments and cycles count nothing here: graphql-core's rules, run next, report them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    IntValueNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableNode,
    Visitor,
    visit,
)

from tongban.adapters.graphql.errors import Code
from tongban.core.characters import invalid_character, refusal

PAGE_SIZE_CAP = 100
"""The largest page a list returns (``cases`` caps ``first`` here, ``matters`` refuses more)."""
_SATURATE = 2**62  # counts stop growing here: a bomb's 2^n is reported as "over the limit"


@dataclass(frozen=True)
class QueryLimits:
    depth: int
    fields: int
    aliases: int
    fragment_spreads: int
    cost: int
    literal_depth: int


@dataclass
class _Summary:
    """What a selection set stands for, with fragments expanded."""

    fields: int = 0
    aliases: int = 0
    cost: int = 0
    depth: int = 0  # of the deepest field below, graphene's way (a leaf is 0)

    def add(self, other: _Summary, times: int = 1) -> None:
        self.fields = min(self.fields + other.fields * times, _SATURATE)
        self.aliases = min(self.aliases + other.aliases * times, _SATURATE)
        self.cost = min(self.cost + other.cost * times, _SATURATE)
        self.depth = max(self.depth, other.depth)


@dataclass
class _Frame:
    summary: _Summary = field(default_factory=_Summary)
    page: int = 1  # the field owning this selection set: how many items it asks for


class _Pass(Visitor):
    """Summarises the definitions it is walked over; ``fragments`` holds those done."""

    def __init__(self, type_info: TypeInfo, variables: Mapping[str, Any]) -> None:
        super().__init__()
        self.type_info = type_info
        self.variables = variables
        self.fragments: dict[str, _Summary] = {}
        self.stack: list[_Frame] = []
        self.result = _Summary()
        self.literal_depth = self.deepest_literal = 0
        self.bad_string: tuple[StringValueNode, str] | None = None  # a NUL, a lone surrogate
        self._pending_page = 1  # set by a field, taken by its selection set
        self._done: _Frame | None = None  # the selection set just left

    # a definition's own selection set is the bottom frame
    def enter_selection_set(self, node: SelectionSetNode, *_args: Any) -> None:
        self.stack.append(_Frame(page=self._pending_page))
        self._pending_page = 1

    def leave_selection_set(self, node: SelectionSetNode, *_args: Any) -> None:
        frame = self.stack.pop()
        self._done = frame

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        self._pending_page = self._page(node) if node.selection_set else 1
        self._done = None

    def leave_field(self, node: FieldNode, *_args: Any) -> None:
        own = _Summary(fields=1, aliases=1 if node.alias else 0, cost=1)
        below = self._done
        if below is not None and node.selection_set is not None:
            own.fields = min(own.fields + below.summary.fields, _SATURATE)
            own.aliases = min(own.aliases + below.summary.aliases, _SATURATE)
            own.cost = min(own.cost + below.summary.cost * below.page, _SATURATE)
            if not node.name.value.startswith("__"):
                own.depth = 1 + below.summary.depth
        self._done = None
        self.stack[-1].summary.add(own)

    def leave_inline_fragment(self, *_args: Any) -> None:
        if self._done is not None:
            self.stack[-1].summary.add(self._done.summary)
        self._done = None

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: Any) -> None:
        done = self.fragments.get(node.name.value)
        if done is not None and self.stack:
            self.stack[-1].summary.add(done)

    def leave_operation_definition(self, *_args: Any) -> None:
        self._finish()

    def leave_fragment_definition(self, *_args: Any) -> None:
        self._finish()

    def _finish(self) -> None:
        self.result = self._done.summary if self._done is not None else _Summary()
        self._done = None

    def enter_list_value(self, *_args: Any) -> None:
        self._enter_literal()

    def enter_object_value(self, *_args: Any) -> None:
        self._enter_literal()

    def leave_list_value(self, *_args: Any) -> None:
        self.literal_depth -= 1

    def leave_object_value(self, *_args: Any) -> None:
        self.literal_depth -= 1

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        if self.bad_string is None:
            bad = invalid_character(node.value)
            if bad is not None:
                self.bad_string = (node, bad)

    def _enter_literal(self) -> None:
        self.literal_depth += 1
        self.deepest_literal = max(self.deepest_literal, self.literal_depth)

    def _page(self, node: FieldNode) -> int:
        """Items the field asks for if it takes ``first``; 1 otherwise."""
        definition = self.type_info.get_field_def()
        argument = definition.args.get("first") if definition is not None else None
        if argument is None:
            return 1
        default = argument.default_value if isinstance(argument.default_value, int) else 1
        value: Any = default
        for given in node.arguments or ():
            if given.name.value != "first":
                continue
            if isinstance(given.value, IntValueNode):
                try:
                    value = int(given.value.value)
                except ValueError:  # more digits than int() takes: a huge page
                    value = PAGE_SIZE_CAP
            elif isinstance(given.value, VariableNode):
                value = self.variables.get(given.value.name.value, default)
        if isinstance(value, bool) or not isinstance(value, int):
            value = default
        return min(max(value, 1), PAGE_SIZE_CAP)


def _spreads(node: Node) -> list[str]:
    """Names of the fragments spread in a definition (an iterative walk)."""
    names: list[str] = []

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_args: Any) -> None:
            names.append(spread.name.value)

    visit(node, Spreads())
    return names


def _dependency_order(
    fragments: Mapping[str, FragmentDefinitionNode], uses: Mapping[str, list[str]]
) -> list[str]:
    """Fragments, each after every fragment it spreads (cycles broken anywhere)."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1: in progress, 2: done
    for root in fragments:
        if root in state:
            continue
        state[root] = 1
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            name, index = stack.pop()
            children = uses[name]
            if index < len(children):
                stack.append((name, index + 1))
                child = children[index]
                if child in fragments and child not in state:
                    state[child] = 1
                    stack.append((child, 0))
                continue
            state[name] = 2
            order.append(name)
    return order


def analyse(
    schema: GraphQLSchema,
    document: DocumentNode,
    limits: QueryLimits,
    variables: Mapping[str, Any] | None = None,
) -> list[GraphQLError]:
    """Every limit the document exceeds (empty if none), in time linear in its size."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, definition)
    uses = {name: _spreads(node) for name, node in fragments.items()}
    type_info = TypeInfo(schema)
    walker = _Pass(type_info, variables or {})
    problems: list[GraphQLError] = []
    for name in _dependency_order(fragments, uses):
        visit(fragments[name], TypeInfoVisitor(type_info, walker))
        walker.fragments[name] = walker.result
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            visit(definition, TypeInfoVisitor(type_info, walker))
            problems += _over(definition, walker.result, limits)
    spreads = len(_spreads(document))
    if spreads > limits.fragment_spreads:
        problems.append(
            _problem(
                f"片段展开过多 (the document spreads fragments {spreads} times; "
                f"the limit is {limits.fragment_spreads})",
                None,
                Code.TOO_MANY_FRAGMENT_SPREADS,
                limits.fragment_spreads,
            )
        )
    if walker.deepest_literal > limits.literal_depth:
        problems.append(
            _problem(
                f"输入嵌套过深 (an object or list literal is nested {walker.deepest_literal} "
                f"deep; the limit is {limits.literal_depth})",
                None,
                Code.INPUT_TOO_DEEP,
                limits.literal_depth,
            )
        )
    if walker.bad_string is not None:
        node, bad = walker.bad_string
        problems.append(
            GraphQLError(refusal(bad), node, extensions={"code": Code.INPUT_INVALID_CHARACTER})
        )
    return problems


def _over(
    operation: OperationDefinitionNode, summary: _Summary, limits: QueryLimits
) -> list[GraphQLError]:
    name = operation.name.value if operation.name else "anonymous"
    problems: list[GraphQLError] = []
    if summary.depth > limits.depth:
        problems.append(
            _problem(
                f"查询嵌套过深 ('{name}' exceeds maximum operation depth of {limits.depth})",
                operation,
                Code.QUERY_TOO_DEEP,
                limits.depth,
            )
        )
    if summary.fields > limits.fields:
        problems.append(
            _problem(
                f"查询过于复杂 ('{name}' selects {_count(summary.fields)} fields; "
                f"the limit is {limits.fields})",
                operation,
                Code.QUERY_TOO_COMPLEX,
                limits.fields,
            )
        )
    elif summary.cost > limits.cost:
        problems.append(
            _problem(
                f"查询过于复杂 ('{name}' costs {_count(summary.cost)}, lists counted by the "
                f"page size asked for; the limit is {limits.cost})",
                operation,
                Code.QUERY_TOO_COMPLEX,
                limits.cost,
            )
        )
    if summary.aliases > limits.aliases:
        problems.append(
            _problem(
                f"别名过多 ('{name}' uses {_count(summary.aliases)} aliases; "
                f"the limit is {limits.aliases})",
                operation,
                Code.TOO_MANY_ALIASES,
                limits.aliases,
            )
        )
    return problems


def _count(value: int) -> str:
    return f"over {_SATURATE}" if value >= _SATURATE else str(value)


def _problem(message: str, node: Node | None, code: str, limit: int) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": code, "limit": limit})
