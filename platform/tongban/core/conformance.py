"""Conformance: a refinement or an implementation may only tighten its parent (DESIGN.md §4).

``check_refinement(parent, child)`` compares a spec with its parent's effective standard;
``check_implementation(standard, impl)`` adds the implementation's flow and approval-chain
checks. Both return EVERY violation, sorted, as ``Violation(code, pointer, message)`` with
pointers relative to the matter document of docs/configuration.md (``/materials/3``,
``/time_limits/promised``, ``/form/properties/applicantName``, ``/flow/nodes/2`` …). Every
code, its rule and an example: docs/conformance.md.

Pure and fast: the comparison itself takes a few microseconds; flow validation results are
memoised by flow content and arguments, since many implementations share a flow.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, TypeVar

from tongban.core.errors import Violation
from tongban.core.flows import validate_flow
from tongban.core.forms import SchemaRegistry, escape_token
from tongban.core.matters import INSTANT, Fee, Implementation, Material, MatterSpec, Procedure
from tongban.core.tenancy import Level


class Code(StrEnum):
    """Every conformance violation code (documented in docs/conformance.md)."""

    NAME_CHANGED = "NAME_CHANGED"
    CODE_CHANGED = "CODE_CHANGED"
    MATTER_TYPE_CHANGED = "MATTER_TYPE_CHANGED"
    LEGAL_BASIS_CHANGED = "LEGAL_BASIS_CHANGED"
    POWER_SOURCE_CHANGED = "POWER_SOURCE_CHANGED"
    SERVICE_OBJECTS_ADDED = "SERVICE_OBJECTS_ADDED"
    NOTIFY_AND_COMMIT_CHANGED = "NOTIFY_AND_COMMIT_CHANGED"
    MATERIAL_ADDED = "MATERIAL_ADDED"
    MATERIAL_MISSING = "MATERIAL_MISSING"
    MATERIAL_DUPLICATE = "MATERIAL_DUPLICATE"
    MATERIAL_RENAMED = "MATERIAL_RENAMED"
    MATERIAL_MADE_REQUIRED = "MATERIAL_MADE_REQUIRED"
    MATERIAL_MADE_OPTIONAL = "MATERIAL_MADE_OPTIONAL"
    MATERIAL_COUNT_INCREASED = "MATERIAL_COUNT_INCREASED"
    PAGE_LIMIT_RAISED = "PAGE_LIMIT_RAISED"
    MATERIAL_SOURCE_CHANGED = "MATERIAL_SOURCE_CHANGED"
    MATERIAL_MADE_WAIVABLE = "MATERIAL_MADE_WAIVABLE"
    MATERIAL_WAIVED_NOT_WAIVABLE = "MATERIAL_WAIVED_NOT_WAIVABLE"
    MATERIAL_UNWAIVED = "MATERIAL_UNWAIVED"
    LEGAL_LIMIT_CHANGED = "LEGAL_LIMIT_CHANGED"
    PROMISED_EXCEEDS_PARENT = "PROMISED_EXCEEDS_PARENT"
    PROMISED_EXCEEDS_LEGAL = "PROMISED_EXCEEDS_LEGAL"
    INSTANT_LOST = "INSTANT_LOST"
    PROCEDURE_CHANGED = "PROCEDURE_CHANGED"
    APPROVAL_CHAIN_CHANGED = "APPROVAL_CHAIN_CHANGED"
    APPROVAL_CHAIN_NO_ESCALATE = "APPROVAL_CHAIN_NO_ESCALATE"
    APPROVAL_CHAIN_NO_RECEIVER = "APPROVAL_CHAIN_NO_RECEIVER"
    ESCALATION_MODE_CHANGED = "ESCALATION_MODE_CHANGED"
    FEE_ADDED = "FEE_ADDED"
    FEE_RAISED = "FEE_RAISED"
    FEE_DUPLICATE = "FEE_DUPLICATE"
    FORM_FIELD_MISSING = "FORM_FIELD_MISSING"
    FORM_FIELD_CHANGED = "FORM_FIELD_CHANGED"
    FORM_REQUIRED_DROPPED = "FORM_REQUIRED_DROPPED"
    FORM_REQUIRED_ADDED = "FORM_REQUIRED_ADDED"
    FORM_CONSTRAINT_CHANGED = "FORM_CONSTRAINT_CHANGED"


@dataclass(frozen=True)
class FlowContext:
    """What flow validation needs to know beyond the flow: the implementing tenant's
    department codes, the basic codes of matters a ``subflow`` node may call, and the
    shared schema documents the form's ``$ref``\\ s resolve against (so conditions reaching
    into a referenced field are checked too).

    ``None`` means "not known here": the corresponding flow check is skipped (without
    ``form_schemas``, only references the form resolves itself are followed).
    """

    departments: frozenset[str] | None = None
    known_matters: frozenset[str] | None = None
    form_schemas: SchemaRegistry | None = None

    def __post_init__(self) -> None:
        # frozensets whatever collection was passed: they are part of a cache key
        for name in ("departments", "known_matters"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))


# --------------------------------------------------------------------------- refinements


def check_refinement(parent: MatterSpec, child: MatterSpec) -> list[Violation]:
    """Every way ``child`` loosens ``parent`` (its parent's effective standard), sorted."""
    out: list[Violation] = []
    _check_spec(parent, child, out)
    out.sort()
    return out


def check_standard(spec: MatterSpec) -> list[Violation]:
    """What a top-level standard (one with no parent) must meet on its own: promised ≤ legal
    (``PROMISED_EXCEEDS_LEGAL``). The same as comparing the spec with itself."""
    return check_refinement(spec, spec)


def _v(out: list[Violation], code: Code, pointer: str, message: str) -> None:
    out.append(Violation(code.value, pointer, message))


def _check_spec(parent: MatterSpec, child: MatterSpec, out: list[Violation]) -> None:
    if parent is child:
        _check_limits(parent, child, out)  # only the spec's own consistency can fail
        return
    _check_identity(parent, child, out)
    _check_limits(parent, child, out)
    if child.procedure != parent.procedure:
        _check_procedure(parent.procedure, child.procedure, out)
    if child.approval_chain != parent.approval_chain:
        _v(
            out,
            Code.APPROVAL_CHAIN_CHANGED,
            "/approval_chain",
            f"审批层级须为 {parent.approval_chain.key} (approval chain must stay "
            f"{parent.approval_chain.key}, got {child.approval_chain.key})",
        )
    if child.escalation != parent.escalation and parent.approval_chain.escalates:
        _v(
            out,
            Code.ESCALATION_MODE_CHANGED,
            "/escalation/mode",
            f"跨层级决定方式须为 {parent.escalation.value}（{parent.escalation.label}） "
            f"(escalation mode must stay {parent.escalation.value}, got {child.escalation.value})",
        )
    if child.materials is not parent.materials and child.materials != parent.materials:
        _check_materials(parent, child, out)
    if child.fees is not parent.fees and child.fees != parent.fees:
        _check_fees(parent, child, out)
    if child.form is not parent.form and child.form != parent.form:
        _check_form_object(parent.form, child.form, "/form", out, root=True)


def _check_identity(parent: MatterSpec, child: MatterSpec, out: list[Violation]) -> None:
    for attribute, pointer, code, label in (
        ("name", "/name", Code.NAME_CHANGED, "事项名称"),
        ("code", "/code", Code.CODE_CHANGED, "基本编码"),
        ("matter_type", "/matter_type", Code.MATTER_TYPE_CHANGED, "事项类型"),
        ("legal_basis", "/legal_basis", Code.LEGAL_BASIS_CHANGED, "设定依据"),
        ("power_source", "/power_source", Code.POWER_SOURCE_CHANGED, "权力来源"),
        ("notify_and_commit", "/notify_and_commit", Code.NOTIFY_AND_COMMIT_CHANGED, "告知承诺制"),
    ):
        expected = getattr(parent, attribute)
        got = getattr(child, attribute)
        if got != expected:
            _v(
                out,
                code,
                pointer,
                f"{label}须与上级标准一致 ({attribute} must equal the parent standard's "
                f"{_short(expected)}, got {_short(got)})",
            )
    if child.service_objects != parent.service_objects:
        allowed = set(parent.service_objects)
        for index, obj in enumerate(child.service_objects):
            if obj not in allowed:
                _v(
                    out,
                    Code.SERVICE_OBJECTS_ADDED,
                    f"/service_objects/{index}",
                    f"服务对象 {obj} 不在上级标准中 (service object {obj!r} is not in the "
                    f"parent standard)",
                )


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_limits(parent: MatterSpec, child: MatterSpec, out: list[Violation]) -> None:
    if child.legal_days != parent.legal_days:
        _v(
            out,
            Code.LEGAL_LIMIT_CHANGED,
            "/time_limits/legal",
            f"法定时限须为 {_days(parent.legal_days)} (the legal limit must stay "
            f"{_days_en(parent.legal_days)}, got {_days_en(child.legal_days)})",
        )
    promised = child.promised_days
    if parent.promised_days == INSTANT and promised != INSTANT:
        _v(
            out,
            Code.INSTANT_LOST,
            "/time_limits/promised",
            f"上级标准为即办件，承诺时限须为即办 (the parent standard is instant, "
            f"got {_days_en(promised)})",
        )
    elif promised > parent.promised_days:
        _v(
            out,
            Code.PROMISED_EXCEEDS_PARENT,
            "/time_limits/promised",
            f"承诺时限 {_days(promised)} 超过上级标准的 {_days(parent.promised_days)} "
            f"(promised {_days_en(promised)} exceeds the parent standard's "
            f"{_days_en(parent.promised_days)})",
        )
    if promised > child.legal_days:
        _v(
            out,
            Code.PROMISED_EXCEEDS_LEGAL,
            "/time_limits/promised",
            f"承诺时限 {_days(promised)} 超过法定时限 {_days(child.legal_days)} "
            f"(promised {_days_en(promised)} exceeds the legal {_days_en(child.legal_days)})",
        )


def _days(days: int) -> str:
    return "即办" if days == INSTANT else f"{days} 个工作日"


def _days_en(days: int) -> str:
    return "instant" if days == INSTANT else f"{days} working days"


def _check_procedure(parent: Procedure, child: Procedure, out: list[Violation]) -> None:
    if child.steps != parent.steps:
        expected = " → ".join(step.label for step in parent.steps)
        _v(
            out,
            Code.PROCEDURE_CHANGED,
            "/procedure/steps",
            f"办理环节须为 {expected} (steps must stay "
            f"{[str(s) for s in parent.steps]}, got {[str(s) for s in child.steps]})",
        )
    if child.max_human_steps > parent.max_human_steps:
        _v(
            out,
            Code.PROCEDURE_CHANGED,
            "/procedure/max_human_steps",
            f"人工环节数不得超过 {parent.max_human_steps} (max_human_steps may only go down "
            f"from {parent.max_human_steps}, got {child.max_human_steps})",
        )


_Coded = TypeVar("_Coded", Material, Fee)


def _pair_by_code(
    parents: Sequence[_Coded],
    children: Sequence[_Coded],
    section: str,
    what: tuple[str, str],
    codes: tuple[Code, Code],
    out: list[Violation],
) -> Iterator[tuple[str, _Coded, _Coded]]:
    """Match a child's items (materials, fees) to the parent's by code. Reports duplicate
    codes and items the parent does not have; yields ``(pointer, mine, theirs)`` for the rest.
    ``what`` is the item's (Chinese, English) name, ``codes`` its (duplicate, added) codes."""
    cn, en = what
    duplicate, added = codes
    standard: dict[str, _Coded] = {}
    for item in parents:
        standard.setdefault(item.code, item)
    seen: set[str] = set()
    for index, mine in enumerate(children):
        at = f"/{section}/{index}"
        if mine.code in seen:
            _v(
                out,
                duplicate,
                at + "/code",
                f"{cn}编码 {mine.code} 重复 ({en} code {mine.code} appears twice)",
            )
            continue
        seen.add(mine.code)
        theirs = standard.get(mine.code)
        if theirs is None:
            _v(
                out,
                added,
                at,
                f"{cn} {mine.name}（{mine.code}）不在上级标准中 "
                f"({en} {mine.name} is not in the parent standard)",
            )
        elif theirs is not mine and theirs != mine:
            yield at, mine, theirs


def _check_materials(parent: MatterSpec, child: MatterSpec, out: list[Violation]) -> None:
    for at, mine, theirs in _pair_by_code(
        parent.materials,
        child.materials,
        "materials",
        ("材料", "material"),
        (Code.MATERIAL_DUPLICATE, Code.MATERIAL_ADDED),
        out,
    ):
        what = f"{theirs.name}（{theirs.code}）"
        if mine.name != theirs.name:
            _v(
                out,
                Code.MATERIAL_RENAMED,
                at + "/name",
                f"材料名称须为 {theirs.name} (material {mine.code} must keep its name "
                f"{theirs.name!r}, got {mine.name!r})",
            )
        if mine.required != theirs.required:
            if mine.required:
                _v(
                    out,
                    Code.MATERIAL_MADE_REQUIRED,
                    at + "/required",
                    f"材料 {what} 在上级标准中为非必要材料 ({theirs.name} is optional in the "
                    f"parent standard and may not be made required)",
                )
            else:
                _v(
                    out,
                    Code.MATERIAL_MADE_OPTIONAL,
                    at + "/required",
                    f"材料 {what} 在上级标准中为必要材料，只能通过免提交免除 ({theirs.name} "
                    f"is required by the parent standard; it may only be waived, if waivable)",
                )
        for attribute, label in (("originals", "原件"), ("copies", "复印件")):
            got = getattr(mine, attribute)
            limit = getattr(theirs, attribute)
            if got > limit:
                _v(
                    out,
                    Code.MATERIAL_COUNT_INCREASED,
                    f"{at}/{attribute}",
                    f"材料 {what} {label}份数不得超过 {limit} ({attribute} of "
                    f"{theirs.name} may only go down from {limit}, got {got})",
                )
        if theirs.page_limit is not None and (
            mine.page_limit is None or mine.page_limit > theirs.page_limit
        ):
            _v(
                out,
                Code.PAGE_LIMIT_RAISED,
                at + "/page_limit",
                (
                    f"材料 {what} 须保留页数上限（不超过 {theirs.page_limit}） (page_limit of "
                    f"{theirs.name} must stay, at most {theirs.page_limit}; it was removed)"
                    if mine.page_limit is None
                    else f"材料 {what} 页数上限不得超过 {theirs.page_limit} (page_limit of "
                    f"{theirs.name} may only go down from {theirs.page_limit}, "
                    f"got {mine.page_limit})"
                ),
            )
        if mine.source != theirs.source:
            _v(
                out,
                Code.MATERIAL_SOURCE_CHANGED,
                at + "/source",
                f"材料 {what} 来源须为 {theirs.source} (source of {theirs.name} must stay "
                f"{theirs.source!r}, got {mine.source!r})",
            )
        if mine.waivable and not theirs.waivable:
            _v(
                out,
                Code.MATERIAL_MADE_WAIVABLE,
                at + "/waivable",
                f"材料 {what} 在上级标准中不可免提交 ({theirs.name} is not waivable in the "
                f"parent standard)",
            )
        if mine.waived and not theirs.waived and not theirs.waivable:
            _v(
                out,
                Code.MATERIAL_WAIVED_NOT_WAIVABLE,
                at + "/waived",
                f"材料 {what} 不可免提交 ({theirs.name} may not be waived: the parent "
                f"standard does not mark it waivable)",
            )
        if theirs.waived and not mine.waived:
            _v(
                out,
                Code.MATERIAL_UNWAIVED,
                at + "/waived",
                f"上级已免提交材料 {what}，不得再要求申请人提交 ({theirs.name} is waived by the "
                f"parent standard and may not be demanded again)",
            )
    kept = {m.code for m in child.materials}
    for theirs in parent.materials:
        if theirs.code not in kept:
            _v(
                out,
                Code.MATERIAL_MISSING,
                "/materials",
                f"缺少上级标准材料 {theirs.name}（{theirs.code}）；免提交材料也须保留并标注 "
                f"waived (material {theirs.name} of the parent standard is missing; keep "
                f"it, marked waived if waivable)",
            )


def _check_fees(parent: MatterSpec, child: MatterSpec, out: list[Violation]) -> None:
    for at, mine, theirs in _pair_by_code(
        parent.fees,
        child.fees,
        "fees",
        ("收费项目", "fee"),
        (Code.FEE_DUPLICATE, Code.FEE_ADDED),
        out,
    ):
        if mine.amount_fen > theirs.amount_fen:
            _v(
                out,
                Code.FEE_RAISED,
                at + "/amount_fen",
                f"收费 {theirs.name} 不得高于 {_yuan(theirs.amount_fen)} (fee {theirs.name} "
                f"may not exceed {theirs.amount_fen} fen, got {mine.amount_fen})",
            )


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d} 元"


