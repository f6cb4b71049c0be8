"""Sealed results for anyone to verify (issue 10, point 4), on SQLite and PostgreSQL: the
result document through GraphQL, its PDF on the web for those who may see the case (the same
404 for a sibling as for a made-up number), the public seal keys without login, and the
files ``tongban result export`` writes — each verified by ``tongban verify`` as a process.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tongban.adapters.crypto import sm3_hex
from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import SealKeyRow
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.bootstrap import case_results
from tongban.commands.result import export_result
from tongban.config import load_settings
from tongban.core.errors import NotFound
from tongban.core.seals import canonical_json
from tongban.services.cases.driver import work_case
from tongban.services.cases.results import CaseResults
from tongban.services.cases.runtime import CaseEnv
from tongban.services.schemas import Schemas

from .case_support import DEMO, Clock, application, submit
from .graphql_support import data, post
from .web_support import login

ROOT = Path(__file__).resolve().parents[2]
YILAN = "100000/230000/230100/230123"
FANGZHENG = "100000/230000/230100/230124"
DRUG = "000172111003"  # 药品零售企业经营许可, sealed by the county's 市场监督管理局
MADE_UP = "11230123MB0000211R4000000000000202609019999"
KEY_FIELDS = {"key_id", "department_uscc", "public_key_hex", "valid_from", "valid_until"}
KEY_FIELDS |= {"revoked_at"}

RESULT_QUERY = """query($n: String!) { case(number: $n) {
  result { valid reasonCode }
  resultDocument { kind title documentNumber canonicalJson document seal keyId departmentUscc
    digest signedAt sealedAt revokedAt pdfUrl keysTenantCode keysUrl } } }"""
KEYS_QUERY = """query($t: String!) { sealKeys(tenantCode: $t) { tenantCode tenantName url keysFile
  keys { keyId departmentCode departmentName departmentUscc publicKeyHex validFrom validUntil
    revokedAt } } }"""


@dataclass(frozen=True)
class Sealed:
    approved: str  # 依兰县, approved and concluded: a sealed 决定书
    denied: str  # 依兰县, denied: no result document
    sibling: str  # 方正县, approved: sealed with 方正县's key


@pytest.fixture
def results() -> CaseResults:
    return case_results(load_settings({"TONGBAN_SECRET_KEY": "x" * 40}))


@pytest.fixture
def sealed(db: Database, schemas: Schemas, results: CaseResults) -> Sealed:
    load_tree(db, DEMO, schemas)
    clock = Clock(dt.datetime(2026, 9, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    env = CaseEnv(schemas, sealer=results, clock=clock)
    approved = submit(db, env, "230123", application(YILAN, DRUG)).number
    denied = submit(db, env, "230123", application(YILAN, DRUG)).number
    sibling = submit(db, env, "230124", application(FANGZHENG, DRUG)).number
    work_case(db, env, approved)
    work_case(db, env, denied, approve=False)
    work_case(db, env, sibling)
    return Sealed(approved, denied, sibling)


@pytest.fixture
def app(sealed: Sealed, make_app: Callable[..., Flask]) -> Flask:
    return make_app()


def verify(path: Path, keys: Path) -> subprocess.CompletedProcess[str]:
    """``tongban verify PATH --keys KEYS`` as its own process, as a verifier runs it."""
    return subprocess.run(
        [sys.executable, "-m", "tongban.cli", "verify", str(path), "--keys", str(keys)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "platform"), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_graphql_returns_the_sealed_document_and_it_verifies(
    app: Flask, sealed: Sealed, tmp_path: Path
) -> None:
    client = login(app, "yilan_clerk")
    case = data(post(client, RESULT_QUERY, n=sealed.approved))["case"]
    document = case["resultDocument"]
    assert case["result"] == {"valid": True, "reasonCode": "VALID"}
    assert document["kind"] == "decision" and document["title"] == "准予行政许可决定书"
    assert document["documentNumber"] == f"{sealed.approved}-JD"
    parsed = json.loads(document["canonicalJson"])
    assert parsed == {"document": document["document"], "seal": document["seal"]}
    assert document["canonicalJson"].encode("utf-8") == canonical_json(parsed)  # the file form
    assert document["digest"] == sm3_hex(canonical_json(document["document"]))
    assert document["digest"] == document["seal"]["digest"]
    assert document["keyId"] == document["seal"]["key_id"]
    assert document["signedAt"] == document["seal"]["signed_at"] == "2026-09-01T02:00:00Z"
    assert document["departmentUscc"] == document["document"]["department"]["uscc"]
    assert document["revokedAt"] is None
    assert document["pdfUrl"] == f"/cases/{sealed.approved}/result.pdf"
    assert (document["keysTenantCode"], document["keysUrl"]) == ("230123", "/seal-keys/230123.json")
    assert data(post(client, RESULT_QUERY, n=sealed.denied))["case"]["resultDocument"] is None

    keys = data(post(client, KEYS_QUERY, t="230123"))["sealKeys"]
    assert document["keyId"] in {k["keyId"] for k in keys["keys"]}
    result_file = write(tmp_path / "result.json", document["canonicalJson"])
    keys_file = write(tmp_path / "keys.json", keys["keysFile"])
    done = verify(result_file, keys_file)
    assert done.returncode == 0 and done.stdout.startswith("有效 VALID"), done.stdout + done.stderr

    parsed["document"]["decision"] = "准予许可（扩大范围）"
    done = verify(
        write(tmp_path / "tampered.json", json.dumps(parsed, ensure_ascii=False)), keys_file
    )
    assert done.returncode == 1 and "CONTENT_CHANGED" in done.stdout, done.stdout + done.stderr


def test_seal_keys_are_public_for_any_tenant_in_graphql_and_without_login(
    app: Flask, db: Database, sealed: Sealed
) -> None:
    anonymous = app.test_client()
    response = anonymous.get("/seal-keys/230124.json")  # 方正县's keys, asked by nobody
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    published = json.loads(response.get_data(as_text=True))
    assert len(published) == 1 and set(published[0]) == KEY_FIELDS
    key = published[0]
    assert key["valid_from"] == "2026-09-01T02:00:00Z" and key["valid_until"] is None
    assert key["revoked_at"] is None and len(key["public_key_hex"]) == 128

    # the county next door asks GraphQL for them: the same file, listed with its departments
    listed = data(post(login(app, "yilan_clerk"), KEYS_QUERY, t="230124"))["sealKeys"]
    assert listed["keysFile"].encode("utf-8") == response.get_data()
    assert listed["url"] == "/seal-keys/230124.json" and listed["tenantName"] == "方正县"
    [entry] = listed["keys"]
    assert entry["keyId"] == key["key_id"] and entry["departmentCode"] == "scjgj"
    assert entry["departmentName"].endswith("市场监督管理局")
    assert entry["validFrom"].startswith("2026-09-01T02:00:00")

    with platform_unit_of_work(db, "test: the stored private keys") as uow:
        secrets = uow.session.scalars(select(SealKeyRow.private_encrypted)).all()
    assert secrets  # nothing secret in any published form
    for text in (response.get_data(as_text=True), json.dumps(listed, ensure_ascii=False)):
        assert not any(secret in text for secret in secrets) and "private" not in text

    missing = anonymous.get("/seal-keys/230199.json")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "NOT_FOUND"
    answer = post(login(app, "fangzheng_admin"), KEYS_QUERY, t="230199").get_json()
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["NOT_FOUND"]


def test_the_pdf_downloads_for_the_tenant_and_its_ancestors_and_is_404_for_a_sibling(
    app: Flask, sealed: Sealed, tmp_path: Path
) -> None:
    url = f"/cases/{sealed.approved}/result.pdf"
    downloads = set()
    for username in ("yilan_clerk", "harbin_admin", "hlj_admin"):
        response = login(app, username).get(url)
        assert response.status_code == 200, (username, response.status_code)
        assert response.mimetype == "application/pdf"
        assert f'filename="{sealed.approved}.pdf"' in response.headers["Content-Disposition"]
        downloads.add(response.get_data())
    [pdf] = downloads  # deterministic: the same bytes for everyone
    assert pdf.startswith(b"%PDF-")

    sibling = login(app, "fangzheng_admin")
    made_up = sibling.get(f"/cases/{MADE_UP}/result.pdf")
    assert made_up.status_code == 404
    theirs = sibling.get(url)
    assert theirs.status_code == 404 and theirs.get_data() == made_up.get_data()
    assert sealed.approved.encode() not in theirs.get_data()
    own = login(app, "yilan_clerk")
    no_result = own.get(f"/cases/{sealed.denied}/result.pdf")
    assert no_result.status_code == 404
    assert no_result.get_data() == own.get(f"/cases/{MADE_UP}/result.pdf").get_data()
    assert app.test_client().get(url).status_code == 302  # to the login page

    keys = write(tmp_path / "keys.json", app.test_client().get("/seal-keys/230123.json").data)
    done = verify(write(tmp_path / "result.pdf", pdf), keys)
    assert done.returncode == 0 and done.stdout.startswith("有效 VALID"), done.stdout + done.stderr


def test_the_case_page_offers_the_pdf_and_shows_the_verification(
    app: Flask, sealed: Sealed
) -> None:
    page = login(app, "yilan_admin").get(f"/cases/{sealed.approved}").get_data(as_text=True)
    case = data(post(login(app, "yilan_admin"), RESULT_QUERY, n=sealed.approved))["case"]
    document = case["resultDocument"]
    assert "电子印章验证通过" in page
    assert f'href="/cases/{sealed.approved}/result.pdf"' in page and "下载 PDF" in page
    assert document["digest"] in page and document["keyId"] in page
    assert document["departmentUscc"] in page and "2026-09-01 10:00:00" in page  # Beijing
    assert 'href="/seal-keys/230123.json"' in page
    assert f"tongban verify {sealed.approved}.pdf --keys keys.json" in page
    denied = login(app, "yilan_admin").get(f"/cases/{sealed.denied}").get_data(as_text=True)
    assert "本办件没有结果文书" in denied and "下载 PDF" not in denied


def test_exported_files_verify_and_tampering_fails(
    db: Database, sealed: Sealed, results: CaseResults, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    json_path, pdf_path, keys_path = export_result(db, results, sealed.approved, out)
    assert {p.name for p in out.iterdir()} == {
        f"{sealed.approved}.json",
        f"{sealed.approved}.pdf",
        "keys.json",
    }
    for path in (json_path, pdf_path):
        done = verify(path, keys_path)
        assert done.returncode == 0 and done.stdout.startswith("有效 VALID"), done.stdout

    doc: dict[str, Any] = json.loads(json_path.read_text(encoding="utf-8"))
    doc["document"]["applicant"]["name"] = "冒名公司"
    tampered = write(tmp_path / "tampered.json", json.dumps(doc, ensure_ascii=False))
    done = verify(tampered, keys_path)
    assert done.returncode == 1 and "CONTENT_CHANGED" in done.stdout, done.stdout
    other_keys = json.loads(keys_path.read_text(encoding="utf-8"))
    other_keys[0]["revoked_at"] = "2026-09-01T00:00:00Z"  # a key list that says revoked
    done = verify(json_path, write(tmp_path / "revoked.json", json.dumps(other_keys)))
    assert done.returncode == 1 and "KEY_NOT_VALID_AT_SIGNING" in done.stdout, done.stdout

    with pytest.raises(NotFound):  # as the sibling sees it: the case does not exist
        export_result(db, results, sealed.approved, tmp_path / "x", tenant_code="230124")
    with pytest.raises(NotFound):
        export_result(db, results, sealed.denied, tmp_path / "y")  # no result to export
    assert export_result(db, results, sealed.approved, tmp_path / "z", tenant_code="230100")
