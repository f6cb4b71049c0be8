"""E-seals (电子印章) on result documents: the document model, canonical JSON, sealing and
the verification logic. docs/seals.md describes the formats.

A *result document* is the plain data of a decision (准予/不予行政许可决定书). It is sealed by
the deciding department's SM2 key: the seal records the SM3 digest of the document's
canonical JSON, and the SM2 signature covers the canonical JSON of the seal's own fields
(algorithm, key id, department, signing time and that digest), so none of them can be
changed without breaking the signature. A result without a valid seal is not valid.

Pure: the cryptography comes in through the ``Signer``/``Verifier`` protocols and an SM3
function (``tongban.adapters.crypto`` implements them with gmssl); nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

from tongban.core.seal_errors import (
    DepartmentMismatch,
    DocumentNotObject,
    FloatNotSealable,
    KeyNotString,
    LoneSurrogate,
    NaiveSealTime,
    NotJsonData,
    SealError,
    SealKeyFieldNotString,
    SealKeyIdMissing,
    SealKeyNotObject,
    SealKeyPublicHex,
    SealKeyTimeInvalid,
    SealKeyTimeNaive,
    SealKeyTwice,
    SealKeyUnknownFields,
    SealKeyUnusable,
)

ALG = "SM2-with-SM3"
SEAL_FIELDS = ("alg", "key_id", "department_uscc", "signed_at", "digest", "signature")
SIGNED_FIELDS = ("alg", "department_uscc", "digest", "key_id", "signed_at")
RESULT_TYPE = "tongban.result"
RESULT_VERSION = 1

_HEX64 = re.compile(r"[0-9a-f]{64}")
_PUBLIC_HEX = re.compile(r"[0-9a-f]{128}")
_HEX = re.compile(r"(?:[0-9a-f]{2})+")

Digest = Callable[[bytes], str]
"""SM3 of some bytes as 64 lowercase hex characters."""


class Signer(Protocol):
    def sign(self, data: bytes) -> str:
        """SM2-with-SM3 signature (user ID 1234567812345678) of ``data``, DER, as hex."""
        ...


class Verifier(Protocol):
    def verify(self, public_hex: str, data: bytes, signature_hex: str) -> bool:
        """Whether ``signature_hex`` is a valid signature of ``data``; never raises."""
        ...


# ----------------------------------------------------------------------------- canonical JSON


def _check_canonical(value: Any, pointer: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        raise FloatNotSealable(pointer)
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_canonical(item, f"{pointer}/{index}")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise KeyNotString(pointer, repr(key))
            _check_canonical(item, f"{pointer}/{key}")
        return
    raise NotJsonData(pointer, type(value).__name__)


def canonical_json(obj: Any) -> bytes:
    """The one byte form of JSON data that is hashed and signed.

    Keys sorted (by code point), no whitespace, non-ASCII written as UTF-8 (not ``\\u``
    escapes). Only dicts with string keys, lists, strings, ints, booleans and null are
    allowed: floats are refused because their text form is not stable across producers.
    """
    _check_canonical(obj, "")
    try:
        text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise LoneSurrogate() from exc


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json_strict(data: bytes) -> Any:
    """Parse JSON refusing duplicate keys and NaN/Infinity (raises ``ValueError``).

    Duplicate keys would let two readers see different content under one signature.
    """
    text = data.decode("utf-8")
    return json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)


# ----------------------------------------------------------------------------- time


def utc_iso(moment: dt.datetime) -> str:
    """``2026-05-01T08:00:00Z`` (microseconds kept when present)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveSealTime()
    text = moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def parse_utc(text: str) -> dt.datetime:
    """Parse an ISO 8601 time that states its offset (``Z`` or ``+00:00``; raises ``ValueError``)."""
    if not isinstance(text, str) or "T" not in text:
        raise ValueError(f"not an ISO 8601 date-time: {text!r}")
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"time without a UTC offset: {text!r}")
    return moment.astimezone(dt.UTC)


def _parse_optional_utc(value: Any) -> dt.datetime | None:
    return None if value in (None, "") else parse_utc(value)


