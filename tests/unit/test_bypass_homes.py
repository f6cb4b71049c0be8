"""The platform-wide bypass of tenant visibility is imported only by its homes
(``tongban.adapters.db.bypass.HOMES``, each with its reason); ruff's TID251 bans the import
elsewhere, and this keeps the list and the code in step both ways."""

from __future__ import annotations

import ast
from pathlib import Path

from tongban.adapters.db import bypass
from tongban.adapters.db.unit_of_work import Database

PACKAGE = Path(__file__).resolve().parents[2] / "platform" / "tongban"
BYPASS = "tongban.adapters.db.bypass"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_bypass(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == BYPASS:
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "tongban.adapters.db":
            if any(alias.name == "bypass" for alias in node.names):
                return True
        if isinstance(node, ast.Import) and any(a.name == BYPASS for a in node.names):
            return True
    return False


def _calls_the_hidden_method(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Attribute) and node.attr == "_platform_unit_of_work"
        for node in ast.walk(tree)
    )


def test_only_the_homes_import_the_bypass() -> None:
    importers, callers = set(), set()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = _module(path)
        if _imports_bypass(tree):
            importers.add(module)
        if _calls_the_hidden_method(tree):
            callers.add(module)
    assert importers == set(bypass.HOMES)
    assert callers == {BYPASS}  # the unit of work's own method is reached only through it
    assert all(reason.strip() for reason in bypass.HOMES.values())


def test_the_database_has_no_public_bypass() -> None:
    assert not hasattr(Database, "platform")
