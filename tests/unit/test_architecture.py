"""The core stays pure: importing it loads no framework (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PLATFORM = Path(__file__).resolve().parents[2] / "platform"
FORBIDDEN = ("flask", "flask_appbuilder", "sqlalchemy", "celery", "graphene", "alembic")


def _modules_loaded_by(statement: str) -> set[str]:
    code = (
        f"import sys, json; sys.path.insert(0, {str(PLATFORM)!r}); {statement}; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(json.loads(out.stdout))


def test_core_imports_no_framework() -> None:
    core = sorted(
        "tongban.core."
        + p.relative_to(PLATFORM / "tongban" / "core").with_suffix("").as_posix().replace("/", ".")
        for p in (PLATFORM / "tongban" / "core").rglob("*.py")
        if p.name != "__init__.py"
    )
    loaded = _modules_loaded_by("; ".join(f"import {m}" for m in core))
    leaked = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN)
    assert leaked == [], f"core imports frameworks: {leaked}"


def test_platform_folder_has_no_init() -> None:
    assert not (PLATFORM / "__init__.py").exists(), "platform/__init__.py would shadow stdlib"


def test_services_do_not_import_web_or_tasks() -> None:
    for path in (PLATFORM / "tongban" / "services").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for banned in (
            "flask",
            "celery",
            "graphene",
            "tongban.adapters.web",
            "tongban.adapters.graphql",
        ):
            assert f"import {banned}" not in text and f"from {banned}" not in text, (path, banned)