# ----------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class SealKey:
    """The public half of a department's seal key and when it may be used.

    A signature is good only if made in ``[valid_from, valid_until)`` and before
    ``revoked_at``. ``public_key_hex`` is x‖y, 128 hex characters (no ``04`` prefix).
    """

    key_id: str
    department_uscc: str
    public_key_hex: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None = None
    revoked_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if not self.key_id or not isinstance(self.key_id, str):
            raise SealKeyIdMissing()
        if not _PUBLIC_HEX.fullmatch(self.public_key_hex or ""):
            raise SealKeyPublicHex(self.key_id)
        for name in ("valid_from", "valid_until", "revoked_at"):
            moment = getattr(self, name)
            if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
                raise SealKeyTimeNaive(self.key_id, name)

    def problem_at(self, moment: dt.datetime) -> str | None:
        """Why this key may not sign at ``moment``, or None if it may."""
        if moment < self.valid_from:
            return f"签章时间早于密钥生效时间 (signed before the key became valid at {utc_iso(self.valid_from)})"
        if self.valid_until is not None and moment >= self.valid_until:
            return f"签章时间晚于密钥有效期 (signed after the key expired at {utc_iso(self.valid_until)})"
        if self.revoked_at is not None and moment >= self.revoked_at:
            return f"签章时密钥已撤销 (signed at or after the key was revoked at {utc_iso(self.revoked_at)})"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "department_uscc": self.department_uscc,
            "public_key_hex": self.public_key_hex,
            "valid_from": utc_iso(self.valid_from),
            "valid_until": utc_iso(self.valid_until) if self.valid_until else None,
            "revoked_at": utc_iso(self.revoked_at) if self.revoked_at else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SealKey:
        """Build from ``to_dict`` output; raises ``SealError`` naming what is wrong."""
        if not isinstance(data, Mapping):
            raise SealKeyNotObject()
        unknown = sorted(set(data) - {f for f in cls.__dataclass_fields__})
        if unknown:
            raise SealKeyUnknownFields(unknown)
        for name in ("key_id", "department_uscc", "public_key_hex", "valid_from"):
            if not isinstance(data.get(name), str):
                raise SealKeyFieldNotString(name)
        try:
            return cls(
                key_id=data["key_id"],
                department_uscc=data["department_uscc"],
                public_key_hex=data["public_key_hex"],
                valid_from=parse_utc(data["valid_from"]),
                valid_until=_parse_optional_utc(data.get("valid_until")),
                revoked_at=_parse_optional_utc(data.get("revoked_at")),
            )
        except ValueError as exc:
            raise SealKeyTimeInvalid(str(data.get("key_id")), str(exc)) from exc


def keys_json(keys: Iterable[SealKey]) -> bytes:
    """The public keys file ``tongban verify --keys`` reads: a JSON list of ``to_dict()``
    objects (UTF-8, indented). Only public data: no private key is ever in a ``SealKey``."""
    items = [key.to_dict() for key in keys]
    return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def keys_by_id(keys: Iterable[SealKey]) -> dict[str, SealKey]:
    """Index keys by id (a repeated id is an error, never a silent overwrite)."""
    by_id: dict[str, SealKey] = {}
    for key in keys:
        if key.key_id in by_id:
            raise SealKeyTwice(key.key_id)
        by_id[key.key_id] = key
    return by_id


# ----------------------------------------------------------------------------- documents


class Outcome(StrEnum):
    APPROVED = "approved"
    REFUSED = "refused"


TITLES = {Outcome.APPROVED: "准予行政许可决定书", Outcome.REFUSED: "不予行政许可决定书"}


@dataclass(frozen=True)
class ResultDocument:
    """The result of concluding an approval, as it is sealed and printed."""

    case_number: str
    outcome: Outcome
    applicant_name: str
    matter_code: str
    matter_name: str
    decision: str
    reasons: str
    decided_on: dt.date
    department_name: str
    department_uscc: str
    applicant_id: str = ""  # 公民身份号码 or 统一社会信用代码
    applicant_kind: str = ""  # core.applicants.ApplicantKind value
    document_number: str = ""
    tenant_code: str = ""
    basis: Mapping[str, Any] | None = None  # the sealed opinion it rests on (上报件): see below

    @property
    def title(self) -> str:
        return TITLES[Outcome(self.outcome)]

    def to_document(self) -> dict[str, Any]:
        document = self._fields()
        if self.basis is not None:
            document["basis"] = dict(self.basis)
        return document

    def _fields(self) -> dict[str, Any]:
        return {
            "type": RESULT_TYPE,
            "version": RESULT_VERSION,
            "title": self.title,
            "outcome": str(Outcome(self.outcome)),
            "document_number": self.document_number,
            "case_number": self.case_number,
            "tenant": self.tenant_code,
            "applicant": {
                "name": self.applicant_name,
                "id": self.applicant_id,
                "kind": self.applicant_kind,
            },
            "matter": {"code": self.matter_code, "name": self.matter_name},
            "decision": self.decision,
            "reasons": self.reasons,
            "decided_on": self.decided_on.isoformat(),
            "department": {"name": self.department_name, "uscc": self.department_uscc},
        }


