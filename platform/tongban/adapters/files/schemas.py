"""Load the JSON Schema documents of ``form_schemas/`` (common field definitions, meta-schemas).

The core (``tongban.core.forms``) does no file I/O: it takes the ``{$id: document}`` mapping
this module reads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tongban.core.definition_errors import SchemaFilesInvalid
from tongban.core.errors import Violation
from tongban.core.forms import FORM_INVALID_SCHEMA, SchemaRegistry

ENV_VAR = "TONGBAN_FORM_SCHEMAS"
DIR_NAME = "form_schemas"


def default_schema_dir() -> Path:
    """``$TONGBAN_FORM_SCHEMAS`` if set, else the repository's ``form_schemas/``.

    The repository's folder is found by walking up from this file, so it works from a
    checkout and from an editable install alike.
    """
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / DIR_NAME
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"{DIR_NAME}/ not found above {Path(__file__).resolve().parent}; set {ENV_VAR}"
    )


def load_schema_dir(path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, Any]]:
    """Every ``*.json`` file of ``path`` (default: ``default_schema_dir()``) by its ``$id``.

    Raises ``InvalidDefinition`` listing every unreadable file, every document that is not
    an object with a string ``$id``, and every ``$id`` used twice.
    """
    directory = Path(path) if path is not None else default_schema_dir()
    if not directory.is_dir():
        raise FileNotFoundError(f"schema directory {directory} does not exist")
    documents: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    problems: list[Violation] = []
    for file in sorted(directory.glob("*.json")):
        source = file.name
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(
                Violation(
                    FORM_INVALID_SCHEMA, "", f"无法读取 JSON (unreadable JSON: {error})", source
                )
            )
            continue
        if not isinstance(document, dict):
            problems.append(
                Violation(
                    FORM_INVALID_SCHEMA, "", "模式文件必须是 JSON 对象 (not an object)", source
                )
            )
            continue
        schema_id = document.get("$id")
        if not isinstance(schema_id, str) or not schema_id:
            problems.append(
                Violation(FORM_INVALID_SCHEMA, "/$id", "模式文件缺少 $id (no $id)", source)
            )
            continue
        if schema_id in seen:
            problems.append(
                Violation(
                    FORM_INVALID_SCHEMA,
                    "/$id",
                    f"$id {schema_id} 与 {seen[schema_id]} 重复 (duplicate $id)",
                    source,
                )
            )
            continue
        seen[schema_id] = source
        documents[schema_id] = document
    if problems:
        raise SchemaFilesInvalid(problems, str(directory))
    return documents


def load_registry(path: str | os.PathLike[str] | None = None) -> SchemaRegistry:
    """A ``SchemaRegistry`` of every document in ``path`` (default: ``default_schema_dir()``)."""
    return SchemaRegistry(load_schema_dir(path))
