"""Seal private keys encrypted at rest: AES-256-GCM under a key from TONGBAN_SEAL_KEY.

The setting is either 64 hex characters (the 32-byte key itself) or a passphrase of at
least 16 characters, stretched with scrypt (n = 2^15, r = 8, p = 1, fixed salt: there is one
key per installation, the salt only separates this use). A stored key is the text
``tbsk1:<base64url(nonce ‖ ciphertext ‖ tag)>``; the key id is bound in as associated data,
so a ciphertext copied onto another key's record does not decrypt.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tongban.adapters.crypto.errors import (
    PrivateKeyFormat,
    SealBoxKeyLength,
    StoredKeyFormat,
    StoredKeyLength,
    StoredKeyUnreadable,
)
from tongban.core.seal_errors import SealError
from tongban.core.seal_key_setting import HEX64, MIN_PASSPHRASE, seal_key_problem

__all__ = ["MIN_PASSPHRASE", "PREFIX", "SealBox", "derive_seal_key", "seal_key_problem"]

PREFIX = "tbsk1:"
_SALT = b"tongban/seal-key/v1"
_AAD = b"tongban/seal-private-key/v1|"
_PRIVATE_HEX = re.compile(r"[0-9a-f]{64}")


@functools.lru_cache(maxsize=4)
def derive_seal_key(setting: str) -> bytes:
    """The 32-byte key-encryption key from the TONGBAN_SEAL_KEY value."""
    problem = seal_key_problem(setting)
    if problem is not None:
        raise SealError(problem)
    if HEX64.fullmatch(setting):
        return bytes.fromhex(setting)
    return hashlib.scrypt(
        setting.encode("utf-8"), salt=_SALT, n=2**15, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32
    )


class SealBox:
    """Encrypts and decrypts department seal private keys (hex) for storage."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise SealBoxKeyLength()
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "SealBox(<key hidden>)"

    @classmethod
    def from_setting(cls, setting: str) -> SealBox:
        return cls(derive_seal_key(setting))

    def encrypt_private_key(self, private_hex: str, *, key_id: str) -> str:
        if not _PRIVATE_HEX.fullmatch(private_hex):
            raise PrivateKeyFormat()
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, bytes.fromhex(private_hex), _AAD + key_id.encode())
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt_private_key(self, token: str, *, key_id: str) -> str:
        if not token.startswith(PREFIX):
            raise StoredKeyFormat(key_id, PREFIX)
        try:
            raw = base64.urlsafe_b64decode(token[len(PREFIX) :].encode("ascii"))
            plain = self._aead.decrypt(raw[:12], raw[12:], _AAD + key_id.encode())
        except (ValueError, InvalidTag) as exc:
            raise StoredKeyUnreadable(key_id) from exc
        if len(plain) != 32:
            raise StoredKeyLength(key_id)
        return plain.hex()
