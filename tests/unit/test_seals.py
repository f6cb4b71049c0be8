"""Sealing and verification logic (core) with the real gmssl SM2/SM3: every failure explained."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tongban.adapters.crypto import GmsslSigner, GmsslVerifier, generate_keypair, sm3_hex
from tongban.core.errors import InvalidState
from tongban.core.seals import (
    ALG,
    MESSAGES,
    Outcome,
    ResultDocument,
    SealCheck,
    SealedDocument,
    SealError,
    SealKey,
    SealReason,
    canonical_json,
    keys_by_id,
    parse_json_strict,
    seal_document,
    signed_bytes,
    utc_iso,
    verify_sealed,
    verify_sealed_json,
)
from tongban.services.seals import SealService

UTC = dt.UTC
USCC = "11230000MB1234567X"
OTHER_USCC = "11230100MB0000001A"
SIGNED_AT = dt.datetime(2026, 5, 6, 9, 30, tzinfo=UTC)
VERIFIER = GmsslVerifier()


def result(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "case_number": "12345620260501000001",
        "outcome": Outcome.APPROVED,
        "applicant_name": "哈尔滨市松北区张三食品店",
        "applicant_id": "92230109MA1B2C3D8L",  # 个体工商户: a valid USCC
        "applicant_kind": "legal_person",
        "matter_code": "000172111003",
        "matter_name": "食品经营许可",
        "decision": "准予行政许可，核发《食品经营许可证》。",
        "reasons": "申请材料齐全，符合法定形式，经审查符合《食品经营许可管理办法》规定的条件。",
        "decided_on": dt.date(2026, 5, 6),
        "department_name": "黑龙江省市场监督管理局",
        "department_uscc": USCC,
        "document_number": "黑市监许〔2026〕1号",
        "tenant_code": "230000",
    }
    fields.update(changes)
    return ResultDocument(**fields).to_document()


@pytest.fixture(scope="module")
def pairs() -> dict[str, tuple[str, str]]:
    return {"A": generate_keypair(), "B": generate_keypair()}


@pytest.fixture(scope="module")
def keys(pairs: dict[str, tuple[str, str]]) -> dict[str, SealKey]:
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    return keys_by_id(
        [
            SealKey("hlj-scjgj-2026", USCC, pairs["A"][1], start),
            SealKey("hlj-scjgj-b", USCC, pairs["B"][1], start),
        ]
    )


def seal_with(
    pair: tuple[str, str], key: SealKey, document: dict[str, Any] | None = None
) -> SealedDocument:
    return seal_document(document or result(), key, GmsslSigner(*pair), sm3_hex, SIGNED_AT)


@pytest.fixture(scope="module")
def sealed(pairs: dict[str, tuple[str, str]], keys: dict[str, SealKey]) -> SealedDocument:
    return seal_with(pairs["A"], keys["hlj-scjgj-2026"])


def check(sealed: SealedDocument, keys: dict[str, SealKey]) -> SealCheck:
    return verify_sealed(sealed, keys, VERIFIER, sm3_hex)


def edited(sealed: SealedDocument, **seal_changes: Any) -> SealedDocument:
    document = copy.deepcopy(sealed.document)
    seal = dict(sealed.seal or {})
    seal.update(seal_changes)
    return SealedDocument(document, seal)


# ----------------------------------------------------------------------------- canonical JSON


def test_canonical_json_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "中文"], "c": {"z": "", "y": -2}}) == (
        '{"a":[true,null,"中文"],"b":1,"c":{"y":-2,"z":""}}'.encode()
    )
    assert canonical_json({"x": 1, "y": 2}) == canonical_json({"y": 2, "x": 1})


@pytest.mark.parametrize(
    "bad", [{"amount": 1.5}, [1, [2.0]], {1: "int key"}, {"when": dt.date(2026, 1, 1)}, "\ud800"]
)
def test_canonical_json_refuses_non_canonical_data(bad: Any) -> None:
    with pytest.raises(SealError):
        canonical_json(bad)


def test_strict_parse_refuses_duplicate_keys_and_nan() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        parse_json_strict(b'{"a":1,"a":2}')
    with pytest.raises(ValueError):
        parse_json_strict(b'{"a":NaN}')


# ----------------------------------------------------------------------------- valid


def test_a_fresh_seal_is_valid(sealed: SealedDocument, keys: dict[str, SealKey]) -> None:
    seal = sealed.seal or {}
    assert set(seal) == {"alg", "key_id", "department_uscc", "signed_at", "digest", "signature"}
    assert seal["alg"] == ALG == "SM2-with-SM3"
    assert seal["signed_at"] == "2026-05-06T09:30:00Z"
    assert seal["digest"] == sm3_hex(canonical_json(sealed.document))
    verdict = check(sealed, keys)
    assert verdict.valid and verdict.reason_code is SealReason.VALID and verdict.problems == ()
    assert (verdict.key_id, verdict.department_uscc) == ("hlj-scjgj-2026", USCC)
    assert verdict.document["title"] == "准予行政许可决定书"


def test_the_signature_covers_the_seal_fields_not_just_the_digest(
    sealed: SealedDocument, pairs: dict[str, tuple[str, str]]
) -> None:
    seal = sealed.seal or {}
    assert VERIFIER.verify(pairs["A"][1], signed_bytes(seal), seal["signature"])
    assert b'"digest":"' + seal["digest"].encode() in signed_bytes(seal)
    assert b'"signed_at":"2026-05-06T09:30:00Z"' in signed_bytes(seal)


def test_the_file_form_round_trips(sealed: SealedDocument, keys: dict[str, SealKey]) -> None:
    data = sealed.to_json()
    assert data == canonical_json({"document": sealed.document, "seal": sealed.seal})
    assert verify_sealed_json(data, keys, VERIFIER, sm3_hex).valid


# ----------------------------------------------------------------------------- failures


def test_content_changed(sealed: SealedDocument, keys: dict[str, SealKey]) -> None:
    tampered = edited(sealed)
    tampered.document["decision"] = "不予行政许可。"
    verdict = check(tampered, keys)
    assert not verdict.valid
    assert verdict.reason_code is SealReason.CONTENT_CHANGED
    assert verdict.codes == (SealReason.CONTENT_CHANGED,)
    assert "文书内容在签章后被修改" in verdict.message and "content changed" in verdict.message


def test_content_changed_even_in_one_character_of_a_nested_field(
    sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    tampered = edited(sealed)
    tampered.document["applicant"]["name"] = "哈尔滨市松北区李四食品店"
    assert check(tampered, keys).reason_code is SealReason.CONTENT_CHANGED


def test_content_changed_with_the_digest_recomputed_breaks_the_signature(
    sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    tampered = edited(sealed)
    tampered.document["reasons"] = "无"
    (tampered.seal or {})["digest"] = sm3_hex(canonical_json(tampered.document))
    verdict = check(tampered, keys)
    assert verdict.codes == (SealReason.SIGNATURE_INVALID,)


def test_wrong_key(pairs: dict[str, tuple[str, str]], keys: dict[str, SealKey]) -> None:
    # signed with key B's private key while claiming key A
    impostor = seal_with(pairs["B"], keys["hlj-scjgj-b"])
    claimed = edited(impostor, key_id="hlj-scjgj-2026")
    verdict = check(claimed, keys)
    assert verdict.reason_code is SealReason.SIGNATURE_INVALID
    assert "wrong key" in verdict.message and "签名验证失败" in verdict.message
    assert check(impostor, keys).valid  # under its own id it is fine


def test_signing_time_edited_breaks_the_signature(
    sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    verdict = check(edited(sealed, signed_at="2026-02-01T00:00:00Z"), keys)
    assert verdict.codes == (SealReason.SIGNATURE_INVALID,)


def test_signature_bytes_edited(sealed: SealedDocument, keys: dict[str, SealKey]) -> None:
    signature = (sealed.seal or {})["signature"]
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert check(edited(sealed, signature=flipped), keys).reason_code is (
        SealReason.SIGNATURE_INVALID
    )


def test_unknown_key(sealed: SealedDocument, keys: dict[str, SealKey]) -> None:
    verdict = check(sealed, {k: v for k, v in keys.items() if k != "hlj-scjgj-2026"})
    assert verdict.codes == (SealReason.UNKNOWN_KEY,)
    assert "hlj-scjgj-2026" in verdict.message and "印章密钥未知" in verdict.message


def _key_a(keys: dict[str, SealKey], **changes: Any) -> dict[str, SealKey]:
    key = keys["hlj-scjgj-2026"]
    fields = {**key.__dict__, **changes}
    return {**keys, key.key_id: SealKey(**fields)}


def test_key_not_valid_at_signing_before_valid_from(
    sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    later = _key_a(keys, valid_from=SIGNED_AT + dt.timedelta(seconds=1))
    verdict = check(sealed, later)
    assert verdict.codes == (SealReason.KEY_NOT_VALID_AT_SIGNING,)
    assert "签章时间早于密钥生效时间" in verdict.message and "before the key became valid" in (
        verdict.message
    )
    assert check(sealed, _key_a(keys, valid_from=SIGNED_AT)).valid  # inclusive start


def test_key_not_valid_at_signing_after_expiry(
    sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    verdict = check(sealed, _key_a(keys, valid_until=SIGNED_AT))  # exclusive end
    assert verdict.codes == (SealReason.KEY_NOT_VALID_AT_SIGNING,)
    assert "expired" in verdict.message
    assert check(sealed, _key_a(keys, valid_until=SIGNED_AT + dt.timedelta(days=1))).valid


def test_key_not_valid_at_signing_after_revocation(
    sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    for revoked in (SIGNED_AT, SIGNED_AT - dt.timedelta(days=3)):
        verdict = check(sealed, _key_a(keys, revoked_at=revoked))
        assert verdict.codes == (SealReason.KEY_NOT_VALID_AT_SIGNING,)
        assert "签章时密钥已撤销" in verdict.message and "revoked" in verdict.message


def test_revoking_a_key_later_keeps_earlier_seals_valid(
    sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    assert check(sealed, _key_a(keys, revoked_at=SIGNED_AT + dt.timedelta(days=30))).valid


def test_unsealed(sealed: SealedDocument, keys: dict[str, SealKey]) -> None:
    for seal in (None, {}):
        verdict = check(SealedDocument(copy.deepcopy(sealed.document), seal), keys)
        assert verdict.codes == (SealReason.UNSEALED,)
        assert "未加盖电子印章" in verdict.message and "not valid" in verdict.message
    bare = canonical_json(sealed.document)
    only = canonical_json({"document": sealed.document})
    for data in (bare, only):
        assert verify_sealed_json(data, keys, VERIFIER, sm3_hex).reason_code is SealReason.UNSEALED


def test_department_mismatch(
    pairs: dict[str, tuple[str, str]], keys: dict[str, SealKey], sealed: SealedDocument
) -> None:
    # the key is registered to another department than the seal claims
    moved = _key_a(keys, department_uscc=OTHER_USCC)
    assert SealReason.DEPARTMENT_MISMATCH in check(sealed, moved).codes
    # a seal over a document that names another deciding department
    foreign = SealKey("other", OTHER_USCC, pairs["B"][1], SIGNED_AT - dt.timedelta(days=1))
    doc = result()
    signer = GmsslSigner(*pairs["B"])
    seal: dict[str, Any] = {
        "alg": ALG,
        "key_id": "other",
        "department_uscc": OTHER_USCC,
        "signed_at": utc_iso(SIGNED_AT),
        "digest": sm3_hex(canonical_json(doc)),
    }
    seal["signature"] = signer.sign(signed_bytes(seal))
    verdict = check(SealedDocument(doc, seal), {"other": foreign})
    assert verdict.codes == (SealReason.DEPARTMENT_MISMATCH,)
    assert USCC in verdict.message and OTHER_USCC in verdict.message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"alg": "SM2"}, "unsupported seal algorithm"),
        ({"signed_at": "2026-05-06T09:30:00"}, "UTC offset"),
        ({"signed_at": "yesterday"}, "signed_at"),
        ({"digest": "ABC"}, "digest"),
        ({"signature": "xyz"}, "signature"),
        ({"signature": 42}, "non-empty string"),
        ({"note": "extra"}, "unsigned extra fields note"),
    ],
)
def test_malformed_seal(
    sealed: SealedDocument, keys: dict[str, SealKey], change: dict[str, Any], expected: str
) -> None:
    verdict = check(edited(sealed, **change), keys)
    assert verdict.codes == (SealReason.MALFORMED,)
    assert expected in verdict.message and "签章数据格式错误" in verdict.message


def test_malformed_missing_field_and_bad_documents(
    sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    seal = dict(sealed.seal or {})
    del seal["digest"]
    assert "missing digest" in check(SealedDocument(sealed.document, seal), keys).message
    floaty = edited(sealed)
    floaty.document["fee"] = 12.5
    assert "浮点数不能签章：/fee" in check(floaty, keys).message
    for data in (
        b"not json",
        b"[]",
        b'{"document":[],"seal":{}}',
        b'{"document":{},"seal":"x"}',
        b'{"document":{},"extra":1}',
        b'{"document":{"a":1,"a":2}}',
        b"\xff\xfe",
    ):
        verdict = verify_sealed_json(data, keys, VERIFIER, sm3_hex)
        assert verdict.reason_code is SealReason.MALFORMED, data


def test_every_problem_is_reported_with_the_main_reason_first(
    sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    tampered = edited(sealed)
    tampered.document["decision"] = "改"
    verdict = check(tampered, _key_a(keys, revoked_at=SIGNED_AT))
    assert verdict.codes == (SealReason.CONTENT_CHANGED, SealReason.KEY_NOT_VALID_AT_SIGNING)
    assert len(verdict.problems) == 2


def test_every_reason_has_a_chinese_and_english_message() -> None:
    for reason in SealReason:
        message = MESSAGES[reason]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), reason
        assert "(" in message and any(ch.isascii() and ch.isalpha() for ch in message), reason


# ----------------------------------------------------------------------------- sealing rules


def test_sealing_refuses_a_key_not_valid_now(
    pairs: dict[str, tuple[str, str]], keys: dict[str, SealKey]
) -> None:
    key = keys["hlj-scjgj-2026"]
    for bad in (
        SealKey(key.key_id, USCC, key.public_key_hex, key.valid_from, revoked_at=SIGNED_AT),
        SealKey(key.key_id, USCC, key.public_key_hex, SIGNED_AT + dt.timedelta(hours=1)),
    ):
        with pytest.raises(InvalidState, match="当前不可用") as caught:
            seal_document(result(), bad, GmsslSigner(*pairs["A"]), sm3_hex, SIGNED_AT)
        assert (caught.value.reason, caught.value.data["key_id"]) == (
            "SEAL_KEY_UNUSABLE",
            key.key_id,
        )


def test_sealing_refuses_another_departments_document(
    pairs: dict[str, tuple[str, str]], keys: dict[str, SealKey]
) -> None:
    with pytest.raises(SealError) as caught:
        seal_with(pairs["A"], keys["hlj-scjgj-2026"], result(department_uscc=OTHER_USCC))
    assert caught.value.reason == "SEAL_DEPARTMENT_MISMATCH"
    assert caught.value.data == {"document_department": OTHER_USCC, "key_department": USCC}


def test_refusal_title() -> None:
    assert result(outcome=Outcome.REFUSED)["title"] == "不予行政许可决定书"


# ----------------------------------------------------------------------------- keys


def test_seal_key_dict_round_trip(keys: dict[str, SealKey]) -> None:
    key = _key_a(keys, revoked_at=SIGNED_AT)["hlj-scjgj-2026"]
    assert SealKey.from_dict(key.to_dict()) == key
    assert key.to_dict()["revoked_at"] == "2026-05-06T09:30:00Z"


@pytest.mark.parametrize(
    "bad",
    [
        {"key_id": "k"},
        {
            "key_id": "k",
            "department_uscc": USCC,
            "public_key_hex": "ab",
            "valid_from": "2026-01-01T00:00:00Z",
        },
        {"key_id": 1, "department_uscc": USCC, "public_key_hex": "ab", "valid_from": "x"},
        "not a dict",
    ],
)
def test_seal_key_from_bad_dicts(bad: Any) -> None:
    with pytest.raises(SealError):
        SealKey.from_dict(bad)


def test_seal_key_needs_aware_times_and_unique_ids(keys: dict[str, SealKey]) -> None:
    key = keys["hlj-scjgj-2026"]
    with pytest.raises(SealError) as naive:
        SealKey("k", USCC, key.public_key_hex, dt.datetime(2026, 1, 1))  # noqa: DTZ001
    assert (naive.value.reason, naive.value.data["field"]) == ("SEAL_KEY_TIME_NAIVE", "valid_from")
    with pytest.raises(SealError) as twice:
        keys_by_id([key, key])
    assert (twice.value.reason, twice.value.data) == ("SEAL_KEY_TWICE", {"key_id": key.key_id})


# ----------------------------------------------------------------------------- service


def test_service_seals_verifies_and_writes_json(
    pairs: dict[str, tuple[str, str]], keys: dict[str, SealKey], tmp_path: Path
) -> None:
    service = SealService(GmsslSigner, VERIFIER, sm3_hex, clock=lambda: SIGNED_AT)
    key = keys["hlj-scjgj-2026"]
    sealed = service.seal(result(), key, pairs["A"][0])
    assert (sealed.seal or {})["signed_at"] == "2026-05-06T09:30:00Z"
    assert service.verify(sealed, keys).valid
    path = tmp_path / "r.json"
    path.write_bytes(sealed.to_json())
    assert service.verify_file(path, keys).valid


def test_service_refuses_a_private_key_of_another_key(
    pairs: dict[str, tuple[str, str]], keys: dict[str, SealKey]
) -> None:
    service = SealService(GmsslSigner, VERIFIER, sm3_hex, clock=lambda: SIGNED_AT)
    with pytest.raises(SealError) as caught:
        service.seal(result(), keys["hlj-scjgj-2026"], pairs["B"][0])
    assert caught.value.reason == "SM2_KEY_MISMATCH"


def test_service_refuses_unsafe_file_names(sealed: SealedDocument, tmp_path: Path) -> None:
    service = SealService(GmsslSigner, VERIFIER, sm3_hex)
    for stem in ("../escape", "a/b", ".hidden", "", "x..y"):
        with pytest.raises(SealError) as caught:
            service.write_result_files(sealed, tmp_path, stem)
        assert (caught.value.reason, caught.value.data) == ("UNSAFE_RESULT_NAME", {"name": stem})