# --------------------------------------------------------------------------- forms

# Keywords of an object schema that are not compared as constraints.
_ROOT_FREE: Final = frozenset(
    {"properties", "required", "$defs", "$schema", "$id", "$comment", "title", "description"}
)
_NESTED_FREE: Final = frozenset({"properties", "required", "$defs"})
_ABSENT: Final = object()


def _is_object_schema(schema: object) -> bool:
    return (
        isinstance(schema, dict)
        and schema.get("type") == "object"
        and isinstance(schema.get("properties"), dict)
    )


def _check_form_object(
    parent: Mapping[str, Any], child: Any, at: str, out: list[Violation], *, root: bool
) -> None:
    """Every parent field present with the same schema; parent-required stay required;
    nothing newly required; every other constraint (and every parent ``$defs`` entry, which
    fields may reference) unchanged. Nested objects are compared field by field."""
    mine: Mapping[str, Any] = child if isinstance(child, dict) else {}
    their_props = parent.get("properties")
    their_props = their_props if isinstance(their_props, dict) else {}
    my_props = mine.get("properties")
    my_props = my_props if isinstance(my_props, dict) else {}
    for name, theirs in their_props.items():
        own = my_props.get(name, _ABSENT)
        if own is theirs or own == theirs:
            continue
        where = f"{at}/properties/{escape_token(name)}"
        if own is _ABSENT:
            _v(
                out,
                Code.FORM_FIELD_MISSING,
                where,
                f"缺少上级标准表单字段 {_field(name, theirs)} (field {name} of the parent "
                f"standard's form is missing)",
            )
            continue
        if _is_object_schema(theirs) and _is_object_schema(own):
            _check_form_object(theirs, own, where, out, root=False)
        else:
            _v(
                out,
                Code.FORM_FIELD_CHANGED,
                where,
                _field_changed(name, theirs, own),
            )
    their_required = parent.get("required")
    their_required = their_required if isinstance(their_required, list) else []
    my_required = mine.get("required")
    my_required = my_required if isinstance(my_required, list) else []
    if their_required != my_required:
        kept = set(my_required)
        for name in dict.fromkeys(their_required):
            if name not in kept:
                _v(
                    out,
                    Code.FORM_REQUIRED_DROPPED,
                    f"{at}/required",
                    f"上级标准的必填字段 {_field(name, their_props.get(name))} 须保持必填 "
                    f"(field {name} is required by the parent standard)",
                )
        theirs_required = set(their_required)
        for index, name in enumerate(my_required):
            if name not in theirs_required:
                extra = "新增字段只能选填" if name not in their_props else "上级标准中为选填"
                _v(
                    out,
                    Code.FORM_REQUIRED_ADDED,
                    f"{at}/required/{index}",
                    f"字段 {_field(name, my_props.get(name))} 不得设为必填：{extra} "
                    f"(field {name} may not be made required: the parent standard does not "
                    f"require it)",
                )
    free = _ROOT_FREE if root else _NESTED_FREE
    for keyword in [*parent, *(k for k in mine if k not in parent)]:
        if keyword in free:
            continue
        theirs_value = parent.get(keyword, _ABSENT)
        mine_value = mine.get(keyword, _ABSENT)
        if theirs_value is not mine_value and theirs_value != mine_value:
            _v(
                out,
                Code.FORM_CONSTRAINT_CHANGED,
                f"{at}/{escape_token(keyword)}",
                f"表单约束 {keyword} 须与上级标准相同 (form keyword {keyword} must keep the "
                f"parent standard's value)",
            )
    their_defs = parent.get("$defs")
    if isinstance(their_defs, dict) and their_defs:
        my_defs = mine.get("$defs")
        my_defs = my_defs if isinstance(my_defs, dict) else {}
        for name, theirs in their_defs.items():
            own = my_defs.get(name, _ABSENT)
            if own is not theirs and own != theirs:
                _v(
                    out,
                    Code.FORM_CONSTRAINT_CHANGED,
                    f"{at}/$defs/{escape_token(name)}",
                    f"表单定义 $defs/{name} 须与上级标准相同 (definition {name} must keep the "
                    f"parent standard's schema)",
                )