OPINION_TITLE = "审核签批意见"
OPINION_TYPE = "tongban.opinion"


@dataclass(frozen=True)
class OpinionDocument:
    """The final level's reviewed and signed opinion (审核签批意见) in a 上报件 escalation: not
    a decision, the ground the initial level's decision rests on. Sealed by the final level's
    department like a result document (the same ``department`` check applies)."""

    case_number: str  # the final level's case
    origin_case_number: str  # the initial level's case it answers
    outcome: Outcome
    opinion: str  # 同意 / 不同意 …
    reasons: str
    signed_on: dt.date
    department_name: str
    department_uscc: str
    matter_code: str
    matter_name: str
    applicant_name: str
    document_number: str = ""
    tenant_code: str = ""

    def to_document(self) -> dict[str, Any]:
        return {
            "type": OPINION_TYPE,
            "version": RESULT_VERSION,
            "title": OPINION_TITLE,
            "outcome": str(Outcome(self.outcome)),
            "document_number": self.document_number,
            "case_number": self.case_number,
            "origin_case_number": self.origin_case_number,
            "tenant": self.tenant_code,
            "applicant": {"name": self.applicant_name},
            "matter": {"code": self.matter_code, "name": self.matter_name},
            "opinion": self.opinion,
            "reasons": self.reasons,
            "decided_on": self.signed_on.isoformat(),
            "department": {"name": self.department_name, "uscc": self.department_uscc},
        }


def basis_of(sealed: SealedDocument) -> dict[str, Any]:
    """How a decision names the sealed opinion it rests on: its title, document number, case,
    department, SM3 digest and seal key id (enough to fetch and verify it)."""
    seal = sealed.seal or {}
    department = sealed.document.get("department") or {}
    return {
        "title": sealed.document.get("title", OPINION_TITLE),
        "document_number": sealed.document.get("document_number", ""),
        "case_number": sealed.document.get("case_number", ""),
        "department": {"name": department.get("name", ""), "uscc": department.get("uscc", "")},
        "digest": seal.get("digest", ""),
        "key_id": seal.get("key_id", ""),
    }


@dataclass(frozen=True)
class SealedDocument:
    """A result document and its seal (``None`` or ``{}``: not sealed, hence not valid)."""

    document: dict[str, Any]
    seal: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.seal is None:
            return {"document": self.document}
        return {"document": self.document, "seal": self.seal}

    def to_json(self) -> bytes:
        """The file form: canonical JSON of ``{"document": …, "seal": …}``."""
        return canonical_json(self.to_dict())


def signed_bytes(seal: Mapping[str, Any]) -> bytes:
    """The bytes the SM2 signature covers: canonical JSON of the seal without ``signature``."""
    return canonical_json({name: seal[name] for name in SIGNED_FIELDS})


def document_department(document: Mapping[str, Any]) -> str | None:
    department = document.get("department")
    if isinstance(department, Mapping) and isinstance(department.get("uscc"), str):
        return str(department["uscc"])
    return None


def seal_document(
    document: dict[str, Any],
    key: SealKey,
    signer: Signer,
    sm3: Digest,
    now: dt.datetime,
) -> SealedDocument:
    """Seal ``document`` with ``key`` at ``now`` (the key must be valid at that moment)."""
    if not isinstance(document, dict):
        raise DocumentNotObject()
    problem = key.problem_at(now)
    if problem:
        raise SealKeyUnusable(key.key_id, problem)
    own = document_department(document)
    if own is not None and own != key.department_uscc:
        raise DepartmentMismatch(own, key.department_uscc)
    seal: dict[str, Any] = {
        "alg": ALG,
        "key_id": key.key_id,
        "department_uscc": key.department_uscc,
        "signed_at": utc_iso(now),
        "digest": sm3(canonical_json(document)),
    }
    seal["signature"] = signer.sign(signed_bytes(seal))
    return SealedDocument(document, seal)


