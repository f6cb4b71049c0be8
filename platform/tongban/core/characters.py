"""Characters no input may carry (issue 12, point 7): NUL, which PostgreSQL cannot store
in text (asyncpg/psycopg raise, a 500), and lone surrogates, which cannot be encoded as
UTF-8 at all. The API and the web app refuse them in one place each, before anything
reaches a service: ``INPUT_INVALID_CHARACTER``, HTTP 400."""

from __future__ import annotations

import re

INPUT_INVALID_CHARACTER = "INPUT_INVALID_CHARACTER"

_INVALID = re.compile("[\x00\ud800-\udfff]")


def invalid_character(text: str) -> str | None:
    """``None`` if ``text`` is clean, else a description of the first bad character."""
    found = _INVALID.search(text)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X} at offset {found.start()}"


def refusal(where: str) -> str:
    """The message, Chinese first: ``where`` is what ``invalid_character`` found."""
    return f"输入含有不允许的字符 (input holds a NUL byte or a lone surrogate: {where})"
