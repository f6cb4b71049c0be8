"""A valid sample instance of a form schema — for the demo's sample cases, `tongban
simulate`, benchmarks and tests. Not for anything an applicant sees."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

COMMON = "urn:tongban:common#/$defs/"

SAMPLES: dict[str, Any] = {
    "idCard": "11010519491231002X",
    "uscc": "91110000600037341L",
    "mobile": "13800138000",
    "phone": "0451-57123456",
    "personName": "张三",
    "companyName": "黑龙江示例科技有限公司",
    "address": {
        "province": "黑龙江省",
        "city": "哈尔滨市",
        "county": "依兰县",
        "detail": "依兰镇示范街1号",
    },
    "date": "2026-09-01",
    "money": 1000000,
    "email": "applicant@example.cn",
    "postcode": "154800",
}

_DIGITS = re.compile(r"\^\[0-9\]\{(\d+)(?:,\d*)?\}\$")

_FORMATS = {
    "cn-id-card": SAMPLES["idCard"],
    "cn-uscc": SAMPLES["uscc"],
    "date": "2026-09-01",
    "date-time": "2026-09-01T09:00:00+08:00",
    "email": SAMPLES["email"],
}


def sample_instance(schema: Mapping[str, Any], *, all_fields: bool = True) -> Any:
    """A value that satisfies ``schema`` (the subset of JSON Schema that matter forms use)."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(COMMON):
        return SAMPLES[ref.removeprefix(COMMON)]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    options = schema.get("oneOf") or schema.get("anyOf")
    if options:
        return sample_instance(options[0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        names = properties if all_fields else [n for n in properties if n in required]
        return {name: sample_instance(properties[name], all_fields=all_fields) for name in names}
    if kind == "array":
        item = sample_instance(schema.get("items", {"type": "string"}), all_fields=all_fields)
        return [item] * max(1, int(schema.get("minItems", 1)))
    if kind == "integer":
        return (
            max(int(schema.get("minimum", 1)), 1) if "maximum" not in schema else schema["maximum"]
        )
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    digits = _DIGITS.fullmatch(str(schema.get("pattern", "")))
    if digits:
        return "6" * int(digits.group(1))
    text = "示例内容"
    minimum = int(schema.get("minLength", 0))
    return (text * (minimum // len(text) + 1))[
        : max(minimum, min(len(text), schema.get("maxLength", 99)))
    ]
