"""What changed between two versions of a matter document, section by section, keyed the way
the designer names things: a material or fee by its code, a form field by its dotted path, a
flow node by its id, an edge by its id (else "from->to"). Labels are Chinese. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tongban.core.problem_targets import edge_id

SECTIONS = ("basic", "materials", "limits", "fees", "guide", "form", "flow")
ADDED, REMOVED, CHANGED = "ADDED", "REMOVED", "CHANGED"

BASIC_LABELS = {
    "kind": "事项类别",
    "code": "基本编码",
    "name": "事项名称",
    "matter_type": "事项类型",
    "legal_basis": "设定依据",
    "power_source": "权力来源",
    "service_objects": "服务对象",
    "conditions": "受理条件",
    "notify_and_commit": "告知承诺制",
    "procedure": "办理程序",
    "approval_chain": "审批层级",
    "escalation": "跨层级审批",
    "department": "实施主体",
}
LIMIT_LABELS = {"legal": "法定办结时限", "promised": "承诺办结时限"}
GUIDE_LABELS = {
    "address": "办理地点",
    "hours": "办理时间",
    "phone": "咨询电话",
    "complaint_phone": "监督投诉电话",
    "online_url": "网上办理地址",
}
_SECTION_KEYS = {"materials", "time_limits", "fees", "guide", "form", "flow"}


@dataclass(frozen=True)
class Change:
    section: str
    key: str
    label: str
    change: str  # ADDED|REMOVED|CHANGED
    before: Any
    after: Any


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _compare(
    section: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    label: Any,
) -> Iterator[Change]:
    """Changes between two keyed collections, in the after order, then removed ones."""
    for key, value in after.items():
        if key not in before:
            yield Change(section, key, label(key, value), ADDED, None, value)
        elif before[key] != value:
            yield Change(section, key, label(key, value), CHANGED, before[key], value)
    for key, value in before.items():
        if key not in after:
            yield Change(section, key, label(key, value), REMOVED, value, None)


def _by_code(items: Any) -> dict[str, Any]:
    keyed: dict[str, Any] = {}
    for index, item in enumerate(_list(items)):
        code = item.get("code") if isinstance(item, Mapping) else None
        keyed[str(code) if code else f"#{index + 1}"] = item
    return keyed


def _named(prefix: str) -> Any:
    def label(key: str, value: Any) -> str:
        name = value.get("name") if isinstance(value, Mapping) else None
        return f"{prefix} {key} {name}" if name else f"{prefix} {key}"

    return label


def form_fields(form: Any, prefix: str = "") -> dict[str, dict[str, Any]]:
    """Each field of a form schema by dotted path: its own keywords (nested fields apart)
    and whether its parent requires it."""
    fields: dict[str, dict[str, Any]] = {}
    schema = _mapping(form)
    required = set(_list(schema.get("required")))
    for name, spec in _mapping(schema.get("properties")).items():
        path = f"{prefix}{name}"
        own = {k: v for k, v in _mapping(spec).items() if k not in ("properties", "required")}
        fields[path] = {**own, "required": name in required}
        fields.update(form_fields(spec, path + "."))
    return fields


def _field_label(key: str, value: Any) -> str:
    title = value.get("title") if isinstance(value, Mapping) else None
    return f"字段 {key} {title}" if title else f"字段 {key}"


def _form_changes(before: Any, after: Any) -> Iterator[Change]:
    yield from _compare("form", form_fields(before), form_fields(after), _field_label)
    rest_before = {k: v for k, v in _mapping(before).items() if k not in ("properties", "required")}
    rest_after = {k: v for k, v in _mapping(after).items() if k not in ("properties", "required")}
    if rest_before != rest_after:
        yield Change("form", "", "表单整体设置", CHANGED, rest_before, rest_after)


def _node_label(key: str, value: Any) -> str:
    name = value.get("name") if isinstance(value, Mapping) else None
    return f"环节 {key} {name}" if name else f"环节 {key}"


def _flow_changes(before: Any, after: Any) -> Iterator[Change]:
    def nodes(flow: Any) -> dict[str, Any]:
        return {
            str(n.get("id")): n
            for n in _list(_mapping(flow).get("nodes"))
            if isinstance(n, Mapping)
        }

    def edges(flow: Any) -> dict[str, Any]:
        return {edge_id(e): e for e in _list(_mapping(flow).get("edges")) if isinstance(e, Mapping)}

    yield from _compare("flow", nodes(before), nodes(after), _node_label)
    yield from _compare("flow", edges(before), edges(after), lambda key, _: f"连线 {key}")


def diff_documents(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every change from ``before`` to ``after``, sections in ``SECTIONS`` order."""
    changes: list[Change] = []
    basic_before = {k: v for k, v in before.items() if k not in _SECTION_KEYS}
    basic_after = {k: v for k, v in after.items() if k not in _SECTION_KEYS}
    changes += _compare(
        "basic", basic_before, basic_after, lambda key, _: BASIC_LABELS.get(key, key)
    )
    changes += _compare(
        "materials",
        _by_code(before.get("materials")),
        _by_code(after.get("materials")),
        _named("材料"),
    )
    changes += _compare(
        "limits",
        dict(_mapping(before.get("time_limits"))),
        dict(_mapping(after.get("time_limits"))),
        lambda key, _: LIMIT_LABELS.get(key, f"时限 {key}"),
    )
    changes += _compare(
        "fees", _by_code(before.get("fees")), _by_code(after.get("fees")), _named("收费")
    )
    changes += _compare(
        "guide",
        dict(_mapping(before.get("guide"))),
        dict(_mapping(after.get("guide"))),
        lambda key, _: f"办事指南 {GUIDE_LABELS.get(key, key)}",
    )
    changes += _form_changes(before.get("form"), after.get("form"))
    changes += _flow_changes(before.get("flow"), after.get("flow"))
    return changes
