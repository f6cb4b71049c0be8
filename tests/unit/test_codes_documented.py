"""Every violation code the platform uses is listed in docs/conformance.md, so the list
cannot drift from the code again (issue 10, point 7)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "platform"
DOC = ROOT / "docs" / "conformance.md"
CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,}")


def _imports_violation(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "tongban.core.errors"
        and any(alias.name == "Violation" for alias in node.names)
        for node in ast.walk(tree)
    )


def _named_constants(tree: ast.Module) -> set[str]:
    """``NAME = "NAME"`` (annotated or not), at module level or in a class such as an enum."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if (
            isinstance(target, ast.Name)
            and isinstance(value, ast.Constant)
            and value.value == target.id
            and CODE.fullmatch(target.id)
        ):
            found.add(target.id)
    return found


def _literal_codes(tree: ast.Module) -> set[str]:
    """String literals given as a violation's code: ``Violation("CODE", …)`` and the code
    argument of the helpers that build violations (``_check_unique(items, "CODE", …)``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        for arg in node.args[:2] if name != "Violation" else node.args[:1]:
            if (
                isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and CODE.fullmatch(arg.value)
                and (name == "Violation" or name in ("_check_unique", "problem", "_across_tenants"))
            ):
                found.add(arg.value)
    return found


def violation_codes() -> dict[str, str]:
    """Every violation code in platform/, with the file that uses it."""
    codes: dict[str, str] = {}
    for path in sorted(PLATFORM.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not (_imports_violation(tree) or path.name == "codes.py"):
            continue  # codes.py: tables of code constants that other modules raise
        for code in _named_constants(tree) | _literal_codes(tree):
            codes.setdefault(code, path.relative_to(ROOT).as_posix())
    return codes


def test_the_scan_finds_codes_of_every_kind() -> None:
    codes = violation_codes()
    # constants, enum members, literals in Violation(...) over several lines, helper args
    for code in (
        "FLOW_SHAPE",
        "FLOW_CONDITION_UNKNOWN_PROPERTY",
        "NAME_CHANGED",
        "FORM_DEFAULT_INVALID",
        "FILE_SYNTAX",
        "FILE_UNEXPECTED",
        "FLOW_ASSIGNEE_UNSTAFFED",
        "TENANT_DIVISION_CODE",
        "DEPARTMENT_INVALID_USCC",
        "DEPARTMENT_DUPLICATE_CODE",
        "CALENDAR_INVALID",
    ):
        assert code in codes, code
    assert len(codes) > 100


def test_every_violation_code_is_in_docs_conformance() -> None:
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", DOC.read_text(encoding="utf-8")))
    missing = {code: where for code, where in violation_codes().items() if code not in documented}
    assert missing == {}, f"add these codes to docs/conformance.md: {missing}"
