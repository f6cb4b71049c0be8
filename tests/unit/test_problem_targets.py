"""A problem's JSON pointer → the designer target it belongs to."""

from __future__ import annotations

from typing import Any

import pytest

from tongban.core.problem_targets import Target, pointer_tokens, problem_target

DOCUMENT: dict[str, Any] = {
    "kind": "implementation",
    "code": "000115041004",
    "time_limits": {"legal": 15, "promised": 1},
    "materials": [{"code": "M001", "name": "营业执照"}, {"code": "M002", "name": "登记表"}],
    "fees": [{"code": "F1", "name": "工本费", "amount_fen": 1000}],
    "form": {
        "type": "object",
        "properties": {
            "company": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "a/b": {"type": "string"}},
                "required": ["name"],
            },
            "staff": {"type": "array", "items": {"properties": {"id": {"type": "string"}}}},
        },
        "required": ["company"],
    },
    "guide": {"address": "政务服务中心"},
    "flow": {
        "nodes": [
            {"id": "start", "kind": "start"},
            {"id": "receive", "kind": "task"},
            {"id": "accept", "kind": "task"},
            {"id": "review", "kind": "task", "days": 1},
        ],
        "edges": [
            {"from": "start", "to": "receive"},
            {"id": "fast", "from": "receive", "to": "accept"},
            {"from": "accept", "to": "review"},
        ],
    },
}


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/flow/nodes/3/days", Target("node", "review")),
        ("/flow/nodes/1", Target("node", "receive")),
        ("/flow/edges/2", Target("edge", "accept->review")),
        ("/flow/edges/1/to", Target("edge", "fast")),
        ("/flow/nodes/9", Target("basic", "flow")),  # no such node: the flow as a whole
        ("/flow", Target("basic", "flow")),
        ("/form/properties/company/properties/name/maxLength", Target("field", "company.name")),
        ("/form/properties/company/properties/a~1b", Target("field", "company.a/b")),
        ("/form/properties/company/required/0", Target("field", "company.name")),
        ("/form/required/0", Target("field", "company")),
        ("/form/properties/staff/items/properties/id", Target("field", "staff.id")),
        ("/form/type", Target("basic", "form")),
        ("/materials/1/originals", Target("material", "M002")),
        ("/materials/7", Target("basic", "materials")),
        ("/fees/0/amount_fen", Target("fee", "F1")),
        ("/time_limits/promised", Target("limit", "promised")),
        ("/time_limits", Target("limit", "time_limits")),
        ("/guide/phone", Target("guide", "phone")),
        ("/legal_basis", Target("basic", "legal_basis")),
        ("/department", Target("basic", "department")),
    ],
)
def test_pointer_to_target(pointer: str, expected: Target) -> None:
    assert problem_target(pointer, DOCUMENT) == expected


def test_the_whole_document_has_no_better_target() -> None:
    assert problem_target("", DOCUMENT) is None


def test_a_document_of_the_wrong_shape_still_gives_the_section() -> None:
    broken = {"flow": "not a flow", "materials": {"M001": {}}, "form": []}
    assert problem_target("/flow/nodes/0", broken) == Target("basic", "flow")
    assert problem_target("/materials/0/code", broken) == Target("basic", "materials")
    assert problem_target("/form/properties/x", broken) == Target("field", "x")


def test_pointer_tokens_unescape() -> None:
    assert pointer_tokens("/a~1b/c~0d/0") == ["a/b", "c~d", "0"]
    assert pointer_tokens("") == []
