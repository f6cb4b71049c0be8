"""Every check of one matter document, given what it is checked against.

The file validator (``services.validation``) and the database services
(``services.definitions``) resolve the context differently — folders versus rows — and then
both call ``check_matter_document``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tongban.core.conformance import (
    FlowContext,
    check_implementation,
    check_refinement,
    check_standard,
)
from tongban.core.documents import MatterDoc, parse_matter_doc
from tongban.core.errors import Violation
from tongban.core.flows import validate_flow
from tongban.core.forms import check_form_schema
from tongban.core.matters import MatterSpec
from tongban.core.tenancy import TenantRef
from tongban.services.schemas import Schemas


@dataclass(frozen=True)
class MatterContext:
    tenant: TenantRef
    departments: Mapping[str, str]  # department code -> USCC
    parent_standard: MatterSpec | None  # effective standard above (or at, for implementations)
    known_matters: frozenset[str] = frozenset()  # codes this tenant implements (subflows)
    receiver_published: bool | None = None  # escalation target implemented above
    staffed: frozenset[tuple[str, str]] | None = None  # (department, role) someone holds


def unstaffed_tasks(flow: Mapping[str, Any], context: MatterContext) -> list[Violation]:
    """Task nodes whose department exists but where no user holds the node's role: a case
    reaching such a step could never be worked on."""
    if context.staffed is None:
        return []
    problems = []
    for index, node in enumerate(flow.get("nodes") or ()):
        if not isinstance(node, Mapping) or node.get("kind") != "task":
            continue
        department, role = node.get("department"), node.get("role")
        if department in context.departments and (department, role) not in context.staffed:
            problems.append(
                Violation(
                    "FLOW_ASSIGNEE_UNSTAFFED",
                    f"/flow/nodes/{index}",
                    f"节点 {node.get('id')!r}：部门 {department} 没有 {role} 角色的用户 "
                    f"(node {node.get('id')!r}: no user of department {department} holds "
                    f"role {role})",
                )
            )
    return problems


def raw_flow_violations(doc: object) -> list[Violation]:
    """The flow's own problems, for a document too broken to parse: one run lists them all."""
    flow = doc.get("flow") if isinstance(doc, Mapping) else None
    if not isinstance(flow, Mapping):
        return []
    return [v.under("/flow") for v in validate_flow(flow)]


def check_matter_document(
    doc: Mapping[str, Any], context: MatterContext, schemas: Schemas
) -> tuple[MatterDoc | None, list[Violation]]:
    parsed, problems = parse_matter_doc(
        doc, tenant=context.tenant, departments=context.departments, schemas=schemas.meta
    )
    if parsed is None:
        return None, sorted(set(problems + raw_flow_violations(doc)))
    problems += [v.under("/form") for v in check_form_schema(parsed.spec.form, schemas.forms)]
    standard = context.parent_standard
    if parsed.kind == "standard":
        if standard is None:
            problems += check_standard(parsed.spec)
        else:
            problems += check_refinement(standard, parsed.spec)
    elif standard is None:
        problems.append(
            Violation(
                "MATTER_NO_STANDARD",
                "/code",
                f"事项 {parsed.spec.code} 在本级及上级均无已发布的标准 (no standard above)",
            )
        )
    elif parsed.implementation is not None:
        problems += check_implementation(
            standard,
            parsed.implementation,
            flow_context=FlowContext(
                departments=frozenset(context.departments),
                known_matters=context.known_matters,
                form_schemas=schemas.forms,
            ),
            receiving_implementation_published=context.receiver_published,
        )
        problems += unstaffed_tasks(parsed.implementation.flow, context)
    return parsed, sorted(set(problems))