# ----------------------------------------------------------------------------- verification


class SealReason(StrEnum):
    VALID = "VALID"
    MALFORMED = "MALFORMED"
    UNSEALED = "UNSEALED"
    CONTENT_CHANGED = "CONTENT_CHANGED"
    UNKNOWN_KEY = "UNKNOWN_KEY"
    DEPARTMENT_MISMATCH = "DEPARTMENT_MISMATCH"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    KEY_NOT_VALID_AT_SIGNING = "KEY_NOT_VALID_AT_SIGNING"


MESSAGES: dict[SealReason, str] = {
    SealReason.VALID: "电子印章有效 (seal valid)",
    SealReason.MALFORMED: "签章数据格式错误 (sealed data is malformed)",
    SealReason.UNSEALED: "文书未加盖电子印章，无效 (no seal: a result without a valid seal is not valid)",
    SealReason.CONTENT_CHANGED: "文书内容在签章后被修改 (content changed after sealing: digest mismatch)",
    SealReason.UNKNOWN_KEY: "印章密钥未知 (unknown seal key)",
    SealReason.DEPARTMENT_MISMATCH: "印章单位不一致 (seal department does not match)",
    SealReason.SIGNATURE_INVALID: (
        "签名验证失败：非该印章密钥所签，或签章信息被篡改 "
        "(signature does not verify with this key: wrong key, or seal fields altered)"
    ),
    SealReason.KEY_NOT_VALID_AT_SIGNING: "签章时印章密钥无效 (key not valid at signing time)",
}

_PRIORITY = list(SealReason)


@dataclass(frozen=True)
class SealCheck:
    """The verdict: ``valid`` or not, every problem found, and the main reason code."""

    valid: bool
    problems: tuple[str, ...]
    reason_code: SealReason
    codes: tuple[SealReason, ...] = ()
    key_id: str = ""
    department_uscc: str = ""
    signed_at: str = ""
    document: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.problems[0] if self.problems else MESSAGES[SealReason.VALID]


def _verdict(
    found: list[tuple[SealReason, str]],
    seal: Mapping[str, Any] | None = None,
    document: Mapping[str, Any] | None = None,
) -> SealCheck:
    found = sorted(found, key=lambda item: _PRIORITY.index(item[0]))
    codes = tuple(code for code, _ in found)
    info = {
        name: seal.get(name) if isinstance(seal, Mapping) else ""
        for name in ("key_id", "department_uscc", "signed_at")
    }
    return SealCheck(
        valid=not found,
        problems=tuple(
            f"{code} {MESSAGES[code]}" + (f": {detail}" if detail else "") for code, detail in found
        ),
        reason_code=codes[0] if codes else SealReason.VALID,
        codes=codes,
        key_id=info["key_id"] if isinstance(info["key_id"], str) else "",
        department_uscc=info["department_uscc"] if isinstance(info["department_uscc"], str) else "",
        signed_at=info["signed_at"] if isinstance(info["signed_at"], str) else "",
        document=document if isinstance(document, Mapping) else {},
    )


def malformed(detail: str) -> SealCheck:
    return _verdict([(SealReason.MALFORMED, detail)])


def _seal_shape_problem(seal: Mapping[str, Any]) -> str | None:
    missing = [name for name in SEAL_FIELDS if name not in seal]
    if missing:
        return f"seal is missing {', '.join(missing)}"
    extra = sorted(set(seal) - set(SEAL_FIELDS))
    if extra:
        return f"seal has unsigned extra fields {', '.join(extra)}"
    for name in SEAL_FIELDS:
        if not isinstance(seal[name], str) or not seal[name]:
            return f"seal field {name} must be a non-empty string"
    if seal["alg"] != ALG:
        return f"unsupported seal algorithm {seal['alg']!r} (expected {ALG})"
    if not _HEX64.fullmatch(seal["digest"]):
        return "digest must be 64 lowercase hex characters (SM3)"
    if not _HEX.fullmatch(seal["signature"]):
        return "signature must be lowercase hex (DER)"
    try:
        parse_utc(seal["signed_at"])
    except ValueError as exc:
        return f"signed_at: {exc}"
    return None


