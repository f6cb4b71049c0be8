"""Validation of a flow document on save: every problem, never stopping at the first.

Pointers are JSON pointers relative to the flow document (``/nodes/3``, ``/nodes/3/days``,
``/edges/5/when``; ``""`` for the whole flow); each message names the node or edge id first,
in Chinese and then in English (``节点 'accept'：… (node 'accept': …)``, ``连线 'route->up'：…
(edge 'route->up': …)``; an edge without ``id`` is ``from->to``).

=========================  ================================================================
code                       meaning
=========================  ================================================================
FLOW_SHAPE                 breaks the meta-schema (form_schemas/flow.schema.json): wrong
                           type, unknown key, key the node's kind does not use, missing key
FLOW_DAYS                  ``days`` is not an integer ≥ 0
FLOW_DUPLICATE_NODE        two nodes share an id
FLOW_DUPLICATE_EDGE        two edges share an id, or the same ``from`` and ``to``
FLOW_UNKNOWN_NODE          an edge's ``from``/``to`` is not a node
FLOW_START                 no start node, a second one, or an edge into the start
FLOW_END                   an edge out of an end node
FLOW_NO_END                no end node, or none reachable from the start
FLOW_UNREACHABLE           a node the start cannot reach
FLOW_DEAD_END              a node reachable from the start that reaches no end
FLOW_CYCLE                 an edge closing a cycle (the message lists the cycle's nodes)
FLOW_BRANCH                a node other than a choice or parallel split with several
                           outgoing edges
FLOW_UNBALANCED            a join naming no parallel split, a split with no join (or two),
                           fewer than 2 branches, a branch reaching an end before the join,
                           the join unreachable from its split, an edge entering a split's
                           region from outside
FLOW_PARALLEL_MERGE        branches of a parallel split meeting at a node before their join
                           (the first node where they meet, naming the branches' first
                           nodes): the engine runs one token per branch and would enter
                           that node once per branch. A choice's ways inside one branch
                           may re-merge before the join; a region whose join fires at the
                           split (``min`` ≤ its empty split → join branches) is not checked
FLOW_JOIN_MIN              a join's ``min`` exceeds its split's number of branches
FLOW_CHOICE                a choice with < 2 outgoing edges, an edge out of it with neither
                           ``when`` nor ``default``, a second default, a default with ``when``
FLOW_CONDITION             a ``when`` that does not parse (with its column), reads an
                           unknown form field, or sits (with ``default``) on a non-choice edge
FLOW_CONDITION_UNKNOWN_    a ``when`` that reaches into a field (``form.a.b``) for a property
PROPERTY                   the field's schema does not declare (it would always read null;
                           needs ``form_schema``, see ``form_paths.py``)
FLOW_ASSIGNEE              a task role that is not a step role, or an unknown department
FLOW_ESCALATE              escalation ``to`` a level not above the tenant's
FLOW_SUBFLOW               a subflow ``matter`` that is not a known matter
FLOW_CRITICAL_PATH         the longest working-day path exceeds the promised limit (for an
                           instant matter, each node with ``days`` > 0)
PROCEDURE_STEP_MISSING     a start-to-end path lacks a procedure step (in order)
PROCEDURE_TOO_MANY_STEPS   a start-to-end path has more task nodes than allowed
=========================  ================================================================
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from referencing import Registry

from tongban.core.errors import Violation
from tongban.core.flows.analysis import critical_path, procedure_violations, show_path
from tongban.core.flows.codes import FLOW_CRITICAL_PATH
from tongban.core.flows.definition import FlowDef, parse_flow
from tongban.core.flows.form_paths import FormPaths
from tongban.core.flows.graph_rules import (
    cycle_violations,
    fan_out_violations,
    reachability_violations,
    start_end_violations,
)
from tongban.core.flows.node_rules import (
    choice_violations,
    escalate_violations,
    known_fields,
    subflow_violations,
    task_violations,
)
from tongban.core.flows.parallel_rules import parallel_violations
from tongban.core.matters import INSTANT, Procedure
from tongban.core.tenancy import Level


def validate_flow(
    doc: Mapping[str, Any],
    *,
    procedure: Procedure | None = None,
    promised_days: int | None = None,
    departments: Collection[str] | None = None,
    known_matters: Collection[str] | None = None,
    tenant_level: Level | None = None,
    form_fields: Collection[str] | None = None,
    form_schema: Mapping[str, Any] | None = None,
    form_registry: Registry[Any] | None = None,
) -> list[Violation]:
    """Every violation of the flow document ``doc``, sorted (see the module's code table).

    The optional arguments switch on the checks that need context: ``procedure`` (the
    standard's steps and human-step limit), ``promised_days`` (承诺时限; INSTANT = 0 for 即办),
    ``departments`` (the tenant's department codes), ``known_matters`` (basic codes a subflow
    may call), ``tenant_level`` (escalation must go above it), ``form_fields`` (the form's
    field names; conditions may read only these) or, better, ``form_schema`` (the form
    itself: conditions may read only its fields and the properties those declare, ``$ref``\\ s
    resolved with ``form_registry``, the shared schema documents).
    """
    flow, violations = parse_flow(doc)
    if flow is None:
        return sorted(set(violations))
    violations += start_end_violations(flow)
    violations += reachability_violations(flow)
    violations += cycle_violations(flow)
    violations += fan_out_violations(flow)
    violations += parallel_violations(flow)
    known: FormPaths | None = None
    if form_schema is not None:
        known = FormPaths.of_schema(form_schema, form_registry)
    elif form_fields is not None:
        known = known_fields(form_fields)
    violations += choice_violations(flow, known)
    violations += task_violations(flow, departments)
    violations += escalate_violations(flow, tenant_level)
    violations += subflow_violations(flow, known_matters)
    if flow.topological_order is not None:
        if procedure is not None:
            violations += procedure_violations(flow, procedure)
        if promised_days is not None:
            violations += time_limit_violations(flow, promised_days)
    return sorted(set(violations))


def time_limit_violations(flow: FlowDef, promised_days: int) -> list[Violation]:
    """The critical path fits the promised limit; an instant matter has 0 days everywhere."""
    if promised_days == INSTANT:
        return [
            node.violation(
                FLOW_CRITICAL_PATH,
                f"即办事项的每个环节时限须为 0，此处为 {node.days} 个工作日",
                f"{node.days} working day(s) in an instant (即办) matter: every step takes 0",
                "days",
            )
            for node in flow.nodes
            if node.days > 0
        ]
    days, path = critical_path(flow)
    if days <= promised_days:
        return []
    return [
        Violation(
            FLOW_CRITICAL_PATH,
            "",
            f"流程关键路径 {show_path(path)} 需 {days} 个工作日，超过承诺时限 {promised_days} "
            f"个工作日 (flow: the critical path {show_path(path)} takes {days} working days, "
            f"more than the promised {promised_days})",
        )
    ]
