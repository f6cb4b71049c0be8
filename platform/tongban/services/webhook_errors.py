"""Why a webhook subscription's URL is refused, one class per condition (INVALID_INPUT;
words in ``core/error_catalogue.py``)."""

from __future__ import annotations

from tongban.core.errors import TongbanError


class InvalidWebhook(TongbanError):
    """A subscription's URL or event list is not acceptable (INVALID_INPUT)."""

    reason = "INVALID_WEBHOOK"


class TargetRefused(InvalidWebhook):
    """The target's host is, or resolves to, an address webhooks may not reach."""


class UrlRequired(InvalidWebhook):
    reason = "WEBHOOK_URL_REQUIRED"

    def __init__(self) -> None:
        super().__init__()


class UrlTooLong(InvalidWebhook):
    reason = "WEBHOOK_URL_TOO_LONG"

    def __init__(self, max_chars: int) -> None:
        super().__init__(max_chars=max_chars)


class UrlCharacters(InvalidWebhook):
    reason = "WEBHOOK_URL_CHARACTERS"

    def __init__(self, url: str) -> None:
        super().__init__(url=url)


class UrlNotAscii(InvalidWebhook):
    reason = "WEBHOOK_URL_NOT_ASCII"

    def __init__(self, url: str) -> None:
        super().__init__(url=url)


class UrlScheme(InvalidWebhook):
    reason = "WEBHOOK_URL_SCHEME"

    def __init__(self, url: str) -> None:
        super().__init__(url=url)


class UrlCredentials(InvalidWebhook):
    reason = "WEBHOOK_URL_CREDENTIALS"

    def __init__(self, url: str) -> None:
        super().__init__(url=url)


class HostInvalid(InvalidWebhook):
    reason = "WEBHOOK_HOST_INVALID"

    def __init__(self, host: str) -> None:
        super().__init__(host=host)


class HostOrPortInvalid(InvalidWebhook):
    reason = "WEBHOOK_HOST_OR_PORT"

    def __init__(self, url: str) -> None:
        super().__init__(url=url)


class AddressInvalid(InvalidWebhook):
    reason = "WEBHOOK_ADDRESS_INVALID"

    def __init__(self, host: str, version: str) -> None:
        super().__init__(host=host, version=version)


class TargetIsThisMachine(TargetRefused):
    reason = "WEBHOOK_TARGET_LOCAL"

    def __init__(self, host: str) -> None:
        super().__init__(host=host)


class TargetNotAllowed(TargetRefused):
    """``address_class`` is the address's class (``loopback``, ``private`` …)."""

    reason = "WEBHOOK_TARGET_NOT_ALLOWED"

    def __init__(self, host: str, address: str, address_class: str) -> None:
        shown = host if address == host else f"{host} → {address}"
        super().__init__(host=host, address=address, shown=shown, address_class=address_class)
