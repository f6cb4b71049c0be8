"""Seal private keys at rest: AES-256-GCM under TONGBAN_SEAL_KEY; the setting itself."""

from __future__ import annotations

import pytest

from tongban.adapters.crypto import SealBox, derive_seal_key, generate_keypair
from tongban.adapters.crypto.seal_box import PREFIX
from tongban.config import DEV_SECRET_KEY, development_seal_key, load_settings
from tongban.core.seals import SealError

HEX_KEY = "00112233445566778899aabbccddeeff" * 2
PRIVATE, _ = generate_keypair()


def test_round_trip_and_fresh_nonces() -> None:
    box = SealBox.from_setting(HEX_KEY)
    first = box.encrypt_private_key(PRIVATE, key_id="k1")
    second = box.encrypt_private_key(PRIVATE, key_id="k1")
    assert first.startswith(PREFIX) and second.startswith(PREFIX)
    assert first != second
    assert PRIVATE not in first
    assert box.decrypt_private_key(first, key_id="k1") == PRIVATE
    assert box.decrypt_private_key(second, key_id="k1") == PRIVATE


def test_wrong_configuration_key_cannot_decrypt() -> None:
    token = SealBox.from_setting(HEX_KEY).encrypt_private_key(PRIVATE, key_id="k1")
    other = SealBox.from_setting("ff" * 32)
    with pytest.raises(SealError, match="TONGBAN_SEAL_KEY 有误") as caught:
        other.decrypt_private_key(token, key_id="k1")
    assert (caught.value.reason, caught.value.data) == ("STORED_KEY_UNREADABLE", {"key_id": "k1"})


def test_ciphertext_is_bound_to_its_key_id() -> None:
    box = SealBox.from_setting(HEX_KEY)
    token = box.encrypt_private_key(PRIVATE, key_id="k1")
    with pytest.raises(SealError, match="属于另一把密钥") as caught:
        box.decrypt_private_key(token, key_id="k2")
    assert caught.value.reason == "STORED_KEY_UNREADABLE"


def test_tampered_or_foreign_values_are_refused() -> None:
    box = SealBox.from_setting(HEX_KEY)
    token = box.encrypt_private_key(PRIVATE, key_id="k1")
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    for bad in (flipped, PREFIX + "AAAA", PREFIX + "!!", PRIVATE, ""):
        with pytest.raises(SealError):
            box.decrypt_private_key(bad, key_id="k1")


def test_setting_forms() -> None:
    assert derive_seal_key(HEX_KEY) == bytes.fromhex(HEX_KEY)
    assert derive_seal_key(HEX_KEY.upper()) == bytes.fromhex(HEX_KEY)
    stretched = derive_seal_key("a long enough passphrase")
    assert len(stretched) == 32 and stretched == derive_seal_key("a long enough passphrase")
    assert stretched != derive_seal_key("a long enough passphrasf")
    with pytest.raises(SealError, match="at least 16"):
        derive_seal_key("short")
    with pytest.raises(SealError, match="not configured"):
        derive_seal_key("")
    with pytest.raises(SealError):
        SealBox(b"x" * 16)
    assert "hidden" in repr(SealBox(b"x" * 32))


def test_settings_development_default_is_derived_from_the_secret_key() -> None:
    settings = load_settings({"TONGBAN_VAR_DIR": "var"})
    assert settings.seal_key == development_seal_key(DEV_SECRET_KEY)
    assert len(settings.seal_key) == 64 and settings.seal_key != DEV_SECRET_KEY
    own = load_settings({"TONGBAN_SECRET_KEY": "s" * 40})
    assert own.seal_key == development_seal_key("s" * 40) != settings.seal_key
    box = SealBox.from_setting(settings.seal_key)
    assert box.decrypt_private_key(box.encrypt_private_key(PRIVATE, key_id="k"), key_id="k")


def test_settings_production_requires_a_seal_key() -> None:
    base = {"TONGBAN_ENV": "production", "TONGBAN_SECRET_KEY": "4f1c" + HEX_KEY[::-1]}
    with pytest.raises(RuntimeError, match="TONGBAN_SEAL_KEY"):
        load_settings(base)
    settings = load_settings({**base, "TONGBAN_SEAL_KEY": HEX_KEY})
    assert settings.seal_key == HEX_KEY
