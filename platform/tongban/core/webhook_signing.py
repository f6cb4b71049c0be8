"""How a webhook delivery is signed, and how a receiver checks it (docs/webhooks.md).

The canonical string is ``f"{timestamp}.{body}"`` over the raw body bytes; the signature is
``sha256=<hex HMAC-SHA256 under the subscription's secret>``. Pure: no I/O, the clock is
read only when a receiver asks for the replay window without giving ``now``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

SIGNATURE_TOLERANCE_SECONDS = 300
USER_AGENT = "Tongban-Webhooks/1"


def body_of(payload: Mapping[str, Any]) -> bytes:
    """The body sent: compact JSON with sorted keys, UTF-8 (Chinese kept as it is)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.encode("utf-8")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of f"{timestamp}.{body}" under the secret>``."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one delivery: its event id (receivers drop duplicates by it), the
    timestamp and the signature over both."""
    stamp = str(timestamp)
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Tongban-Event-Id": event_id,
        "X-Tongban-Timestamp": stamp,
        "X-Tongban-Signature": sign(secret, stamp, body),
    }


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes | str,
    signature: str,
    *,
    tolerance: int | None = SIGNATURE_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """For receivers: does ``X-Tongban-Signature`` match the raw body and
    ``X-Tongban-Timestamp``, and is the timestamp within ``tolerance`` seconds of now (a
    replayed old request fails)? ``tolerance=None`` skips the clock check."""
    stamp = str(timestamp).strip()
    if not stamp.isdigit() or not signature.startswith("sha256="):
        return False
    if tolerance is not None:
        current = time.time() if now is None else now
        if abs(current - int(stamp)) > tolerance:
            return False
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return hmac.compare_digest(sign(secret, stamp, raw), signature.strip())