def _field_changed(name: str, theirs: object, own: object) -> str:
    """FORM_FIELD_CHANGED's message: the field and what changed, keyword by keyword."""
    zh: list[str] = []
    en: list[str] = []
    if isinstance(theirs, dict) and isinstance(own, dict):
        for key in [*theirs, *(k for k in own if k not in theirs)]:
            before, after = theirs.get(key, _ABSENT), own.get(key, _ABSENT)
            if after is _ABSENT:
                zh.append(f"删除了 {key}")
                en.append(f"{key} removed")
            elif before is _ABSENT:
                zh.append(f"新增 {key} = {_json(after)}")
                en.append(f"{key} added ({_json(after)})")
            elif before != after:
                zh.append(f"{key} 由 {_json(before)} 改为 {_json(after)}")
                en.append(f"{key} changed from {_json(before)} to {_json(after)}")
    else:
        zh.append(f"定义由 {_json(theirs)} 改为 {_json(own)}")
        en.append(f"schema changed from {_json(theirs)} to {_json(own)}")
    shown = 3
    more_zh = f" 等 {len(zh)} 处" if len(zh) > shown else ""
    more_en = f" and {len(en) - shown} more" if len(en) > shown else ""
    return (
        f"表单字段 {_field(name, theirs)} 须与上级标准相同：{'；'.join(zh[:shown])}{more_zh} "
        f"(field {name} must keep the parent standard's schema: "
        f"{'; '.join(en[:shown])}{more_en})"
    )


