"""Strict YAML reading and canonical writing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.adapters.files.yaml_io import (
    FILE_DUPLICATE_KEY,
    FILE_SYNTAX,
    FILE_UNREADABLE,
    FILE_YAML_ALIAS,
    dump_canonical,
    load_yaml,
    loads_yaml,
)


def test_malformed_yaml_names_file_line_and_column(tmp_path: Path) -> None:
    file = tmp_path / "tenant.yaml"
    file.write_text("code: '230000'\nname: [黑龙江省\nlevel: province\n", encoding="utf-8")
    data, violations = load_yaml(file, name="230000/tenant.yaml")
    assert data is None
    [violation] = violations
    assert violation.code == FILE_SYNTAX
    assert violation.source == "230000/tenant.yaml"
    assert violation.pointer == ""
    assert violation.message.startswith("230000/tenant.yaml:3:6: YAML 语法错误 (")
    assert "flow sequence at line 2" in violation.message


def test_default_name_is_the_path(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text("a: b: c\n", encoding="utf-8")
    _, [violation] = load_yaml(file)
    assert violation.message.startswith(
        f"{file}:1:5: YAML 语法错误 (mapping values are not allowed"
    )


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "code: '1'\nname: a\ncode: '2'\n",
            "x.yaml:3:1: 键重复 (duplicate key 'code' (first at line 1, column 1))",
        ),
        (
            "departments:\n- code: a\n  name: b\n  code: c\n",
            "x.yaml:4:3: 键重复 (duplicate key 'code' (first at line 2, column 3))",
        ),
        (
            "flow: {nodes: [], nodes: []}\n",
            "x.yaml:1:19: 键重复 (duplicate key 'nodes' (first at line 1, column 8))",
        ),
    ],
)
def test_duplicate_keys_are_errors(text: str, where: str) -> None:
    data, [violation] = loads_yaml(text, name="x.yaml")
    assert data is None
    assert violation.code == FILE_DUPLICATE_KEY
    assert violation.message == where


def test_merge_keys_may_override() -> None:
    data, violations = loads_yaml("b:\n  <<: {k: 1, j: 2}\n  k: 3\n")
    assert violations == []
    assert data == {"b": {"k": 3, "j": 2}}


def test_a_merge_through_an_alias_is_refused_with_the_aliases() -> None:
    data, [violation] = loads_yaml("a: &x {k: 1, j: 2}\nb:\n  <<: *x\n  k: 3\n")
    assert data is None and violation.code == FILE_YAML_ALIAS


@pytest.mark.parametrize("text", ["on: 1\n", "1: a\n", "? [a]\n: b\n", "~: x\n"])
def test_keys_must_be_strings(text: str) -> None:
    data, [violation] = loads_yaml(text, name="x.yaml")
    assert data is None and violation.code == FILE_SYNTAX
    assert "keys must be strings" in violation.message
    assert violation.message.startswith("x.yaml:1:")
    assert ": 键须为字符串 (" in violation.message


def test_dates_stay_strings_and_other_scalars_resolve() -> None:
    data, violations = loads_yaml(
        "d: 2026-10-08\nq: '230000'\nn: 230000\nb: true\nz: null\nf: 1.5\n"
    )
    assert violations == []
    assert data == {"d": "2026-10-08", "q": "230000", "n": 230000, "b": True, "z": None, "f": 1.5}


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n---\nb: 2\n",  # two documents
        "a: !!python/object/apply:os.system ['true']\n",  # unsafe tags
        "a:\n\tb: 1\n",  # tab indentation
        "a: '\x07'\n",  # a control character in the stream
    ],
)
def test_other_syntax_errors(text: str) -> None:
    data, [violation] = loads_yaml(text, name="x.yaml")
    assert data is None and violation.code == FILE_SYNTAX
    assert violation.message.startswith("x.yaml")
    assert ": YAML 语法错误 (" in violation.message


def test_unreadable_files(tmp_path: Path) -> None:
    _, [missing] = load_yaml(tmp_path / "nope.yaml", name="nope.yaml")
    assert missing.code == FILE_UNREADABLE and missing.source == "nope.yaml"
    assert missing.message.startswith("nope.yaml: 无法读取 (")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: 黑龙江省政务服务管理局\n".encode("gb18030"))
    _, [encoding] = load_yaml(latin, name="latin.yaml")
    assert encoding.code == FILE_UNREADABLE
    assert encoding.message.startswith("latin.yaml: 不是 UTF-8 编码 (not UTF-8, byte ")


def test_bom_and_empty_files(tmp_path: Path) -> None:
    assert loads_yaml("\ufeffa: 1\n") == ({"a": 1}, [])
    assert loads_yaml("") == (None, [])


def test_canonical_text() -> None:
    data = {
        "code": "230000",
        "name": "黑龙江省",
        "level": "province",
        "calendar": {"holidays": [{"date": "2026-10-08", "name": "地方节日"}]},
        "roles": ["admin", "clerk"],
        "empty": [],
        "note": "第一行\n第二行\n",
        "yes": "no",
        "amount": 1000,
        "flag": False,
    }
    assert dump_canonical(data) == (
        "code: '230000'\n"
        "name: 黑龙江省\n"
        "level: province\n"
        "calendar:\n"
        "  holidays:\n"
        "  - date: '2026-10-08'\n"
        "    name: 地方节日\n"
        "roles:\n"
        "- admin\n"
        "- clerk\n"
        "empty: []\n"
        "note: |\n"
        "  第一行\n"
        "  第二行\n"
        "'yes': 'no'\n"
        "amount: 1000\n"
        "flag: false\n"
    )


def test_shared_objects_are_not_anchored() -> None:
    shared = {"a": 1}
    text = dump_canonical({"x": shared, "y": shared})
    assert "&" not in text and "*" not in text
    assert loads_yaml(text)[0] == {"x": {"a": 1}, "y": {"a": 1}}


@pytest.mark.parametrize(
    "value",
    [
        "长" * 150,
        "word " * 40,
        "  leading spaces\nsecond",
        "trailing space \nnext",
        "no final newline\nend",
        "two final newlines\n\n",
        "\n",
        "tab\there",
        "line\u2028separator",
        "next\x85line",
        "carriage\r\nreturn",
        "'quoted' and \"double\"",
        "- dash",
        ": colon",
        "# hash",
        "2026-10-08",
        "0451-12345678",
        "001",
        "1e3",
        "null",
        "~",
        "",
    ],
)
def test_awkward_strings_round_trip(value: str) -> None:
    text = dump_canonical({"v": value, "l": [value]})
    data, violations = loads_yaml(text)
    assert violations == []
    assert data == {"v": value, "l": [value]}
    assert dump_canonical(data) == text


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",))),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",))), children, max_size=4
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(data=st.dictionaries(st.text(min_size=1), _json, max_size=5))
def test_dump_load_dump_is_a_fixed_point(data: dict[str, Any]) -> None:
    text = dump_canonical(data)
    loaded, violations = loads_yaml(text)
    assert violations == []
    assert loaded == data
    assert dump_canonical(loaded) == text


def _anchor_bomb(levels: int = 12) -> str:
    """A "billion laughs": each level lists the previous one ten times (10^12 leaves)."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_a_yaml_anchor_bomb_is_refused_at_once() -> None:
    bomb = _anchor_bomb()
    assert len(bomb) < 1500  # about the 1 KB
    started = time.monotonic()
    data, violations = loads_yaml(bomb, name="bomb.yaml")
    assert time.monotonic() - started < 1.0
    assert data is None
    (violation,) = violations
    assert violation.code == FILE_YAML_ALIAS
    assert violation.message.startswith("bomb.yaml:1:5: 不允许使用 YAML 锚点或别名")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: &x 1\n", "anchor &x"),
        ("a: 1\nb: *x\n", "alias *x"),  # undefined, too: refused as an alias
        ("- &y {k: 1}\n", "anchor &y"),
    ],
)
def test_anchors_and_aliases_are_refused_even_alone(text: str, where: str) -> None:
    data, violations = loads_yaml(text, name="f.yaml")
    assert data is None
    assert [v.code for v in violations] == [FILE_YAML_ALIAS]
    assert where in violations[0].message


def test_the_demo_tree_uses_no_anchors_or_aliases() -> None:
    root = Path(__file__).resolve().parents[2] / "tenants"
    files = sorted(root.rglob("*.yaml"))
    assert files
    for path in files:
        _, violations = load_yaml(path)
        assert FILE_YAML_ALIAS not in {v.code for v in violations}, path
