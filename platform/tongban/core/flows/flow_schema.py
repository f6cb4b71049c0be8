"""The flow meta-schema (``form_schemas/flow.schema.json``) and its violations.

The schema file is the one source of truth (``matter.schema.json`` refers to it by its
``$id``). It is read once, on first use, from ``$TONGBAN_FORM_SCHEMAS`` or the repository's
``form_schemas/`` (found by walking up from this file): static data, like a package
resource. A compiled fast check (``schema_check.py``) accepts well-formed flows; only when it
says no does the jsonschema validator run, to report every error with its path.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from tongban.core.errors import Violation
from tongban.core.flows.codes import FLOW_DAYS, FLOW_SHAPE, json_pointer
from tongban.core.flows.schema_check import compile_check
from tongban.core.form_compiler import Check

FLOW_SCHEMA_ID = "urn:tongban:meta:flow"
FLOW_SCHEMA_FILE = "flow.schema.json"
SCHEMA_DIR_ENV = "TONGBAN_FORM_SCHEMAS"


def _schema_path() -> Path:
    configured = os.environ.get(SCHEMA_DIR_ENV)
    if configured:
        return Path(configured) / FLOW_SCHEMA_FILE
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "form_schemas" / FLOW_SCHEMA_FILE
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"form_schemas/{FLOW_SCHEMA_FILE} not found; set {SCHEMA_DIR_ENV}")


@lru_cache(maxsize=1)
def flow_meta_schema() -> dict[str, Any]:
    """The flow meta-schema (Draft 2020-12, ``$id`` urn:tongban:meta:flow)."""
    schema: dict[str, Any] = json.loads(_schema_path().read_text(encoding="utf-8"))
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = flow_meta_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@lru_cache(maxsize=1)
def _fast_check() -> Check:
    return compile_check(flow_meta_schema())


def shape_violations(doc: Any) -> list[Violation]:
    """Every way ``doc`` breaks the meta-schema (FLOW_SHAPE, or FLOW_DAYS for ``days``)."""
    if _fast_check()(doc):
        return []
    found: dict[Violation, None] = {}
    for error in _validator().iter_errors(doc):
        for violation in _translate(error, doc):
            found.setdefault(violation)
    return list(found)


def _subject(doc: Any, path: list[str | int]) -> tuple[str, str]:
    """How a message names what a path points into, in Chinese and English: ``节点 'x'`` /
    ``node 'x'``, ``连线 'a->b'`` / ``edge 'a->b'``, ``流程`` / ``flow``."""
    if len(path) < 2 or path[0] not in ("nodes", "edges") or not isinstance(path[1], int):
        return "流程", "flow"
    item = doc[path[0]][path[1]]
    if path[0] == "nodes":
        node_id = item.get("id") if isinstance(item, dict) else None
        name = repr(node_id) if isinstance(node_id, str) else f"#{path[1]}"
        return f"节点 {name}", f"node {name}"
    name = f"#{path[1]}"
    if isinstance(item, dict):
        if isinstance(item.get("id"), str):
            name = repr(item["id"])
        elif isinstance(item.get("from"), str) and isinstance(item.get("to"), str):
            name = repr(item["from"] + "->" + item["to"])
    return f"连线 {name}", f"edge {name}"


def _kind_of(instance: Any) -> tuple[str, str]:
    """(``task 节点``, ``a task node ``) for a node of a known kind, else empty strings."""
    kind = instance.get("kind") if isinstance(instance, dict) else None
    if not isinstance(kind, str):
        return "", ""
    return f"{kind} 节点", f"{'an' if kind[:1] in tuple('aeiou') else 'a'} {kind} node "


def _translate(error: ValidationError, doc: Any) -> list[Violation]:
    path = list(error.absolute_path)
    zh, en = _subject(doc, path)
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        return [
            Violation(
                FLOW_SHAPE,
                json_pointer(*path, key),
                f"{zh}：未知的键 {key!r} ({en}: unknown key {key!r})",
            )
            for key in instance
            if key not in known
        ]
    if "propertyNames" in error.relative_schema_path:
        known = flow_meta_schema()["$defs"]["node"]["properties"]
        parent = doc[path[0]][path[1]] if len(path) == 2 else None
        if not isinstance(instance, str) or instance not in known:
            return []  # an unknown key, reported by additionalProperties
        kind_zh, kind_en = _kind_of(parent)
        return [
            Violation(
                FLOW_SHAPE,
                json_pointer(*path, instance),
                f"{zh}：键 {instance!r} 不适用于{kind_zh or '此节点'} "
                f"({en}: key {instance!r} does not apply to {kind_en.strip() or 'this node'})",
            )
        ]
    if error.validator == "required" and isinstance(instance, dict):
        kind_zh, kind_en = _kind_of(instance)
        return [
            Violation(
                FLOW_SHAPE,
                json_pointer(*path, key),
                f"{zh}：{kind_zh}缺少 {key!r} ({en}: {kind_en}needs {key!r})",
            )
            for key in error.validator_value
            if key not in instance
        ]
    code = FLOW_DAYS if path and path[-1] == "days" else FLOW_SHAPE
    where = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
    where_zh = f"{path[-1]} " if where else ""
    wrong = "须为不小于 0 的整数" if code == FLOW_DAYS else "不符合流程元模式"
    return [
        Violation(
            code,
            json_pointer(*path),
            f"{zh}：{where_zh}{wrong} ({en}: {where}{_short(error.message)})",
        )
    ]


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
