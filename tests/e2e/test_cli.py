"""The `tongban` command as a user runs it: a real subprocess on a SQLite file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
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
    assert tongban("simulate", "--cases", "3", var=tmp_path).returncode == 2  # no database
    assert tongban("load", str(DEMO), var=tmp_path).returncode == 0
    done = tongban("simulate", "--cases", "6", var=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "6 case(s)" in done.stdout and "outcomes:" in done.stdout
    audit = tongban("audit", "verify", var=tmp_path)
    assert audit.returncode == 0 and "intact" in audit.stdout
    sweep = tongban("sweep", var=tmp_path)
    assert sweep.returncode == 0 and "checked" in sweep.stdout


ON_EXISTING_DATA: dict[tuple[str, ...], tuple[str, ...]] = {
    ("audit", "verify"): (),
    ("export",): ("out",),
    ("conformance",): (),
    ("simulate",): ("--cases", "1"),
    ("sweep",): (),
    ("apikey", "list"): (),
    ("apikey", "create"): ("--tenant", "230123", "--role", "clerk", "--name", "x"),
    ("apikey", "revoke"): ("abcdefgh",),
    ("serve",): (),  # `serve --demo` makes the database; serving alone needs one
    ("worker",): (),
    ("calendar", "show"): ("2027",),
    ("calendar", "import"): (str(ROOT / "tests/e2e/calendars/2027.yaml"),),
    ("result", "export"): ("11230123MB0000211R4000131127004202609010001", "out"),
}
"""Every command that works on data already in the database, with arguments to run it."""

MAKE_OR_NEED_NONE = {("db", "upgrade"), ("load",), ("validate",), ("verify",), ("graphql-schema",)}
"""The commands that make the database (``db upgrade``, ``load``) or never open it."""


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    paths: set[tuple[str, ...]] = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            paths |= _command_paths(command, (*prefix, name))
        else:
            paths.add((*prefix, name))
    return paths


def test_every_command_is_known_to_need_a_database_or_not() -> None:
    from tongban.cli import main

    assert _command_paths(main) == set(ON_EXISTING_DATA) | MAKE_OR_NEED_NONE


def test_audit_verify_in_an_empty_folder_refuses_and_creates_nothing(tmp_path: Path) -> None:
    """Issue 9 as reported: `tongban audit verify` in an empty folder used to create
    ./var/tongban.db and print "audit log intact"."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGBAN_")}
    done = subprocess.run(
        [sys.executable, "-m", "tongban.cli", "audit", "verify"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT / "platform")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "intact" not in done.stdout
    database = tmp_path / "var" / "tongban.db"
    assert done.stderr.startswith(f"没有通办数据库：{database}（文件不存在"), done.stderr
    assert "`tongban db upgrade`" in done.stderr and "`tongban load tenants`" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_commands_on_data_refuse_a_database_that_does_not_exist(tmp_path: Path) -> None:
    """Every such command, in-process (the refusal comes before anything else they do)."""
    from click.testing import CliRunner

    from tongban.cli import main

    var = tmp_path / "var"
    database = var / "tongban.db"
    runner = CliRunner()
    for path, args in ON_EXISTING_DATA.items():
        env = {"TONGBAN_VAR_DIR": str(var), "TONGBAN_DATABASE_URL": None}
        done = runner.invoke(main, [*path, *args], env=env)
        assert done.exit_code == 2, (path, done.output, done.exception)
        [said] = done.stderr.splitlines()
        assert said.startswith("没有通办数据库") and str(database) in said, path
        assert "tongban db upgrade" in said and "tongban load tenants" in said, path
        assert done.stdout == "", path
        assert not var.exists(), f"{path} made {sorted(var.rglob('*'))}"
        english = runner.invoke(main, ["--lang", "en", *path, *args], env=env)
        assert english.exit_code == 2, (path, english.output, english.exception)
        assert english.stderr.startswith(f"no Tongban database at {database}"), path
        assert "tongban db upgrade" in english.stderr, path


def test_a_file_without_tongban_tables_is_refused_until_db_upgrade(tmp_path: Path) -> None:
    database = tmp_path / "tongban.db"
    database.touch()  # e.g. made by hand, or by a version that created it on any command
    refused = tongban("audit", "verify", var=tmp_path)
    assert refused.returncode == 2 and "库中没有通办的表" in refused.stderr, refused.stderr
    assert database.stat().st_size == 0
    upgraded = tongban("db", "upgrade", var=tmp_path)
    assert upgraded.returncode == 0 and str(database) in upgraded.stdout, upgraded.stderr
    audit = tongban("audit", "verify", var=tmp_path)
    assert audit.returncode == 0 and "intact" in audit.stdout, audit.stderr
    keys = tongban("apikey", "list", var=tmp_path)
    assert keys.returncode == 0 and "0 key(s)" in keys.stdout, keys.stderr


def test_calendar_show_and_import(tmp_path: Path) -> None:
    """Issue 9: a year shown with the layer of each day; an arrangement file with a problem
    is refused with file, line and key; a good one is loaded and shown as official."""
    assert tongban("load", str(DEMO), var=tmp_path).returncode == 0
    provisional = tongban("calendar", "show", "2027", "--tenant", "230123", var=tmp_path)
    assert provisional.returncode == 0, provisional.stderr
    assert "2027-01-01 周五 休息日 元旦  [暂定（按法定节假日规则推算）]" in provisional.stdout
    assert provisional.stdout.splitlines()[-1].startswith("230123 2027 年：工作日 ")
    assert "暂定 provisional" in provisional.stdout

    broken = tmp_path / "2027.yaml"
    good = (ROOT / "tests/e2e/calendars/2027.yaml").read_text(encoding="utf-8")
    broken.write_text(good.replace("'2027-02-20'", "'2027-02-22'"), encoding="utf-8")
    refused = tongban("calendar", "import", str(broken), var=tmp_path)
    assert refused.returncode == 1
    assert f"CALENDAR_WORKDAY_ON_WEEKDAY {broken}#/workdays/0/date {broken}:9:" in refused.stderr
    assert "nothing loaded" in refused.stderr

    loaded = tongban(
        "calendar", "import", str(ROOT / "tests/e2e/calendars/2027.yaml"), var=tmp_path
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "已载入 100000 2027 年放假安排（测试〔2027〕1号）" in loaded.stdout
    official = tongban("calendar", "show", "2027", "--tenant", "230123", var=tmp_path)
    assert (
        "2027-01-15 周五 休息日 测试假日  [上级单位日历 100000（测试〔2027〕1号）]"
        in official.stdout
    )
    assert "正式 official，依据 测试〔2027〕1号" in official.stdout.splitlines()[-1]
