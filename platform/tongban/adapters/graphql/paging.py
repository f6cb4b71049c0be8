"""Opaque cursors for the API's paginated lists: base64 of ``offset:N``."""

from __future__ import annotations

import base64
import binascii

from tongban.core.errors import InvalidDefinition, Violation


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode("ascii")


def decode_cursor(cursor: str | None) -> int:
    """The offset an ``after`` cursor stands for (0 without one)."""
    if not cursor:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(number)
    except (ValueError, binascii.Error, UnicodeError):
        kind, offset = "", -1
    if kind != "offset" or offset < 0:
        raise InvalidDefinition(
            [Violation("CURSOR", "/after", "无效的分页游标 (invalid cursor: use nextCursor)")]
        )
    return offset