def _json(value: object) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _field(name: object, schema: object) -> str:
    title = schema.get("title") if isinstance(schema, dict) else None
    return f"{title}({name})" if isinstance(title, str) else str(name)


# --------------------------------------------------------------------------- implementations


def check_implementation(
    standard: MatterSpec,
    impl: Implementation,
    *,
    flow_context: FlowContext | None = None,
    receiving_implementation_published: bool | None = None,
) -> list[Violation]:
    """Every way ``impl`` departs from its effective ``standard``, sorted.

    ``check_refinement(standard, impl.spec)``, plus the flow (``validate_flow``, pointers
    under ``/flow``) and the approval chain: where the standard escalates from the
    implementing level (e.g. 县初审市终审 implemented by a county), the flow must contain an
    ``escalate`` node to the final level, and ``receiving_implementation_published=False``
    (the final level has no published implementation) is a violation; ``None`` means
    unknown and is not checked. The form passing ``check_form_schema`` is the caller's
    check, not repeated here.
    """
    out: list[Violation] = []
    _check_spec(standard, impl.spec, out)
    context = flow_context or _NO_CONTEXT
    own = impl.spec.procedure
    base = standard.procedure
    procedure = (
        own if own.steps == base.steps and own.max_human_steps <= base.max_human_steps else base
    )
    form = impl.spec.form if isinstance(impl.spec.form, dict) else None
    for violation in _validate_flow_cached(
        impl.flow,
        procedure,
        impl.spec.promised_days,
        context.departments,
        context.known_matters,
        impl.level,
        form,
        context.form_schemas,
    ):
        out.append(violation.under("/flow"))
    chain = standard.approval_chain
    if chain.escalates and impl.level == chain.initial:
        if not _escalates_to(impl.flow, chain.final):
            _v(
                out,
                Code.APPROVAL_CHAIN_NO_ESCALATE,
                "/flow",
                f"{chain.initial.label}初审、{chain.final.label}终审：流程须含上报至"
                f"{chain.final.label}的 escalate 节点 (the flow needs an escalate node to "
                f"{chain.final.key})",
            )
        if receiving_implementation_published is False:
            _v(
                out,
                Code.APPROVAL_CHAIN_NO_RECEIVER,
                "/approval_chain",
                f"{chain.final.label}尚无已发布的实施清单接收上报 (no published "
                f"{chain.final.key}-level implementation receives the escalation)",
            )
    out.sort()
    return out


