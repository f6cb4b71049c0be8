"""Per-node rules: choices and their conditions, task assignees, escalation, subflows."""

from __future__ import annotations

from collections.abc import Collection

from tongban.core.errors import Violation
from tongban.core.flows.codes import (
    FLOW_ASSIGNEE,
    FLOW_CHOICE,
    FLOW_CONDITION,
    FLOW_ESCALATE,
    FLOW_SUBFLOW,
)
from tongban.core.flows.definition import FlowDef, FlowEdge, FlowNode
from tongban.core.flows.expr_nodes import ExpressionError
from tongban.core.flows.expressions import parse_expression
from tongban.core.roles import STEP_ROLES, Role
from tongban.core.tenancy import Level

_STEP_ROLE_NAMES = ", ".join(role.value for role in Role if role in STEP_ROLES)


def choice_violations(flow: FlowDef, form_fields: Collection[str] | None) -> list[Violation]:
    """Choices: ≥ 2 ways out, a parsing ``when`` on each but one ``default``; ``when`` and
    ``default`` nowhere else."""
    violations: list[Violation] = []
    known = _known_fields(form_fields) if form_fields is not None else None
    for node in flow.nodes:
        out = flow.out_edges[node.id]
        if node.kind != "choice":
            for edge in out:
                violations.extend(_misplaced(edge, node))
            continue
        if len(out) < 2:
            violations.append(
                node.violation(
                    FLOW_CHOICE, f"a choice needs at least 2 outgoing edges (has {len(out)})"
                )
            )
        default = None
        for edge in out:
            if edge.default:
                if default is not None:
                    violations.append(
                        edge.violation(
                            FLOW_CHOICE,
                            f"choice {node.id!r} already has the default edge {default.id!r}",
                            "default",
                        )
                    )
                default = default or edge
                if edge.when is not None:
                    violations.append(
                        edge.violation(FLOW_CHOICE, "a default edge carries no condition", "when")
                    )
                    continue
            elif edge.when is None:
                violations.append(
                    edge.violation(
                        FLOW_CHOICE,
                        f"leaves choice {node.id!r} without a condition: give it `when` "
                        "(or make it the `default`)",
                    )
                )
                continue
            if edge.when is not None:
                violations.extend(_condition(edge, edge.when, known))
    return violations


def _misplaced(edge: FlowEdge, source: FlowNode) -> list[Violation]:
    found = []
    what = f"leaves {source.id!r} ({source.kind or 'a node'}), not a choice"
    if edge.when is not None:
        found.append(edge.violation(FLOW_CONDITION, f"has a condition but {what}", "when"))
    if edge.default:
        found.append(edge.violation(FLOW_CONDITION, f"is marked default but {what}", "default"))
    return found


def _known_fields(form_fields: Collection[str]) -> frozenset[str]:
    return frozenset(name.removeprefix("form.") for name in form_fields)


def _condition(edge: FlowEdge, source: str, known: frozenset[str] | None) -> list[Violation]:
    try:
        expr = parse_expression(source)
    except ExpressionError as error:
        return [
            edge.violation(
                FLOW_CONDITION,
                f"condition does not parse at column {error.column}: {error.message}",
                "when",
            )
        ]
    if known is None:
        return []
    return [
        edge.violation(FLOW_CONDITION, f"condition reads unknown form field {path!r}", "when")
        for path in sorted(expr.fields())
        if not _is_known(path, known)
    ]


def _is_known(path: str, known: frozenset[str]) -> bool:
    """``a.b.c`` is known when it, ``a.b`` or ``a`` is a form field (nested objects)."""
    parts = path.split(".")
    return any(".".join(parts[:i]) in known for i in range(1, len(parts) + 1))


def task_violations(flow: FlowDef, departments: Collection[str] | None) -> list[Violation]:
    """Task assignees: a step role and, when ``departments`` is given, one of them."""
    violations: list[Violation] = []
    known = frozenset(departments) if departments is not None else None
    for node in flow.of_kind("task"):
        if node.role is not None and node.role not in STEP_ROLES:
            violations.append(
                node.violation(
                    FLOW_ASSIGNEE,
                    f"role {node.role!r} is not a step role ({_STEP_ROLE_NAMES})",
                    "role",
                )
            )
        if known is not None and node.department is not None and node.department not in known:
            violations.append(
                node.violation(
                    FLOW_ASSIGNEE,
                    f"department {node.department!r} is not a department of this tenant",
                    "department",
                )
            )
    return violations


def escalate_violations(flow: FlowDef, tenant_level: Level | None) -> list[Violation]:
    if tenant_level is None:
        return []
    return [
        node.violation(
            FLOW_ESCALATE,
            f"escalates to {node.to.key}, which is not above this {tenant_level.key} tenant",
            "to",
        )
        for node in flow.of_kind("escalate")
        if node.to is not None and node.to >= tenant_level
    ]


def subflow_violations(flow: FlowDef, known_matters: Collection[str] | None) -> list[Violation]:
    if known_matters is None:
        return []
    known = frozenset(known_matters)
    return [
        node.violation(FLOW_SUBFLOW, f"matter {node.matter!r} is not a known matter", "matter")
        for node in flow.of_kind("subflow")
        if node.matter is not None and node.matter not in known
    ]