def verify_sealed(
    sealed: SealedDocument,
    keys: Mapping[str, SealKey],
    sm2: Verifier,
    sm3: Digest,
) -> SealCheck:
    """Check a sealed document against the known public keys; explain every failure."""
    document, seal = sealed.document, sealed.seal
    if not isinstance(document, dict):
        return malformed("document must be a JSON object")
    if seal is None or seal == {}:
        return _verdict([(SealReason.UNSEALED, "")], None, document)
    if not isinstance(seal, dict):
        return malformed("seal must be a JSON object")
    shape = _seal_shape_problem(seal)
    if shape:
        return _verdict([(SealReason.MALFORMED, shape)], seal, document)
    try:
        content = canonical_json(document)
    except SealError as exc:
        return _verdict([(SealReason.MALFORMED, exc.message)], seal, document)

    found: list[tuple[SealReason, str]] = []
    actual = sm3(content)
    if actual != seal["digest"]:
        found.append((SealReason.CONTENT_CHANGED, f"SM3 {actual} ≠ sealed digest {seal['digest']}"))
    key = keys.get(seal["key_id"])
    if key is None:
        found.append((SealReason.UNKNOWN_KEY, f"key_id {seal['key_id']} is not a known seal key"))
        return _verdict(found, seal, document)
    if key.department_uscc != seal["department_uscc"]:
        found.append(
            (
                SealReason.DEPARTMENT_MISMATCH,
                f"seal says {seal['department_uscc']}, key {key.key_id} belongs to {key.department_uscc}",
            )
        )
    own = document_department(document)
    if own is not None and own != seal["department_uscc"]:
        found.append(
            (
                SealReason.DEPARTMENT_MISMATCH,
                f"document's deciding department {own}, seal's department {seal['department_uscc']}",
            )
        )
    if not sm2.verify(key.public_key_hex, signed_bytes(seal), seal["signature"]):
        found.append((SealReason.SIGNATURE_INVALID, f"key {key.key_id}"))
    timing = key.problem_at(parse_utc(seal["signed_at"]))
    if timing:
        found.append(
            (
                SealReason.KEY_NOT_VALID_AT_SIGNING,
                f"key {key.key_id} at {seal['signed_at']}: {timing}",
            )
        )
    return _verdict(found, seal, document)


def sealed_from_obj(obj: Any) -> SealedDocument | SealCheck:
    """The ``SealedDocument`` in parsed file content, or a MALFORMED/UNSEALED verdict.

    ``{"document": …, "seal": …}`` is a sealed document; ``{"document": …}`` or a bare
    result document (an object with neither key) is unsealed.
    """
    if not isinstance(obj, dict):
        return malformed("top level must be a JSON object")
    if "document" not in obj and "seal" not in obj:
        return _verdict([(SealReason.UNSEALED, "a bare document without a seal")], None, obj)
    extra = sorted(set(obj) - {"document", "seal"})
    if extra:
        return malformed(f"unexpected top-level fields {', '.join(extra)}")
    if not isinstance(obj.get("document"), dict):
        return malformed("document must be a JSON object")
    seal = obj.get("seal")
    if seal is not None and not isinstance(seal, dict):
        return malformed("seal must be a JSON object")
    return SealedDocument(obj["document"], seal)


def verify_sealed_json(
    data: bytes,
    keys: Mapping[str, SealKey],
    sm2: Verifier,
    sm3: Digest,
) -> SealCheck:
    """Verify the bytes of a sealed JSON file (``SealedDocument.to_json``)."""
    try:
        obj = parse_json_strict(data)
    except (UnicodeDecodeError, ValueError) as exc:
        return malformed(f"not valid JSON: {exc}")
    sealed = sealed_from_obj(obj)
    if isinstance(sealed, SealCheck):
        return sealed
    return verify_sealed(sealed, keys, sm2, sm3)


def with_problem(check: SealCheck, code: SealReason, detail: str) -> SealCheck:
    """``check`` with one more problem (the reason code re-ranked)."""
    found = [(c, p) for c, p in zip(check.codes, check.problems, strict=True)]
    found.append((code, f"{code} {MESSAGES[code]}: {detail}"))
    found.sort(key=lambda item: _PRIORITY.index(item[0]))
    return replace(
        check,
        valid=False,
        problems=tuple(p for _, p in found),
        codes=tuple(c for c, _ in found),
        reason_code=found[0][0],
    )
