"""A form with a conditional section (allOf/if/then, flow_designer/src/form/schemaModel.ts)
validates on the server exactly as in the browser: the shared example
tests/data/form_section_example.json, which Vitest runs through the browser's validator
(src/form/sections.test.tsx), runs here through the server's form checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tongban.adapters.files.schemas import load_registry
from tongban.core.forms import SchemaRegistry, check_form_schema

EXAMPLE = json.loads(
    (Path(__file__).parents[1] / "data" / "form_section_example.json").read_text(encoding="utf-8")
)
CASES: list[dict[str, Any]] = EXAMPLE["cases"]


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return load_registry()


def test_the_designers_section_shape_is_a_valid_form(registry: SchemaRegistry) -> None:
    assert check_form_schema(EXAMPLE["schema"], registry) == []


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_server_and_browser_agree(case: dict[str, Any], registry: SchemaRegistry) -> None:
    validator = registry.validator(EXAMPLE["schema"])
    problems = validator.validate(case["data"])
    assert (problems == []) is case["valid"], problems
    assert validator.is_valid(case["data"]) is case["valid"]
    for field in case.get("missing", []):
        assert any(field in f"{p.pointer} {p.message}" for p in problems), (field, problems)


def test_a_section_fields_problem_is_named_by_its_title(registry: SchemaRegistry) -> None:
    missing = [c for c in CASES if not c["valid"] and c.get("missing")]
    assert missing
    titles = _section_titles(EXAMPLE["schema"])
    for case in missing:
        problems = registry.validator(EXAMPLE["schema"]).validate(case["data"])
        for field in case["missing"]:
            if field in titles:
                assert any(titles[field] in p.message for p in problems), (field, problems)


def _section_titles(schema: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in schema.get("allOf", []):
        for key, sub in (entry.get("then", {}).get("properties") or {}).items():
            if isinstance(sub.get("title"), str):
                found[key] = sub["title"]
    return found
