"""The `tongban` command as a user runs it: a real subprocess on a SQLite file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "tenants"
COUNTY = "100000/230000/230100/230123"


def tongban(*args: str, var: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TONGBAN_VAR_DIR": str(var)}
    env.pop("TONGBAN_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "tongban.cli", *args],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT / "platform")},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_validate_the_demo_tree(tmp_path: Path) -> None:
    done = tongban("validate", str(DEMO), var=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK" in done.stdout


def test_validate_lists_every_problem_with_file_and_pointer(tmp_path: Path) -> None:
    tree = tmp_path / "tenants"
    shutil.copytree(DEMO, tree)
    (tree / COUNTY / "tenant.yaml").write_text(
        "code: '230123'\nname: [unclosed\n", encoding="utf-8"
    )
    impl = tree / "100000/230000/230100/230124/matters/000172111003.implementation.yaml"
    doc = yaml.safe_load(impl.read_text(encoding="utf-8"))
    doc["flow"]["nodes"].append(
        {
            "id": "orphan",
            "kind": "task",
            "step": "review",
            "name": "孤立",
            "department": doc["department"],
            "role": "reviewer",
            "days": 0,
        }
    )
    doc["colour"] = "red"
    impl.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = tongban("validate", str(tree), var=tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert any(
        line.startswith(f"FILE_SYNTAX {COUNTY}/tenant.yaml") and "tenant.yaml:3:1" in line
        for line in lines
    ), done.stdout
    rel = impl.relative_to(tree).as_posix()
    assert any(rel in line and "orphan" in line for line in lines), done.stdout
    assert any(rel in line and "colour" in line for line in lines), done.stdout
    assert "problem(s)" in done.stderr


def test_load_export_conformance_round_trip(tmp_path: Path) -> None:
    assert tongban("load", str(DEMO), var=tmp_path).returncode == 0
    again = tongban("load", str(DEMO), var=tmp_path)
    assert "32 unchanged" in again.stdout
    assert tongban("export", str(tmp_path / "out"), var=tmp_path).returncode == 0
    exported = {
        p.relative_to(tmp_path / "out"): p.read_bytes() for p in (tmp_path / "out").rglob("*.yaml")
    }
    shipped = {p.relative_to(DEMO): p.read_bytes() for p in DEMO.rglob("*.yaml")}
    assert exported == shipped
    report = tongban("conformance", var=tmp_path)
    assert report.returncode == 0 and "0 not conforming" in report.stdout
    county = tongban("conformance", "--tenant", "230123", var=tmp_path)
    assert county.returncode == 0 and "230124" not in county.stdout and "230123" in county.stdout
    sibling = tongban("conformance", "--tenant", "230124", var=tmp_path)
    assert "230123 " not in sibling.stdout


def test_load_of_a_broken_tree_changes_nothing(tmp_path: Path) -> None:
    tree = tmp_path / "tenants"
    shutil.copytree(DEMO, tree)
    (tree / COUNTY / "matters" / "extra.yaml").write_text("kind: standard\n", encoding="utf-8")
    done = tongban("load", str(tree), var=tmp_path)
    assert done.returncode == 1 and "nothing loaded" in done.stderr
    assert "extra.yaml" in done.stderr
    assert tongban("load", str(DEMO), var=tmp_path).returncode == 0


def test_simulate_pushes_cases_through_the_demo_and_the_audit_log_verifies(tmp_path: Path) -> None:
    assert tongban("simulate", "--cases", "3", var=tmp_path).returncode == 1  # nothing loaded
    assert tongban("load", str(DEMO), var=tmp_path).returncode == 0
    done = tongban("simulate", "--cases", "6", var=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "6 case(s)" in done.stdout and "outcomes:" in done.stdout
    audit = tongban("audit", "verify", var=tmp_path)
    assert audit.returncode == 0 and "intact" in audit.stdout
    sweep = tongban("sweep", var=tmp_path)
    assert sweep.returncode == 0 and "checked" in sweep.stdout
