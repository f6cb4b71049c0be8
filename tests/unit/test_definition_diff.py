"""Two versions of a matter document → what changed, section by section, with Chinese labels."""

from __future__ import annotations

import copy
from typing import Any

from tongban.core.definition_diff import SECTIONS, Change, diff_documents, form_fields

BEFORE: dict[str, Any] = {
    "kind": "implementation",
    "code": "000115041004",
    "name": "社会保险登记",
    "legal_basis": "《中华人民共和国社会保险法》第五十七条",
    "time_limits": {"legal": 15, "promised": 5},
    "materials": [
        {"code": "M001", "name": "公司章程", "copies": 1},
        {"code": "M002", "name": "登记表", "originals": 1},
    ],
    "fees": [{"code": "F1", "name": "工本费", "amount_fen": 1000}],
    "form": {
        "type": "object",
        "properties": {
            "companyName": {"title": "企业名称", "type": "string"},
            "contact": {
                "title": "联系人",
                "type": "object",
                "properties": {"mobile": {"title": "手机号码", "type": "string"}},
            },
        },
        "required": ["companyName"],
    },
    "department": "rsj",
    "guide": {"address": "一楼大厅", "phone": "0451-1"},
    "flow": {
        "nodes": [
            {"id": "start", "kind": "start"},
            {"id": "review", "kind": "task", "name": "登记审查", "days": 1},
            {"id": "end", "kind": "end"},
        ],
        "edges": [{"from": "start", "to": "review"}, {"from": "review", "to": "end"}],
    },
}


def _keys(changes: list[Change]) -> list[tuple[str, str, str]]:
    return [(c.section, c.key, c.change) for c in changes]


def test_the_same_document_has_no_changes() -> None:
    assert diff_documents(BEFORE, copy.deepcopy(BEFORE)) == []


def test_changes_keyed_and_labelled_by_section() -> None:
    after = copy.deepcopy(BEFORE)
    after["name"] = "社会保险登记（单位）"
    after["time_limits"]["promised"] = 3
    after["materials"] = [after["materials"][1], {"code": "M003", "name": "经办人身份证件"}]
    after["materials"][0]["originals"] = 2
    del after["fees"]
    after["guide"]["hours"] = "工作日"
    after["form"]["properties"]["contact"]["properties"]["mobile"]["maxLength"] = 11
    after["form"]["required"] = []
    after["flow"]["nodes"][1]["days"] = 2
    after["flow"]["nodes"].insert(2, {"id": "notify", "kind": "external", "system": "短信"})
    after["flow"]["edges"] = [
        {"from": "start", "to": "review"},
        {"from": "review", "to": "notify"},
        {"id": "done", "from": "notify", "to": "end"},
    ]
    changes = diff_documents(BEFORE, after)
    assert _keys(changes) == [
        ("basic", "name", "CHANGED"),
        ("materials", "M002", "CHANGED"),
        ("materials", "M003", "ADDED"),
        ("materials", "M001", "REMOVED"),
        ("limits", "promised", "CHANGED"),
        ("fees", "F1", "REMOVED"),
        ("guide", "hours", "ADDED"),
        ("form", "companyName", "CHANGED"),  # no longer required
        ("form", "contact.mobile", "CHANGED"),
        ("flow", "review", "CHANGED"),
        ("flow", "notify", "ADDED"),
        ("flow", "review->notify", "ADDED"),
        ("flow", "done", "ADDED"),
        ("flow", "review->end", "REMOVED"),
    ]
    labels = {(c.section, c.key): c.label for c in changes}
    assert labels[("basic", "name")] == "事项名称"
    assert labels[("materials", "M001")] == "材料 M001 公司章程"
    assert labels[("limits", "promised")] == "承诺办结时限"
    assert labels[("fees", "F1")] == "收费 F1 工本费"
    assert labels[("guide", "hours")] == "办事指南 办理时间"
    assert labels[("form", "contact.mobile")] == "字段 contact.mobile 手机号码"
    assert labels[("flow", "review")] == "环节 review 登记审查"
    assert labels[("flow", "review->end")] == "连线 review->end"
    removed = next(c for c in changes if c.key == "M001")
    assert (removed.before, removed.after) == (BEFORE["materials"][0], None)
    review = next(c for c in changes if c.key == "review")
    assert (review.before["days"], review.after["days"]) == (1, 2)
    assert {c.section for c in changes} <= set(SECTIONS)


def test_form_fields_flatten_nested_objects_with_their_required_flag() -> None:
    fields = form_fields(BEFORE["form"])
    assert list(fields) == ["companyName", "contact", "contact.mobile"]
    assert fields["companyName"]["required"] is True
    assert fields["contact.mobile"] == {"title": "手机号码", "type": "string", "required": False}
    assert "properties" not in fields["contact"]


def test_form_settings_beside_the_fields_are_one_change() -> None:
    after = copy.deepcopy(BEFORE)
    after["form"]["additionalProperties"] = False
    [change] = diff_documents(BEFORE, after)
    assert (change.section, change.key, change.label) == ("form", "", "表单整体设置")
    assert change.after == {"type": "object", "additionalProperties": False}


def test_documents_missing_sections_compare_as_empty() -> None:
    standard = {k: v for k, v in BEFORE.items() if k not in ("flow", "guide", "department")}
    changes = diff_documents(standard, BEFORE)
    assert ("basic", "department", "ADDED") in _keys(changes)
    assert ("flow", "review", "ADDED") in _keys(changes)
    assert ("guide", "address", "ADDED") in _keys(changes)
