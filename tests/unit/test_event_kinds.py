"""The event kinds webhooks accept are exactly those the case services record: read from the
code (every PascalCase string literal handed to a call in ``services/``, which is how every
``ctx.record(...)`` and the helpers that end in it — ``complete_node``, ``_accept``,
``_resume``, ``answer`` — receive their kind), so a new kind cannot be forgotten."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tongban.adapters.web.case_labels import EVENT_LABELS
from tongban.core.cases.event_kinds import EVENT_KINDS, STEP_OPINIONS
from tongban.services import webhooks
from tongban.services.cases.steps import Opinion

SERVICES = Path(__file__).resolve().parents[2] / "platform" / "tongban" / "services"
KIND = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+")


def _literals(node: ast.expr) -> list[str]:
    """The kinds an argument can be: a literal, either branch of ``a if c else b``, or the
    fixed part of ``f"StepCompleted:{...}"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and str(first.value).endswith(":"):
            return [str(first.value)[:-1]]
    return []


def _kinds_in_code() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(SERVICES.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            for arg in call.args:
                for value in _literals(arg):
                    if KIND.fullmatch(value):
                        found.setdefault(value, f"{path.name}:{call.lineno}")
    return found


def test_the_list_of_event_kinds_is_the_code_s() -> None:
    in_code = _kinds_in_code()
    assert "DeadlinesRecomputed" in in_code and "StepCompleted" in in_code  # the scan works
    missing = {k: where for k, where in in_code.items() if k not in EVENT_KINDS}
    assert missing == {}, "recorded but not in core/cases/event_kinds.py"
    assert sorted(set(EVENT_KINDS) - set(in_code)) == [], "listed but never recorded"
    assert len(EVENT_KINDS) == len(set(EVENT_KINDS))
    assert set(STEP_OPINIONS) == {o.value for o in Opinion}
    assert set(EVENT_LABELS) == set(EVENT_KINDS), "every recorded kind has one Chinese label"


def test_webhooks_accept_known_kinds_and_refuse_unknown_ones() -> None:
    assert webhooks.check_events(["DeadlinesRecomputed", "CaseAccepted"]) == [
        "CaseAccepted",
        "DeadlinesRecomputed",
    ]
    assert webhooks.check_events(["StepCompleted", "StepCompleted:deny"]) == [
        "StepCompleted",
        "StepCompleted:deny",
    ]
    assert webhooks.check_events(["CaseAccepted", "*"]) == ["*"]
    for unknown in (["CaseAccepte"], ["caseaccepted"], ["CaseHacked"], ["StepCompleted:x"]):
        with pytest.raises(webhooks.InvalidWebhook, match="没有这种事件类型") as caught:
            webhooks.check_events(unknown)
        assert caught.value.reason == "WEBHOOK_EVENT_UNKNOWN"
        assert "unknown event kind" in caught.value.render("en")
        assert caught.value.data["unknown"] == unknown
    with pytest.raises(webhooks.InvalidWebhook, match="1 到 50"):
        webhooks.check_events([])
