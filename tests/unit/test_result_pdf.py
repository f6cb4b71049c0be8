"""Result PDFs: Chinese text with an embedded font, the seal block, the attached sealed JSON,
deterministic bytes, and PDF verification (text checked by extraction with pypdf)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from tongban.adapters.crypto import GmsslSigner, GmsslVerifier, generate_keypair, sm3_hex
from tongban.adapters.documents.pdf import (
    ATTACHMENT_NAME,
    FONT_PACKAGE,
    FontMissing,
    FontUnusable,
    ReportlabResultPdf,
    attached_sealed_json,
    cjk_font_path,
    render_result_pdf,
)
from tongban.core.seals import (
    Outcome,
    ResultDocument,
    SealedDocument,
    SealKey,
    SealReason,
    canonical_json,
)
from tongban.services.seals import SealService

PLATFORM = Path(__file__).resolve().parents[2] / "platform"
FONT = cjk_font_path()
USCC = "11230000MB1234567X"
SIGNED_AT = dt.datetime(2026, 5, 6, 9, 30, tzinfo=dt.UTC)


def _require_font() -> None:
    if not FONT.is_file():
        problem = f"CJK font {FONT} missing: run scripts/system-deps.sh (apt {FONT_PACKAGE})"
        if os.environ.get("TONGBAN_REQUIRE_SERVICES") == "1":
            pytest.fail(problem + " (TONGBAN_REQUIRE_SERVICES=1)")
        pytest.skip(problem)


F = TypeVar("F", bound=Callable[..., None])


def no_font_needed(test: F) -> F:
    test.no_font_needed = True  # type: ignore[attr-defined]
    return test


@pytest.fixture(autouse=True)
def _font_present(request: pytest.FixtureRequest) -> None:
    if not getattr(request.function, "no_font_needed", False):
        _require_font()


def document(outcome: Outcome = Outcome.APPROVED, applicant: str = "张三") -> dict[str, Any]:
    return ResultDocument(
        case_number="12345620260501000001",
        outcome=outcome,
        applicant_name=applicant,
        matter_code="000172111003",
        matter_name="食品经营许可",
        decision="准予行政许可，核发《食品经营许可证》。",
        reasons="申请材料齐全，符合法定形式，经审查符合法定条件。",
        decided_on=dt.date(2026, 5, 6),
        department_name="黑龙江省市场监督管理局",
        department_uscc=USCC,
        document_number="黑市监许〔2026〕1号",
    ).to_document()


@pytest.fixture(scope="module")
def pair() -> tuple[str, str]:
    return generate_keypair()


@pytest.fixture(scope="module")
def keys(pair: tuple[str, str]) -> dict[str, SealKey]:
    return {"k1": SealKey("k1", USCC, pair[1], dt.datetime(2026, 1, 1, tzinfo=dt.UTC))}


@pytest.fixture(scope="module")
def service() -> SealService:
    return SealService(
        GmsslSigner, GmsslVerifier(), sm3_hex, pdf=ReportlabResultPdf(), clock=lambda: SIGNED_AT
    )


@pytest.fixture(scope="module")
def sealed(service: SealService, keys: dict[str, SealKey], pair: tuple[str, str]) -> SealedDocument:
    return service.seal(document(), keys["k1"], pair[0])


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_shows_the_chinese_text_and_the_seal(sealed: SealedDocument) -> None:
    pdf = render_result_pdf(sealed.document, sealed.seal)
    text = text_of(pdf)
    for expected in (
        "准予行政许可决定书",
        "黑市监许〔2026〕1号",
        "12345620260501000001",
        "张三",
        "食品经营许可",
        "000172111003",
        "准予行政许可，核发《食品经营许可证》。",
        "申请材料齐全",
        "黑龙江省市场监督管理局",
        "2026年5月6日",  # the decision's date, as a document prints it
        "电子印章",
        "k1",
        (sealed.seal or {})["digest"],
        (sealed.seal or {})["signature"][:48],
    ):
        assert expected in text, expected


def test_dates_are_beijing_dates_and_the_applicant_s_number_is_named(
    pair: tuple[str, str], keys: dict[str, SealKey]
) -> None:
    """Decided and sealed at 00:30 on 1 September Beijing time (16:30 UTC on 31 August)."""
    midnight = dt.datetime(2026, 8, 31, 16, 30, tzinfo=dt.UTC)
    service = SealService(
        GmsslSigner, GmsslVerifier(), sm3_hex, pdf=ReportlabResultPdf(), clock=lambda: midnight
    )
    doc = ResultDocument(
        case_number="12345620260901000001",
        outcome=Outcome.APPROVED,
        applicant_name="张三",
        applicant_id="11010519491231002X",
        applicant_kind="natural_person",
        matter_code="000172111003",
        matter_name="食品经营许可",
        decision="准予行政许可。",
        reasons="材料齐全。",
        decided_on=dt.date(2026, 9, 1),
        department_name="黑龙江省市场监督管理局",
        department_uscc=USCC,
    ).to_document()
    sealed = service.seal(doc, keys["k1"], pair[0])
    text = text_of(render_result_pdf(sealed.document, sealed.seal))
    assert "申请人：张三（公民身份号码：11010519491231002X）" in text
    assert "2026年9月1日" in text
    assert "签章时间 Signed at: 2026-09-01 00:30:00 北京时间 (2026-08-31T16:30:00Z)" in text
    assert "2026年8月31日" not in text and "2026-08-31 16:30" not in text


def test_the_font_is_embedded_never_a_cid_font(sealed: SealedDocument) -> None:
    pdf = render_result_pdf(sealed.document, sealed.seal)
    assert b"/FontFile2" in pdf
    assert b"STSong" not in pdf


def test_refusal_title() -> None:
    assert "不予行政许可决定书" in text_of(render_result_pdf(document(Outcome.REFUSED)))


def test_unsealed_pdf_says_it_is_not_valid() -> None:
    text = text_of(render_result_pdf(document()))
    assert "未加盖电子印章" in text and "not valid" in text


def test_text_is_escaped_not_markup() -> None:
    text = text_of(render_result_pdf(document(applicant="<b>李四</b> & 王五")))
    assert "<b>李四</b> & 王五" in text


def test_the_sealed_json_is_attached(sealed: SealedDocument) -> None:
    pdf = render_result_pdf(sealed.document, sealed.seal)
    assert attached_sealed_json(pdf) == [sealed.to_json()]
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments[ATTACHMENT_NAME] == [sealed.to_json()]
    assert reader.metadata is not None and reader.metadata.title == "准予行政许可决定书"


def test_rendering_is_deterministic_across_processes_and_environments(
    sealed: SealedDocument, tmp_path: Path
) -> None:
    pdf = render_result_pdf(sealed.document, sealed.seal)
    assert render_result_pdf(sealed.document, sealed.seal) == pdf
    (tmp_path / "sealed.json").write_bytes(sealed.to_json())
    code = (
        "import json, sys; from pathlib import Path; "
        "from tongban.adapters.documents.pdf import render_result_pdf; "
        f"d = json.loads(Path({str(tmp_path / 'sealed.json')!r}).read_text()); "
        "sys.stdout.buffer.write(render_result_pdf(d['document'], d['seal']))"
    )
    env = {**os.environ, "PYTHONPATH": str(PLATFORM), "SOURCE_DATE_EPOCH": "1234567890"}
    env["TZ"] = "Asia/Shanghai"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == pdf


@no_font_needed
def test_missing_font_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nope.ttc"
    with pytest.raises(FontMissing) as caught:
        render_result_pdf(document(), font_path=missing)
    assert str(missing) in caught.value.message and FONT_PACKAGE in caught.value.message
    monkeypatch.setenv("TONGBAN_CJK_FONT", str(missing))
    assert cjk_font_path() == missing
    with pytest.raises(FontMissing, match=FONT_PACKAGE):
        render_result_pdf(document())


@no_font_needed
def test_a_file_that_is_not_a_font_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"not a font")
    with pytest.raises(FontUnusable) as caught:
        render_result_pdf(document(), font_path=bogus)
    assert caught.value.reason == "FONT_UNUSABLE" and caught.value.data["path"] == str(bogus)
    assert caught.value.render("en").startswith(f"cannot use {bogus} as the CJK font")


# ----------------------------------------------------------------------------- files + verify


def test_write_result_files_and_verify_both(
    service: SealService, sealed: SealedDocument, keys: dict[str, SealKey], tmp_path: Path
) -> None:
    json_path, pdf_path = service.write_result_files(sealed, tmp_path / "out", "1234562026")
    assert json_path.name == "1234562026.json" and pdf_path.name == "1234562026.pdf"
    assert json_path.read_bytes() == canonical_json(
        {"document": sealed.document, "seal": sealed.seal}
    )
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "1234562026.json",
        "1234562026.pdf",
    ]
    for path in (json_path, pdf_path):
        verdict = service.verify_file(path, keys)
        assert verdict.valid, verdict.problems


def test_a_pdf_edited_after_sealing_is_content_changed(
    service: SealService, sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    pdf = service.render_pdf(sealed)
    appended = pdf + b"\n% incremental update\n"
    verdict = service.verify_bytes(appended, keys)
    assert verdict.reason_code is SealReason.CONTENT_CHANGED
    assert "pages or metadata were edited" in verdict.message
    # a change inside the file (here: the document info), not only at its end
    swapped = pdf.replace(b"/Author (", b"/Author ( ", 1)
    assert swapped != pdf
    assert service.verify_bytes(swapped, keys).reason_code is SealReason.CONTENT_CHANGED


def test_a_pdf_rerendered_from_an_edited_document_is_content_changed(
    service: SealService, sealed: SealedDocument, keys: dict[str, SealKey]
) -> None:
    forged_document = dict(sealed.document, decision="不予行政许可。")
    forged = render_result_pdf(forged_document, sealed.seal)  # the old seal, new content
    verdict = service.verify_bytes(forged, keys)
    assert verdict.reason_code is SealReason.CONTENT_CHANGED
    assert "digest" in verdict.message


def test_a_pdf_without_the_attachment_is_malformed(
    service: SealService, keys: dict[str, SealKey]
) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "a PDF from somewhere else")
    canvas.save()
    verdict = service.verify_bytes(buffer.getvalue(), keys)
    assert verdict.reason_code is SealReason.MALFORMED
    assert "result.sealed.json" in verdict.message


def test_an_unsealed_pdf_is_not_valid(service: SealService, keys: dict[str, SealKey]) -> None:
    verdict = service.verify_bytes(render_result_pdf(document()), keys)
    assert verdict.reason_code is SealReason.UNSEALED
