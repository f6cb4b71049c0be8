"""Sizes of definition parts are bounded (issue 12, point 7): a 50 MB ``conditions`` was
accepted and served back as 102 MB; descriptions, titles, enums and lists had no bound
either. The meta-schemas carry ``maxLength``/``maxItems``; a form's own titles,
descriptions and enums are checked by ``check_form_schema``. The demo tree stays valid
(tests/e2e/test_validate_definitions.py, ``tongban validate tenants``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from tests.unit.test_documents import (
    codes_at,
    form_doc,
    implementation_doc,
    parse_matter,
    standard_doc,
)

from tongban.adapters.files.schemas import load_registry, load_schema_dir
from tongban.core.documents import MetaSchemas
from tongban.core.forms import (
    FORM_INVALID_SCHEMA,
    MAX_DESCRIPTION_CHARS,
    MAX_ENUM_ITEM_CHARS,
    MAX_ENUM_ITEMS,
    MAX_TITLE_CHARS,
    SchemaRegistry,
    check_form_schema,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def schemas() -> MetaSchemas:
    return MetaSchemas(load_schema_dir(REPO / "form_schemas"))


def meta_codes(doc: dict[str, Any], schemas: MetaSchemas) -> set[tuple[str, str]]:
    matter, violations = parse_matter(doc, schemas)
    assert matter is None
    return codes_at(violations)


def test_a_50_mb_conditions_is_refused_quickly(schemas: MetaSchemas) -> None:
    doc = standard_doc(conditions="条" * 50_000_000)
    started = time.monotonic()
    found = meta_codes(doc, schemas)
    assert time.monotonic() - started < 5
    assert {pointer for _, pointer in found} == {"/conditions"}


def test_conditions_at_the_limit_still_parse(schemas: MetaSchemas) -> None:
    matter, violations = parse_matter(standard_doc(conditions="条" * 5000), schemas)
    assert violations == [] and matter is not None


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"legal_basis": "法" * 5001}, "/legal_basis"),
        ({"materials": [{"code": f"m{i}", "name": "材料"} for i in range(201)]}, "/materials"),
        ({"fees": [{"code": f"f{i}", "name": "费", "amount_fen": 1} for i in range(101)]}, "/fees"),
    ],
)
def test_other_matter_parts_are_bounded(
    schemas: MetaSchemas,
    changes: dict[str, Any],
    pointer: str,
) -> None:
    found = meta_codes(standard_doc(**changes), schemas)
    assert {p for _, p in found} == {pointer}


def test_guide_texts_and_flow_conditions_are_bounded(schemas: MetaSchemas) -> None:
    doc = implementation_doc()
    doc["guide"]["address"] = "地" * 501
    doc["flow"]["edges"][0]["when"] = "x" * 2001
    found = meta_codes(doc, schemas)
    assert found == {("SCHEMA_INVALID", "/guide/address"), ("SCHEMA_INVALID", "/flow/edges/0/when")}


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return load_registry(REPO / "form_schemas")


@pytest.mark.parametrize(
    ("field", "pointer"),
    [
        ({"type": "string", "title": "标" * (MAX_TITLE_CHARS + 1)}, "/properties/f/title"),
        (
            {"type": "string", "description": "说" * (MAX_DESCRIPTION_CHARS + 1)},
            "/properties/f/description",
        ),
        (
            {"type": "string", "enum": [str(i) for i in range(MAX_ENUM_ITEMS + 1)]},
            "/properties/f/enum",
        ),
        (
            {"type": "string", "enum": ["a", "b" * (MAX_ENUM_ITEM_CHARS + 1)]},
            "/properties/f/enum/1",
        ),
        (
            {"type": "array", "items": {"enum": [str(i) for i in range(MAX_ENUM_ITEMS + 1)]}},
            "/properties/f/items/enum",
        ),
    ],
)
def test_form_titles_descriptions_and_enums_are_bounded(
    registry: SchemaRegistry, field: dict[str, Any], pointer: str
) -> None:
    form = form_doc()
    form["properties"]["f"] = field
    problems = check_form_schema(form, registry)
    assert [(v.code, v.pointer) for v in problems] == [(FORM_INVALID_SCHEMA, pointer)]
    assert "过" in problems[0].message and "the limit is" in problems[0].message


def test_a_form_within_the_bounds_is_valid(registry: SchemaRegistry) -> None:
    form = form_doc()
    form["properties"]["f"] = {
        "type": "string",
        "title": "标" * MAX_TITLE_CHARS,
        "enum": [str(i) for i in range(MAX_ENUM_ITEMS)],
    }
    assert check_form_schema(form, registry) == []
