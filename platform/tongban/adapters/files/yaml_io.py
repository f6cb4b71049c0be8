"""YAML in and out, one way: strict on reading, canonical on writing (docs/configuration.md).

Reading is PyYAML's safe loader made strict: a repeated mapping key or a key that is not a
string is an error, anchors and aliases are refused as soon as the parser meets one (a
1 KB "billion laughs" of nested aliases would otherwise cost minutes and gigabytes before
anything could reject it; configuration never needs them), and dates stay strings (``'2026-10-08'``, as the meta-schemas expect)
instead of turning into ``datetime.date``. Every problem is a ``Violation`` naming the file
and ``line:column``; nothing raises for bad input.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent, NodeEvent
from yaml.nodes import MappingNode, Node, SequenceNode

from tongban.core.errors import Violation

FILE_SYNTAX = "FILE_SYNTAX"
FILE_DUPLICATE_KEY = "FILE_DUPLICATE_KEY"
FILE_UNREADABLE = "FILE_UNREADABLE"
FILE_YAML_ALIAS = "FILE_YAML_ALIAS"

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class _DuplicateKey(ConstructorError):
    pass


class _AliasRefused(yaml.MarkedYAMLError):
    pass


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without timestamps, refusing anchors, aliases, duplicate and non-string
    mapping keys."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent) or (
            isinstance(event, NodeEvent) and event.anchor is not None
        ):
            kind = "alias *" if isinstance(event, AliasEvent) else "anchor &"
            raise _AliasRefused(
                None,
                None,
                f"{kind}{event.anchor} (anchors and aliases are not allowed)",
                event.start_mark,  # type: ignore[arg-type]  # the stubs' C Mark is the same
            )
        return super().compose_node(parent, index)  # type: ignore[no-any-return]

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            first_seen: dict[str, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE:
                    continue
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    raise ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found a {type(key).__name__} key {key!r}; keys must be strings "
                        "(quote it, e.g. 'on' or '1')",
                        key_node.start_mark,
                    )
                if key in first_seen:
                    mark = first_seen[key]
                    raise _DuplicateKey(
                        None,
                        None,
                        f"duplicate key {key!r} (first at line {mark.line + 1}, "
                        f"column {mark.column + 1})",
                        key_node.start_mark,
                    )
                first_seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def loads_yaml(text: str, *, name: str = "<string>") -> tuple[Any, list[Violation]]:
    """Parse one YAML document; ``name`` is the file name used in messages and ``source``."""
    try:
        return yaml.load(text.removeprefix("\ufeff"), Loader=StrictLoader), []  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        if isinstance(exc, _DuplicateKey):
            code = FILE_DUPLICATE_KEY
        elif isinstance(exc, _AliasRefused):
            code = FILE_YAML_ALIAS
        else:
            code = FILE_SYNTAX
        return None, [Violation(code, "", _marked_message(name, exc), name)]
    except yaml.YAMLError as exc:
        return None, [Violation(FILE_SYNTAX, "", f"{name}: YAML 语法错误 ({exc})", name)]


def pointer_lines(text: str) -> dict[str, int]:
    """The 1-based line of every JSON pointer in a YAML document (a mapping entry's key line,
    a list item's first line); empty when the text does not parse."""
    try:
        root = yaml.compose(text.removeprefix("\ufeff"), Loader=StrictLoader)  # noqa: S506
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(node: Node, pointer: str) -> None:
        lines.setdefault(pointer, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            for key, value in node.value:
                escaped = str(key.value).replace("~", "~0").replace("/", "~1")
                lines[f"{pointer}/{escaped}"] = key.start_mark.line + 1
                walk(value, f"{pointer}/{escaped}")
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{pointer}/{index}")

    if root is not None:
        walk(root, "")
    return lines


def _marked_message(name: str, exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem and exc.context_mark and exc.context_mark is not mark:
        problem += f" ({exc.context} at line {exc.context_mark.line + 1})"
    if isinstance(exc, _DuplicateKey):
        zh = "键重复"
    elif isinstance(exc, _AliasRefused):
        zh = "不允许使用 YAML 锚点或别名"
    elif "keys must be strings" in problem:
        zh = "键须为字符串"
    else:
        zh = "YAML 语法错误"
    return f"{where}: {zh} ({problem})"


def load_yaml(
    path: str | os.PathLike[str], *, name: str | None = None
) -> tuple[Any, list[Violation]]:
    """Read and parse a YAML file: ``(data, [])`` or ``(None, [violation])``.

    ``name`` (default: the path as given) names the file in messages and ``source``.
    """
    label = name if name is not None else str(path)
    text, problems = read_text(path, label)
    if text is None:
        return None, problems
    return loads_yaml(text, name=label)


def read_text(path: str | os.PathLike[str], label: str) -> tuple[str | None, list[Violation]]:
    """A UTF-8 file's text, or ``(None, [FILE_UNREADABLE])`` naming ``label``."""
    try:
        return Path(path).read_bytes().decode("utf-8"), []
    except OSError as exc:
        return None, [
            Violation(FILE_UNREADABLE, "", f"{label}: 无法读取 ({exc.strerror or exc})", label)
        ]
    except UnicodeDecodeError as exc:
        return None, [
            Violation(
                FILE_UNREADABLE,
                "",
                f"{label}: 不是 UTF-8 编码 (not UTF-8, byte {exc.start})",
                label,
            )
        ]


class CanonicalDumper(yaml.SafeDumper):
    """Block style everywhere, no anchors, multi-line strings as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


# YAML 1.1 line breaks besides \n, and the BOM: PyYAML writes them raw into plain and
# single-quoted scalars, and reading folds them into spaces. Only escapes keep them.
_ESCAPE_ONLY = frozenset("\x85\u2028\u2029\ufeff")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # The emitter falls back to double quotes whenever a literal block cannot hold the text.
    if _ESCAPE_ONLY.intersection(value):
        style: str | None = '"'
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


CanonicalDumper.add_representer(str, _represent_str)


def dump_canonical(data: Any) -> str:
    """The canonical YAML text of plain data (dicts keep their key order)."""
    return yaml.dump(
        data,
        Dumper=CanonicalDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
        indent=2,
    )
