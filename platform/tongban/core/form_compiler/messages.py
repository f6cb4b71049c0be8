"""The words of form errors, Chinese and English: what a failed keyword says about a field
(framed with the field's label by ``forms.FormValidator``)."""

from __future__ import annotations

from typing import Any, Final

TYPE_ZH: Final = {
    "string": "字符串",
    "integer": "整数",
    "number": "数字",
    "boolean": "布尔值",
    "object": "对象",
    "array": "数组",
    "null": "空值",
}


def short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(keyword: object, value: Any, cause: object, message: str) -> tuple[str, str]:
    """What went wrong, in Chinese and English, for an error of ``keyword`` (``value`` its
    value in the schema; ``cause`` a format check's exception; ``message`` jsonschema's)."""
    if keyword == "type":
        types = value if isinstance(value, list) else [value]
        zh = "或".join(TYPE_ZH.get(str(t), str(t)) for t in types)
        return f"应为{zh}", f"must be of type {' or '.join(map(str, types))}"
    if keyword == "format":
        why = f"：{cause}" if cause is not None else ""
        return f"格式不正确{why}", f"is not a valid {value}"
    if keyword == "pattern":
        return "格式不正确", f"does not match {value}"
    if keyword == "minLength":
        return f"至少 {value} 个字符", f"is shorter than {value} characters"
    if keyword == "maxLength":
        return f"最多 {value} 个字符", f"is longer than {value} characters"
    if keyword == "minimum":
        return f"不能小于 {value}", f"is less than {value}"
    if keyword == "maximum":
        return f"不能大于 {value}", f"is greater than {value}"
    if keyword == "exclusiveMinimum":
        return f"必须大于 {value}", f"must be greater than {value}"
    if keyword == "exclusiveMaximum":
        return f"必须小于 {value}", f"must be less than {value}"
    if keyword == "enum":
        return "取值不在允许范围内", short(f"must be one of {value!r}")
    if keyword == "const":
        return f"取值应为 {value!r}", short(f"must be {value!r}")
    if keyword == "minItems":
        return f"至少 {value} 项", f"has fewer than {value} items"
    if keyword == "maxItems":
        return f"最多 {value} 项", f"has more than {value} items"
    if keyword == "uniqueItems":
        return "各项不能重复", "has duplicate items"
    return "不符合要求", short(message)


REQUIRED_ZH: Final = "为必填项"
REQUIRED_EN: Final = "is required"


def not_allowed(extra: object) -> str:
    """The message for a property ``additionalProperties: false`` refuses."""
    return f"不允许填写字段 {extra} (field {extra} is not allowed)"


def title_of(schema: object) -> str | None:
    if isinstance(schema, dict):
        title = schema.get("title")
        if isinstance(title, str):
            return title
    return None
