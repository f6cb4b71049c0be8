"""The person-token codec (services/tokens.py): signed claims, expiry, refusal reasons."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from itsdangerous import URLSafeSerializer

from tongban.services import tokens
from tongban.services.tokens import Reason, TokenRefused

SECRET = "s" * 40
HOUR = dt.timedelta(hours=1)
NOW = 1_800_000_000.0


def refused(token: str, now: float = NOW, secret: str = SECRET) -> str:
    with pytest.raises(TokenRefused) as raised:
        tokens.verify(secret, token, now)
    return raised.value.reason


def test_a_token_carries_its_claims_until_it_expires() -> None:
    token, claims = tokens.issue(SECRET, "yilan_clerk", "230123", "stamp", HOUR, NOW)
    assert token.startswith("tbu_") and tokens.looks_like_token(token)
    assert claims.expires_at - claims.issued_at == 3600
    assert claims.expires == dt.datetime.fromtimestamp(NOW + 3600, dt.UTC)
    assert tokens.verify(SECRET, token, NOW + 3599) == claims
    assert refused(token, NOW + 3600) == Reason.EXPIRED
    assert refused(token, secret="another secret " * 3) == Reason.INVALID


def test_only_well_formed_payloads_signed_with_the_key_and_salt_pass() -> None:
    def signed(payload: object, salt: str = "tongban.person-token.v1") -> str:
        serializer = URLSafeSerializer(
            SECRET, salt=salt, signer_kwargs={"digest_method": hashlib.sha256}
        )
        return "tbu_" + serializer.dumps(payload)

    good = {"v": 1, "sub": "u", "ten": "230123", "iat": 1, "exp": 2**40, "stp": "s"}
    assert tokens.verify(SECRET, signed(good), NOW).username == "u"
    for bad in (
        {**good, "v": 2},
        {**good, "sub": ""},
        {**good, "exp": "later"},
        {**good, "exp": True},
        {k: v for k, v in good.items() if k != "stp"},
        ["not", "an", "object"],
    ):
        assert refused(signed(bad)) == Reason.INVALID, bad
    assert refused(signed(good, salt="cookie-session")) == Reason.INVALID
    assert refused("tb_0123abcd_secret") == Reason.INVALID


def test_the_stamp_follows_the_password_hash() -> None:
    assert tokens.stamp(SECRET, 7, "hash-a") == tokens.stamp(SECRET, 7, "hash-a")
    assert tokens.stamp(SECRET, 7, "hash-a") != tokens.stamp(SECRET, 7, "hash-b")
    assert tokens.stamp(SECRET, 7, "hash-a") != tokens.stamp(SECRET, 8, "hash-a")
    assert "hash-a" not in tokens.stamp(SECRET, 7, "hash-a")