_NO_CONTEXT: Final = FlowContext()


def _escalates_to(flow: object, level: Level) -> bool:
    nodes = flow.get("nodes") if isinstance(flow, dict) else None
    if not isinstance(nodes, list):
        return False
    for node in nodes:
        if isinstance(node, dict) and node.get("kind") == "escalate":
            target = node.get("to")
            if target == level.key:
                return True
    return False


# Flow validation results by (flow content, arguments). Many implementations share a flow;
# a flow is small, so its canonical JSON is a cheap, exact key.
_FLOW_CACHE_LIMIT: Final = 4096
_flow_cache: dict[tuple[Any, ...], tuple[Violation, ...]] = {}


def _validate_flow_cached(
    flow: Any,
    procedure: Procedure,
    promised_days: int,
    departments: frozenset[str] | None,
    known_matters: frozenset[str] | None,
    tenant_level: Level,
    form: Mapping[str, Any] | None,
    form_schemas: SchemaRegistry | None,
) -> tuple[Violation, ...]:
    try:
        content = json.dumps(
            [flow, form], sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
    except (TypeError, ValueError):  # not JSON data: validate, but do not cache
        content = None
    key = (
        content,
        procedure,
        promised_days,
        departments,
        known_matters,
        tenant_level,
        form_schemas,
    )
    if content is not None:
        found = _flow_cache.get(key)
        if found is not None:
            return found
    result = tuple(
        validate_flow(
            flow,
            procedure=procedure,
            promised_days=promised_days,
            departments=departments,
            known_matters=known_matters,
            tenant_level=tenant_level,
            form_schema=form,
            form_registry=form_schemas.registry if form_schemas is not None else None,
        )
    )
    if content is not None:
        if len(_flow_cache) >= _FLOW_CACHE_LIMIT:
            _flow_cache.pop(next(iter(_flow_cache)))
        _flow_cache[key] = result
    return result
