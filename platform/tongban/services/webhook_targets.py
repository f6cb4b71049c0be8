"""Where a webhook may be sent: public addresses only, checked when subscribing and again
right before each delivery, which connects to the very addresses it checked (docs/security.md).

A target is an ``http://`` or ``https://`` URL without spaces, control characters or
credentials. Its host — a name, or an address in any notation the C library accepts
(``127.1``, ``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``) — must
resolve only to public addresses: loopback, link-local, private, shared (100.64/10),
unique-local, site-local, multicast, reserved, unspecified and cloud metadata addresses are
refused, also when embedded in IPv6 (IPv4-mapped, 6to4, NAT64). ``TONGBAN_WEBHOOK_ALLOW``
lists the networks and host names an intranet deployment may reach anyway.

At delivery the name is resolved once, every address is checked, and the sender
(``adapters.tasks.http_sender``) connects to a checked address (TLS still verifies the
certificate for the name): a name that resolved to a public address when subscribing and
to ``127.0.0.1`` now (DNS rebinding) is not sent. Redirects are never followed. A failure is reported as a class only
(``FAILURE_*``): the tenant learns that a delivery failed, not what answered where.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tongban.services.webhook_errors import (
    AddressInvalid,
    HostInvalid,
    HostOrPortInvalid,
    TargetIsThisMachine,
    TargetNotAllowed,
    UrlCharacters,
    UrlCredentials,
    UrlNotAscii,
    UrlRequired,
    UrlScheme,
    UrlTooLong,
)
from tongban.services.webhook_errors import InvalidWebhook as InvalidWebhook
from tongban.services.webhook_errors import TargetRefused as TargetRefused

if TYPE_CHECKING:
    from tongban.config import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[IPAddress]]

MAX_URL = 500
ALLOW_ENV = "TONGBAN_WEBHOOK_ALLOW"

FAILURE_REFUSED = "目标地址不允许 (target address not allowed)"
FAILURE_CONNECT = "连接失败 (connection failed)"
FAILURE_TIMEOUT = "超时 (timed out)"
FAILURE_STATUS = "对方返回错误状态 (the receiver answered with a non-2xx status)"
FAILURES = (FAILURE_REFUSED, FAILURE_CONNECT, FAILURE_TIMEOUT, FAILURE_STATUS)
"""Every ``lastError`` a delivery can have (besides ``unsubscribed``)."""

METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Huawei Cloud
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.0.23",  # Tencent Cloud
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS over IPv6
    )
)
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NUMBER = re.compile(r"0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*")
_HOST = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?")


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address ``socket.getaddrinfo`` gives for ``host`` (``OSError`` when none)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


@dataclass(frozen=True)
class TargetPolicy:
    """The deployment's allow-list (``TONGBAN_WEBHOOK_ALLOW``) and how names resolve."""

    networks: tuple[IPNetwork, ...] = ()
    hosts: tuple[str, ...] = ()  # exact names, or "*.suffix" for every name below it
    resolve: Resolver = field(default=system_resolver, compare=False)

    @classmethod
    def from_entries(cls, entries: Iterable[str], resolve: Resolver | None = None) -> TargetPolicy:
        networks: list[IPNetwork] = []
        hosts: list[str] = []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.append(entry.lower().rstrip("."))
        return cls(tuple(networks), tuple(hosts), resolve or system_resolver)

    @classmethod
    def from_settings(cls, settings: Settings) -> TargetPolicy:
        """From ``Settings.webhook_allow`` (validated by ``load_settings``)."""
        return cls.from_entries(settings.webhook_allow)

    @classmethod
    def from_environment(cls) -> TargetPolicy:
        """From ``TONGBAN_WEBHOOK_ALLOW`` in the process environment (direct callers of the
        service; the web app and the worker pass their settings' policy)."""
        from tongban.config import ConfigError, parse_webhook_allow

        entries, problems = parse_webhook_allow(os.environ.get(ALLOW_ENV, ""))
        if problems:
            raise ConfigError("\n".join(problems))
        return cls.from_entries(entries)

    def allows_host(self, host: str) -> bool:
        name = host.lower().rstrip(".")
        return any(name == h or (h.startswith("*.") and name.endswith(h[1:])) for h in self.hosts)

    def allows_address(self, address: IPAddress) -> bool:
        return any(address.version == n.version and address in n for n in self.networks)


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``addresses``, all checked) and what to send."""

    url: str
    https: bool
    host: str  # as written in the URL (Host header, TLS server name), brackets removed
    port: int
    request_path: str  # path and query, as sent in the request line
    addresses: tuple[IPAddress, ...]


# --- the URL --------------------------------------------------------------------------------


def check_url(url: str) -> str:
    """The URL's form (no DNS): http(s), a host, no credentials, spaces or control
    characters, at most ``MAX_URL`` characters; ``InvalidWebhook`` says which rule failed."""
    if not isinstance(url, str) or not url:
        raise UrlRequired()
    if len(url) > MAX_URL:
        raise UrlTooLong(MAX_URL)
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c == "\\" for c in url):
        raise UrlCharacters(repr(url))
    if not url.isascii():
        raise UrlNotAscii(repr(url))
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unbalanced or invalid [IPv6] host
        raise HostInvalid(repr(url)) from exc
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UrlScheme(repr(url))
    if "@" in parts.netloc:
        raise UrlCredentials(repr(url))
    try:
        port = parts.port
    except ValueError:
        port = 0
    if not parts.hostname or port == 0:
        raise HostOrPortInvalid(repr(url))
    return url


def vet(url: str, policy: TargetPolicy, *, unresolved_ok: bool = False) -> Target:
    """``url`` checked (``check_url``) and its host's every address allowed, or
    ``TargetRefused`` naming the address and its class. A name that does not resolve is
    ``OSError`` — or, with ``unresolved_ok`` (subscribing), a target with no addresses,
    checked again at each delivery."""
    parts = urlsplit(check_url(url))
    host = str(parts.hostname)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    numeric = numeric_host(host)
    if numeric is not None:
        addresses = [numeric]
    elif _HOST.fullmatch(host) is None:
        raise HostInvalid(repr(host))
    elif _is_local_name(host) and not policy.allows_host(host):
        raise TargetIsThisMachine(host)
    else:
        try:
            addresses = policy.resolve(host, port)
        except (OSError, UnicodeError):
            if not unresolved_ok:
                raise
            return Target(url, https, host, port, path, ())
    named_in_allow_list = numeric is None and policy.allows_host(host)
    for address in addresses:
        problem = address_problem(address)
        if problem is not None and not (named_in_allow_list or policy.allows_address(address)):
            address_class = problem.split(" (")[-1].rstrip(")")
            raise TargetNotAllowed(host, str(address), address_class)
    if not addresses:
        raise OSError(f"{host}: no address")
    return Target(url, https, host, port, path, tuple(addresses))


def _is_local_name(host: str) -> bool:
    name = host.lower().rstrip(".")
    return name in _LOCAL_NAMES or name.endswith(".localhost")


def numeric_host(host: str) -> IPAddress | None:
    """The address a numeric host means, in every notation ``inet_aton`` and IPv6 accept
    (``127.1``, ``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``::ffff:7f00:1``); None
    for a name. A number out of range is ``InvalidWebhook``, never looked up as a name."""
    text = host.lower()
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError as exc:
            raise AddressInvalid(repr(host), "IPv6") from exc
    parts = text[:-1].split(".") if text.endswith(".") else text.split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMBER.fullmatch(p) for p in parts):
        return None
    values = [_number(p) for p in parts]
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        raise AddressInvalid(repr(host), "IPv4")
    value = last
    for index, part in enumerate(head):
        value += part << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _number(part: str) -> int:
    if part.startswith("0x"):
        return int(part[2:] or "0", 16)
    if part.startswith("0") and len(part) > 1:
        return int(part, 8)
    return int(part)


def address_problem(address: IPAddress) -> str | None:
    """Why webhooks may not reach ``address`` ("回环地址 (loopback)" …), or None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            problem = address_problem(embedded)
            if problem is not None:
                return problem
        if address in _NAT64_LOCAL:
            return "保留地址 (reserved)"
    if address in METADATA:
        return "云元数据地址 (cloud metadata)"
    checks: Sequence[tuple[bool, str]] = (
        (address.is_unspecified, "未指定地址 (unspecified)"),
        (address.is_loopback, "回环地址 (loopback)"),
        (address.is_link_local, "链路本地地址 (link-local)"),
        (address.is_multicast, "组播地址 (multicast)"),
        (address.version == 6 and address in _UNIQUE_LOCAL, "唯一本地地址 (unique-local)"),
        (getattr(address, "is_site_local", False), "站点本地地址 (site-local)"),
        (address.version == 4 and address in _SHARED, "运营商共享地址 (shared, 100.64/10)"),
        (address.is_reserved, "保留地址 (reserved)"),
        (address.is_private, "私有地址 (private)"),
        (not address.is_global, "非公网地址 (not public)"),
    )
    return next((reason for failed, reason in checks if failed), None)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


# --- failures -------------------------------------------------------------------------------


def failure_class(exc: BaseException) -> str:
    """The class of a failed delivery (``FAILURES``): never the exception's text."""
    if isinstance(exc, TargetRefused):
        return FAILURE_REFUSED
    if isinstance(exc, TimeoutError):
        return FAILURE_TIMEOUT
    return FAILURE_CONNECT
