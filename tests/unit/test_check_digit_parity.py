"""The server's check-digit formats agree with the shared table the browser is tested on.

``tests/data/check_digits.json`` is also read by ``flow_designer/src/form/checkDigits.test.ts``
(the Ajv custom formats of the form preview): a value one side accepts and the other refuses
would let an applicant pass the browser and fail on submission, or the reverse.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tongban.adapters.files.schemas import load_registry
from tongban.core.forms import FORMAT_CHECKER, SchemaRegistry

TABLE = Path(__file__).parents[1] / "data" / "check_digits.json"
CASES: list[dict[str, Any]] = json.loads(TABLE.read_text(encoding="utf-8"))["cases"]
COMMON_DEFS = {"cn-id-card": "idCard", "cn-uscc": "uscc"}


def _param(case: dict[str, Any]) -> Any:
    return pytest.param(case, id=f"{case['format']}:{case['value']!r}")


PARAMS = [_param(case) for case in CASES]


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return load_registry()


def test_table_covers_both_formats_both_verdicts() -> None:
    seen = {(case["format"], case["valid"]) for case in CASES}
    assert seen == {(f, v) for f in COMMON_DEFS for v in (True, False)}


@pytest.mark.parametrize("case", PARAMS)
def test_format_checker_agrees_with_table(case: dict[str, Any]) -> None:
    assert FORMAT_CHECKER.conforms(case["value"], case["format"]) is case["valid"], case["why"]


@pytest.mark.parametrize("case", PARAMS)
def test_form_validator_agrees_with_table(case: dict[str, Any], registry: SchemaRegistry) -> None:
    """Through a form field referencing the shared definition, as applications are checked
    (the compiled validator and its quick paths included)."""
    form = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "code": {"$ref": f"urn:tongban:common#/$defs/{COMMON_DEFS[case['format']]}"}
        },
    }
    validator = registry.validator(form)
    problems = validator.validate({"code": case["value"]})
    assert (problems == []) is case["valid"], (case["why"], problems)
    assert validator.is_valid({"code": case["value"]}) is case["valid"], case["why"]
