"""`tongban validate` checks definitions to the end: a field's own default/examples/const,
and conditions reaching into a field (issue 10, point 6). A real subprocess, as in CI."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from .test_cli import DEMO, tongban

IMPL = "100000/230000/230100/230123/matters/000172111003.implementation.yaml"


def _edit(tree: Path, change: Any) -> str:
    file = tree / IMPL
    doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    change(doc)
    file.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return IMPL


def _break(doc: dict[str, Any]) -> None:
    props = doc["form"]["properties"]
    # a local, optional addition (allowed) whose own values break it
    props["openedOn"] = {
        "title": "开业日期",
        "$ref": "urn:tongban:common#/$defs/date",
        "default": "2026-02-30",
        "examples": ["2026-10-01", "2026/10/01"],
    }
    props["channel"] = {"title": "申请渠道", "type": "string", "const": 1}
    for edge in doc["flow"]["edges"]:
        if edge.get("when") == "form.storeType == '连锁门店'":
            edge["when"] = "form.storeType.__class__.__name__ == 'str'"
            break
    else:
        raise AssertionError("the demo's storeType condition moved")


def test_validate_reports_field_values_and_condition_properties(tmp_path: Path) -> None:
    tree = tmp_path / "tenants"
    shutil.copytree(DEMO, tree)
    source = _edit(tree, _break)
    done = tongban("validate", str(tree), var=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    doc = yaml.safe_load((tree / IMPL).read_text(encoding="utf-8"))
    edge = next(i for i, e in enumerate(doc["flow"]["edges"]) if "__class__" in str(e.get("when")))
    expected = [
        f"FORM_DEFAULT_INVALID {source}#/form/properties/openedOn/default 默认值不符合字段自身的定义",
        f"FORM_EXAMPLE_INVALID {source}#/form/properties/openedOn/examples/1 示例值不符合",
        f"FORM_CONST_INVALID {source}#/form/properties/channel/const 固定值不符合",
        f"FLOW_CONDITION_UNKNOWN_PROPERTY {source}#/flow/edges/{edge}/when 连线 ",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, done.stdout)
    condition = next(line for line in lines if line.startswith(expected[-1]))
    assert "storeType 的定义未声明属性 __class__" in condition
    assert "field 'storeType' declares no property '__class__'" in condition
    # the first example is fine; nothing else in the tree is wrong
    assert not any("examples/0" in line for line in lines)
    assert len([line for line in lines if line.split(" ", 1)[0].isupper()]) == 4, done.stdout


def test_the_demo_tree_stays_clean(tmp_path: Path) -> None:
    done = tongban("validate", str(DEMO), var=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("OK")
