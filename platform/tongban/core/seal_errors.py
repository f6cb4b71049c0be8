"""Why sealing is impossible, one class per condition (words in ``core/error_catalogue.py``).

``SealError`` is their common base: bad input to seal, a key record that does not hold
together, a key that may not sign now.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tongban.core.errors import InvalidState, TongbanError


class SealError(TongbanError):
    """Sealing is impossible: bad input, a key that is not valid now, a broken key record."""

    reason = "SEAL_FAILED"

    def __init__(self, problem: str) -> None:
        super().__init__(problem=problem)


class _Sealing(SealError):
    def __init__(self, **fields: Any) -> None:
        TongbanError.__init__(self, **fields)


class FloatNotSealable(_Sealing):
    reason = "SEAL_FLOAT"

    def __init__(self, pointer: str) -> None:
        super().__init__(pointer=pointer or "/")


class KeyNotString(_Sealing):
    reason = "SEAL_OBJECT_KEY_NOT_STRING"

    def __init__(self, pointer: str, key: str) -> None:
        super().__init__(pointer=pointer or "/", key=key)


class NotJsonData(_Sealing):
    reason = "SEAL_NOT_JSON"

    def __init__(self, pointer: str, type_name: str) -> None:
        super().__init__(pointer=pointer or "/", type_name=type_name)


class LoneSurrogate(_Sealing):
    reason = "SEAL_LONE_SURROGATE"

    def __init__(self) -> None:
        super().__init__()


class DocumentNotObject(_Sealing):
    reason = "SEAL_DOCUMENT_NOT_OBJECT"

    def __init__(self) -> None:
        super().__init__()


class NaiveSealTime(_Sealing):
    reason = "SEAL_TIME_NAIVE"

    def __init__(self) -> None:
        super().__init__()


class SealKeyIdMissing(_Sealing):
    reason = "SEAL_KEY_ID_MISSING"

    def __init__(self) -> None:
        super().__init__()


class SealKeyPublicHex(_Sealing):
    reason = "SEAL_KEY_PUBLIC_HEX"

    def __init__(self, key_id: str) -> None:
        super().__init__(key_id=key_id)


class SealKeyTimeNaive(_Sealing):
    reason = "SEAL_KEY_TIME_NAIVE"

    def __init__(self, key_id: str, field: str) -> None:
        super().__init__(key_id=key_id, field=field)


class SealKeyNotObject(_Sealing):
    reason = "SEAL_KEY_NOT_OBJECT"

    def __init__(self) -> None:
        super().__init__()


class SealKeyUnknownFields(_Sealing):
    reason = "SEAL_KEY_UNKNOWN_FIELDS"

    def __init__(self, fields: Sequence[str]) -> None:
        super().__init__(fields=list(fields))


class SealKeyFieldNotString(_Sealing):
    reason = "SEAL_KEY_FIELD_NOT_STRING"

    def __init__(self, field: str) -> None:
        super().__init__(field=field)


class SealKeyTimeInvalid(_Sealing):
    reason = "SEAL_KEY_TIME_INVALID"

    def __init__(self, key_id: str, problem: str) -> None:
        super().__init__(key_id=key_id, problem=problem)


class SealKeyTwice(_Sealing):
    reason = "SEAL_KEY_TWICE"

    def __init__(self, key_id: str) -> None:
        super().__init__(key_id=key_id)


class SealKeyUnusable(InvalidState):
    """The key may not sign at this moment (not yet valid, expired or revoked): a state of
    the key, not a broken input, so it is no ``SealError``."""

    reason = "SEAL_KEY_UNUSABLE"

    def __init__(self, key_id: str, problem: str) -> None:
        super().__init__(key_id=key_id, problem=problem)


class DepartmentMismatch(_Sealing):
    reason = "SEAL_DEPARTMENT_MISMATCH"

    def __init__(self, document_department: str, key_department: str) -> None:
        super().__init__(document_department=document_department, key_department=key_department)


class SealInvalidAfterSealing(_Sealing):
    reason = "SEAL_INVALID_AFTER_SEALING"

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(problems=list(problems))


class PdfRendererMissing(_Sealing):
    reason = "PDF_RENDERER_MISSING"

    def __init__(self) -> None:
        super().__init__()


class UnsafeResultName(_Sealing):
    reason = "UNSAFE_RESULT_NAME"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)


class KeysFileUnreadable(_Sealing):
    reason = "SEAL_KEYS_FILE_UNREADABLE"

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path=path, problem=problem)


class KeysFileNotList(_Sealing):
    reason = "SEAL_KEYS_FILE_NOT_LIST"

    def __init__(self, path: str) -> None:
        super().__init__(path=path)
