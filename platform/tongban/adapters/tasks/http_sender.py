"""The webhook sender: POSTs a signed delivery over HTTP(S) to the very addresses
``services.webhook_targets.vet`` checked (no second DNS lookup: DNS rebinding finds nothing),
TLS verified for the URL's host name, redirects never followed (a 3xx is a failure).

``services.webhooks.deliver_due`` takes it as its ``Sender``; the Celery task passes it in.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from typing import Any

from tongban.services.webhook_targets import IPAddress, Target
from tongban.services.webhooks import SEND_SECONDS

TIMEOUT_SECONDS = SEND_SECONDS
"""One send's limit: the delivery claim allows for it (``services.webhooks.SEND_SECONDS``)."""


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to one checked address; the Host header still names the URL's host."""

    def __init__(self, target: Target, address: IPAddress, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._create_connection = _pinned(address, target.port)  # type: ignore[assignment]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """As ``_PinnedHTTP``, over TLS verified for the URL's host name."""

    def __init__(self, target: Target, address: IPAddress, timeout: float) -> None:
        context = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._create_connection = _pinned(address, target.port)  # type: ignore[assignment]


def _pinned(address: IPAddress, port: int) -> Callable[..., socket.socket]:
    def connect(
        _where: tuple[str, int], timeout: float | None = None, source: Any = None
    ) -> socket.socket:
        return socket.create_connection((str(address), port), timeout, source)

    return connect


def post(target: Target, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
    """POST ``body`` to a checked target within ``timeout`` seconds in all; the status.
    Tries its addresses in turn until one accepts the connection; never follows a
    redirect (a 3xx is returned as it is). Raises ``OSError`` when no answer came."""
    deadline = time.monotonic() + timeout
    error: OSError = OSError(f"{target.host}: no address")
    for address in target.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"{target.host}: timed out")
        kind = _PinnedHTTPS if target.https else _PinnedHTTP
        connection = kind(target, address, remaining)
        try:
            try:
                connection.connect()
            except OSError as exc:  # refused or unreachable: the next address
                error = exc
                continue
            connection.request("POST", target.request_path, body=body, headers=dict(headers))
            response = connection.getresponse()
            response.read(1024)
            return int(response.status)
        finally:
            connection.close()
    raise error


def http_sender(target: Target, body: bytes, headers: Mapping[str, str]) -> int:
    """The ``Sender`` webhooks use: POST within ``TIMEOUT_SECONDS``."""
    return post(target, body, headers, TIMEOUT_SECONDS)
