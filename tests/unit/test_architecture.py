"""The layering holds: the core loads no framework (checked in a fresh interpreter), and
every import-linter contract in pyproject.toml is kept (docs/architecture.md "Contracts")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "platform"
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]
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


def test_the_contracts_say_the_documented_layers() -> None:
    layers = next(c for c in CONTRACTS if c["type"] == "layers")["layers"]
    assert layers[0] == "tongban.cli" and layers[-1] == "tongban.core"
    adapters = "tongban.adapters.web | tongban.adapters.graphql | tongban.adapters.tasks"
    assert any(layer.startswith(adapters) for layer in layers), layers
    order = [layer.split(" ")[0] for layer in layers]
    assert order.index("tongban.services") < order.index("tongban.adapters.db"), order
    assert all("ignore_imports" not in c for c in CONTRACTS), "exceptions go in the docs first"


@pytest.mark.parametrize("contract", [c["id"] for c in CONTRACTS])
def test_import_contract_is_kept(contract: str) -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo", "--contract", contract],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(PLATFORM)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


CORE_LIBRARIES = {"networkx", "jsonschema", "referencing", "lunar_python", "chinese_calendar"}
"""What the core may import besides the standard library (docs/architecture.md)."""


def test_core_imports_only_the_standard_library_and_its_declared_libraries() -> None:
    import grimp

    graph = grimp.build_graph("tongban", include_external_packages=True, cache_dir=None)
    core = {m for m in graph.modules if m == "tongban.core" or m.startswith("tongban.core.")}
    imported = {
        found.split(".")[0]
        for module in core
        for found in graph.find_modules_directly_imported_by(module)
        if not found.startswith("tongban")
    }
    undeclared = imported - CORE_LIBRARIES - set(sys.stdlib_module_names) - {"__future__"}
    assert undeclared == set(), f"core imports undeclared libraries: {sorted(undeclared)}"
