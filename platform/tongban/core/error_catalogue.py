"""Every error's words, Chinese and English, in one place, keyed by the error's ``reason``.

Templates are ``str.format`` templates over the error's ``data``. Adapters render them in
the reader's language (``render(reason, data, "en")``); ``docs/api.md`` lists every reason
(a test checks that the classes, this catalogue and the docs agree).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# reason → (Chinese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # generic: a free text, for conditions that have no class of their own yet
    "INVALID_INPUT": ("{detail}", "{detail}"),
    "FORBIDDEN": ("{detail}", "{detail}"),
    "CONFLICT": ("{detail}", "{detail}"),
    "INVALID_STATE": ("{detail}", "{detail}"),
    "AUDIT_CHAIN_BROKEN": ("{detail}", "{detail}"),
    "TENANT_SCOPE_REQUIRED": ("{detail}", "{detail}"),
    "NOT_FOUND": ("{kind} {key} 不存在", "{kind} {key} not found"),
    "INVALID_DEFINITION": ("{summary}\n{problems}", "{summary}\n{problems}"),
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def render(reason: str, data: Mapping[str, Any], language: str = "zh") -> str:
    """The message for ``reason`` filled with ``data``; Chinese unless ``language`` is en."""
    zh, en = MESSAGES.get(reason, ("{detail}", "{detail}"))
    template = en if language.lower().startswith("en") else zh
    return template.format_map(_Blank(data))
