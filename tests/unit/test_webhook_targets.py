"""Webhook targets: every internal address refused in every notation, without DNS for
numeric hosts; names checked on every address they resolve to; the deployment's allow-list;
URLs with spaces, CR/LF or credentials refused with a clear error; failures as classes."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

import pytest

from tongban.config import ConfigError, load_settings
from tongban.services import webhook_targets as targets
from tongban.services.webhook_targets import (
    FAILURE_CONNECT,
    FAILURE_REFUSED,
    FAILURE_TIMEOUT,
    InvalidWebhook,
    TargetPolicy,
    TargetRefused,
)

PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"


def _no_dns(host: str, port: int) -> list[targets.IPAddress]:
    raise AssertionError(f"a numeric host must not be looked up: {host}")


def _names(table: dict[str, list[str]]) -> Callable[[str, int], list[targets.IPAddress]]:
    def resolve(host: str, _port: int) -> list[targets.IPAddress]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ipaddress.ip_address(a) for a in table[host]]

    return resolve


STRICT = TargetPolicy(resolve=_no_dns)

# (host as written in the URL, the class named in the refusal)
REFUSED = [
    ("127.0.0.1", "回环地址"),
    ("127.0.0.1:5432", "回环地址"),  # PostgreSQL
    ("127.0.0.1:6379", "回环地址"),  # Redis
    ("127.1", "回环地址"),
    ("2130706433", "回环地址"),
    ("0x7f000001", "回环地址"),
    ("0x7f.0.0.1", "回环地址"),
    ("0177.0.0.1", "回环地址"),
    ("127.0.0.1.", "回环地址"),
    ("[::1]", "回环地址"),
    ("[::ffff:127.0.0.1]", "回环地址"),  # IPv4-mapped IPv6
    ("[::ffff:7f00:1]", "回环地址"),
    ("[2002:7f00:1::]", "回环地址"),  # 6to4 around 127.0.0.1
    ("169.254.169.254", "云元数据地址"),
    ("[::ffff:169.254.169.254]", "云元数据地址"),
    ("[64:ff9b::a9fe:a9fe]", "云元数据地址"),  # NAT64 around 169.254.169.254
    ("100.100.100.200", "云元数据地址"),  # Alibaba Cloud
    ("[fd00:ec2::254]", "云元数据地址"),
    ("169.254.1.1", "链路本地地址"),
    ("[fe80::1]", "链路本地地址"),
    ("10.0.0.1", "私有地址"),
    ("10.255.255.255", "私有地址"),
    ("012.0.0.1", "私有地址"),  # octal 10.0.0.1
    ("167772161", "私有地址"),  # 10.0.0.1
    ("172.16.0.1", "私有地址"),
    ("172.31.255.254", "私有地址"),
    ("192.168.0.1", "私有地址"),
    ("0xc0a80001", "私有地址"),  # 192.168.0.1
    ("[::ffff:192.168.0.1]", "私有地址"),
    ("[fc00::1]", "唯一本地地址"),
    ("[fd12:3456::1]", "唯一本地地址"),
    ("[fec0::1]", "站点本地地址"),
    ("224.0.0.1", "组播地址"),
    ("239.255.255.250", "组播地址"),
    ("[ff02::1]", "组播地址"),
    ("240.0.0.1", "保留地址"),
    ("255.255.255.255", "保留地址"),
    ("0.0.0.0", "未指定地址"),
    ("0", "未指定地址"),
    ("[::]", "未指定地址"),
    ("100.64.0.1", "运营商共享地址"),
    ("192.0.2.1", "私有地址"),  # documentation range: not public either
]


@pytest.mark.parametrize(("host", "reason"), REFUSED, ids=[h for h, _ in REFUSED])
def test_every_internal_address_is_refused_in_every_notation(host: str, reason: str) -> None:
    for scheme in ("http", "https"):
        with pytest.raises(TargetRefused) as caught:
            targets.vet(f"{scheme}://{host}/hook", STRICT)
        assert caught.value.reason == "WEBHOOK_TARGET_NOT_ALLOWED"
        assert caught.value.message.startswith(FAILURE_REFUSED.split(" (")[0])
        assert reason in caught.value.message, caught.value.message
        assert "TONGBAN_WEBHOOK_ALLOW" in caught.value.message  # what an intranet needs


def test_names_are_checked_on_every_address_they_resolve_to() -> None:
    policy = TargetPolicy(
        resolve=_names(
            {
                "public.example": [PUBLIC_V4, PUBLIC_V6],
                "internal.example": ["10.1.2.3"],
                "mixed.example": [PUBLIC_V4, "127.0.0.1"],  # one bad address is enough
                "metadata.example": ["169.254.169.254"],
            }
        )
    )
    target = targets.vet("https://public.example:8443/in?x=1", policy)
    assert target.addresses == (ipaddress.ip_address(PUBLIC_V4), ipaddress.ip_address(PUBLIC_V6))
    assert (target.host, target.port, target.request_path, target.https) == (
        "public.example",
        8443,
        "/in?x=1",
        True,
    )
    for name, reason in (
        ("internal.example", "internal.example → 10.1.2.3 是私有地址"),
        ("mixed.example", "mixed.example → 127.0.0.1 是回环地址"),
        ("metadata.example", "云元数据地址"),
    ):
        with pytest.raises(TargetRefused, match=reason):
            targets.vet(f"http://{name}/hook", policy)
    for local in ("localhost", "LOCALHOST.", "api.localhost", "localhost.localdomain"):
        with pytest.raises(TargetRefused, match="本机"):
            targets.vet(f"http://{local}:6379/", policy)  # never even looked up
    # a name that does not resolve: accepted when subscribing (checked again at delivery),
    # an error when delivering
    assert targets.vet("http://nowhere.example/", policy, unresolved_ok=True).addresses == ()
    with pytest.raises(OSError):
        targets.vet("http://nowhere.example/", policy)


def test_the_system_resolver_sees_every_address(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(host: str, port: int, *_args: object, **_kw: object) -> list[tuple[object, ...]]:
        assert host == "twofaced.example"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_V4, port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(TargetRefused, match="::1 是回环地址"):
        targets.vet("http://twofaced.example/", TargetPolicy())


def test_public_addresses_are_accepted_on_any_port() -> None:
    for url in (
        f"http://{PUBLIC_V4}/hook",
        f"https://{PUBLIC_V4}:6379/hook",
        f"https://[{PUBLIC_V6}]/hook",
        "http://1572395042/hook",  # 93.184.216.34 as one number: the address is what counts
    ):
        target = targets.vet(url, STRICT)
        assert [str(a) for a in target.addresses] in ([PUBLIC_V4], [PUBLIC_V6]), url


def test_the_allow_list_opens_only_what_it_names() -> None:
    settings = load_settings(
        {
            "TONGBAN_WEBHOOK_ALLOW": "127.0.0.1/32, 10.20.0.0/16 hooks.intranet.example "
            "*.county.example",
        }
    )
    assert settings.webhook_allow == (
        "127.0.0.1/32",
        "10.20.0.0/16",
        "hooks.intranet.example",
        "*.county.example",
    )
    resolve = _names(
        {
            "hooks.intranet.example": ["10.99.0.5"],
            "a.county.example": ["192.168.3.4"],
            "other.example": ["10.99.0.5"],
            "county.example.evil.example": ["10.99.0.5"],
        }
    )
    policy = TargetPolicy.from_entries(settings.webhook_allow, resolve)
    assert targets.vet("http://127.0.0.1:8080/", policy).addresses
    assert targets.vet("http://10.20.3.4/", policy).addresses
    assert targets.vet("http://hooks.intranet.example/", policy).addresses
    assert targets.vet("http://a.county.example/", policy).addresses
    for refused in (
        "http://127.0.0.2/",
        "http://2130706434/",  # 127.0.0.2
        "http://10.21.0.1/",
        "http://[::1]/",
        "http://other.example/",  # same address, name not listed
        "http://county.example.evil.example/",
        "http://169.254.169.254/",
    ):
        with pytest.raises(TargetRefused):
            targets.vet(refused, policy)
    with pytest.raises(ConfigError, match="既不是网段也不是主机名"):
        load_settings({"TONGBAN_WEBHOOK_ALLOW": "10.0.0.0/33"})
    with pytest.raises(ConfigError, match="TONGBAN_WEBHOOK_ALLOW"):
        load_settings({"TONGBAN_WEBHOOK_ALLOW": "*"})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"http://{PUBLIC_V4}/a b", "空格"),
        (f"http://{PUBLIC_V4}/a\r\nX-Injected: 1", "换行"),
        (f"http://{PUBLIC_V4}/\nhook", "换行"),
        (f" http://{PUBLIC_V4}/hook", "空格"),
        (f"http://{PUBLIC_V4}/hook\t", "控制字符"),
        (f"http://{PUBLIC_V4}/\x00", "控制字符"),
        (f"http://{PUBLIC_V4}\\@127.0.0.1/", "反斜杠"),
        (f"http://user:pw@{PUBLIC_V4}/", "用户名或密码"),
        (f"http://@{PUBLIC_V4}/", "用户名或密码"),
        ("http://例子.中国/hook", "ASCII"),
        ("ftp://example.org/hook", "http:// 或 https://"),
        ("file:///etc/passwd", "http:// 或 https://"),
        ("gopher://127.0.0.1:6379/_INFO", "http:// 或 https://"),
        ("http:///hook", "http:// 或 https://"),
        (f"http://{PUBLIC_V4}:0/", "端口无效"),
        (f"http://{PUBLIC_V4}:70000/", "端口无效"),
        (f"http://{PUBLIC_V4}:http/", "端口无效"),
        ("http://256.0.0.1/", "IPv4 地址无效"),
        ("http://0x100000000/", "IPv4 地址无效"),
        ("http://[::1::2]/", "无效"),
        ("http://exa$mple.org/", "主机无效"),
        ("http://" + "a" * 500 + ".example/", "最长 500"),
        ("", "请填写"),
    ],
)
def test_malformed_urls_are_refused_with_a_clear_error(url: str, reason: str) -> None:
    with pytest.raises(InvalidWebhook) as caught:
        targets.vet(url, STRICT)
    assert reason in caught.value.message
    assert not isinstance(caught.value, TargetRefused)


def test_failures_are_reported_as_classes_only() -> None:
    assert targets.failure_class(TargetRefused("x")) == FAILURE_REFUSED
    assert targets.failure_class(TimeoutError("timed out")) == FAILURE_TIMEOUT
    for exc in (ConnectionRefusedError(111, "Connection refused"), OSError("unreachable")):
        assert targets.failure_class(exc) == FAILURE_CONNECT
    assert len(set(targets.FAILURES)) == 4
