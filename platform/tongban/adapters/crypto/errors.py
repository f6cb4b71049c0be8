"""What the SM2 signer and the seal box refuse, one class per condition (all ``SealError``;
words in ``core/error_catalogue.py``)."""

from __future__ import annotations

from typing import Any

from tongban.core.errors import TongbanError
from tongban.core.seal_errors import SealError


class _Crypto(SealError):
    def __init__(self, **fields: Any) -> None:
        TongbanError.__init__(self, **fields)


class SealBoxKeyLength(_Crypto):
    reason = "SEAL_BOX_KEY_LENGTH"

    def __init__(self) -> None:
        super().__init__()


class PrivateKeyFormat(_Crypto):
    reason = "SM2_PRIVATE_KEY_FORMAT"

    def __init__(self) -> None:
        super().__init__()


class PrivateKeyRange(_Crypto):
    reason = "SM2_PRIVATE_KEY_RANGE"

    def __init__(self) -> None:
        super().__init__()


class DerivationFailed(_Crypto):
    reason = "SM2_DERIVATION_FAILED"

    def __init__(self) -> None:
        super().__init__()


class NotPublicKey(_Crypto):
    reason = "SM2_NOT_PUBLIC_KEY"

    def __init__(self) -> None:
        super().__init__()


class SpkiFormat(_Crypto):
    reason = "SM2_SPKI_FORMAT"

    def __init__(self) -> None:
        super().__init__()


class NotOnCurve(_Crypto):
    reason = "SM2_NOT_ON_CURVE"

    def __init__(self) -> None:
        super().__init__()


class KeyMismatch(_Crypto):
    reason = "SM2_KEY_MISMATCH"

    def __init__(self) -> None:
        super().__init__()


class SigningFailed(_Crypto):
    reason = "SM2_SIGNING_FAILED"

    def __init__(self) -> None:
        super().__init__()


class StoredKeyFormat(_Crypto):
    reason = "STORED_KEY_FORMAT"

    def __init__(self, key_id: str, prefix: str) -> None:
        super().__init__(key_id=key_id, prefix=prefix)


class StoredKeyUnreadable(_Crypto):
    reason = "STORED_KEY_UNREADABLE"

    def __init__(self, key_id: str) -> None:
        super().__init__(key_id=key_id)


class StoredKeyLength(_Crypto):
    reason = "STORED_KEY_LENGTH"

    def __init__(self, key_id: str) -> None:
        super().__init__(key_id=key_id)
