"""Result documents as PDF (reportlab), with an embedded CJK font and the sealed JSON attached.

The page shows the document's Chinese text and a seal block (key id, SM3 digest, signature
prefix). The canonical sealed JSON is attached as the embedded file ``result.sealed.json``
(an uncompressed ``/EmbeddedFile`` stream), which is what ``tongban verify FILE.pdf`` checks.
Rendering is deterministic — reportlab invariant mode, the PDF dates taken from the seal —
so a verifier can re-render the attached JSON and compare bytes: a PDF whose pages were
edited after sealing does not match (docs/seals.md).

The font is a TrueType/TrueType-collection file from ``TONGBAN_CJK_FONT`` (default: the
Debian package fonts-wqy-microhei), embedded and subset; never reportlab's non-embedded
CID fonts (STSong-Light), which leave the reader to supply the glyphs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tongban.core.applicants import ApplicantKind
from tongban.core.beijing import BEIJING, beijing_text, chinese_date
from tongban.core.errors import TongbanError
from tongban.core.seals import SealedDocument, parse_utc

DEFAULT_CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_PACKAGE = "fonts-wqy-microhei"
ATTACHMENT_NAME = "result.sealed.json"
RENDERER_NAME = "tongban-result-pdf"
RENDERER = f"{RENDERER_NAME}/2"  # 2: dates in Beijing time, the applicant's id named by its kind

_ATTACHMENT = re.compile(
    rb"<<\s*/Length (\d+)\s*/Params <<\s*/Size \d+\s*>>\s*"
    rb"/Subtype /application#2Fjson\s*/Type /EmbeddedFile\s*>>\s*stream\r?\n"
)
_CREATOR = re.compile(rb"/Creator \((" + re.escape(f"{RENDERER_NAME}/".encode()) + rb"[^()\\]*)\)")


class FontMissing(TongbanError):
    """The CJK font file is not there: PDFs would show empty boxes instead of Chinese."""

    reason = "FONT_MISSING"

    def __init__(self, path: Path, package: str = FONT_PACKAGE) -> None:
        super().__init__(path=str(path), package=package)


class FontUnusable(TongbanError):
    """The font file is there but is not a font reportlab can use."""

    reason = "FONT_UNUSABLE"

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(path=str(path), problem=problem)


def cjk_font_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env.get("TONGBAN_CJK_FONT") or DEFAULT_CJK_FONT)


_fonts: dict[tuple[str, int, int], tuple[str, str]] = {}


def _font(path: Path) -> tuple[str, str]:
    """(registered reportlab font name, fingerprint) for the font file at ``path``."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise FontMissing(path) from exc
    cache_key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if cache_key not in _fonts:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        name = f"TongbanCJK-{digest[:12]}"
        if name not in pdfmetrics.getRegisteredFontNames():
            try:
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            except Exception as exc:  # reportlab raises TTFError and plain errors alike
                raise FontUnusable(path, str(exc)) from exc
        fingerprint = f"{path.name}#0 sha256:{digest[:16]}"
        _fonts[cache_key] = (name, fingerprint)
    return _fonts[cache_key]


def renderer_id(font_path: Path | None = None) -> str:
    """What a re-render depends on: this module's format, reportlab and the font file."""
    _, fingerprint = _font(font_path or cjk_font_path())
    return f"{RENDERER}; reportlab {reportlab.Version}; font {fingerprint}"


class _FixedTime:
    """A reportlab TimeStamp for a given UTC moment (PDF CreationDate/ModDate)."""

    def __init__(self, moment: dt.datetime) -> None:
        moment = moment.astimezone(dt.UTC)
        self.t = moment.timestamp()
        self.YMDhms = (
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
        )
        self.lt = self.YMDhms
        self.dhh = 0
        self.dmm = 0
        self.tzname = "UTC"


class _Attachment(PDFStream):
    """An uncompressed embedded-file stream (with the end-of-line before ``endstream``)."""

    def __init__(self, content: bytes) -> None:
        super().__init__(
            PDFDictionary(
                {
                    "Type": PDFName("EmbeddedFile"),
                    "Subtype": "/application#2Fjson",
                    "Params": PDFDictionary({"Size": len(content)}),
                }
            ),
            content,
        )

    def format(self, document: Any) -> bytes:
        dictionary = PDFDictionary(self.dictionary.dict.copy())
        dictionary["Length"] = len(self.content)
        return dictionary.format(document) + b"\nstream\n" + self.content + b"\nendstream\n"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER, spaceAfter=4
        ),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER, spaceAfter=10),
        "body": base,
        "head": ParagraphStyle("head", parent=base, spaceBefore=8),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
        "warn": ParagraphStyle("warn", parent=base, textColor=colors.red, fontSize=14, leading=20),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _seal_block(seal: Mapping[str, Any] | None, st: dict[str, ParagraphStyle]) -> Table:
    if not seal:
        rows = [
            [_para("未加盖电子印章：本文书无效", st["warn"])],
            [_para("NOT SEALED — a result without a valid seal is not valid", st["small"])],
        ]
        frame = colors.red
    else:
        signature = _text(seal.get("signature"))
        rows = [
            [_para("电子印章 Electronic seal (GB/T 32918 SM2 + GB/T 32905 SM3)", st["body"])],
            [_para(f"印章密钥 Key id: {_text(seal.get('key_id'))}", st["small"])],
            [_para(f"单位 Department USCC: {_text(seal.get('department_uscc'))}", st["small"])],
            [_para(f"签章时间 Signed at: {_signed_at(seal.get('signed_at'))}", st["small"])],
            [_para(f"算法 Algorithm: {_text(seal.get('alg'))}", st["small"])],
            [_para(f"SM3 摘要 Digest: {_text(seal.get('digest'))}", st["small"])],
            [_para(f"签名 Signature: {signature[:48]}…", st["small"])],
            [
                _para(
                    f"验证 Verify: tongban verify <本文件 this file> (附件 {ATTACHMENT_NAME})",
                    st["small"],
                )
            ],
        ]
        frame = colors.darkred
    table = Table(rows, colWidths=[160 * mm])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, frame),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _moment(document: Mapping[str, Any], seal: Mapping[str, Any] | None) -> dt.datetime:
    if seal and isinstance(seal.get("signed_at"), str):
        try:
            return parse_utc(seal["signed_at"])
        except ValueError:
            pass
    try:
        day = dt.date.fromisoformat(_text(document.get("decided_on")))
    except ValueError:
        day = dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=BEIJING)


def _signed_at(value: Any) -> str:
    """The signing instant on the Beijing clock, then as sealed (UTC)."""
    text = _text(value)
    try:
        return f"{beijing_text(parse_utc(text))} 北京时间 ({text})"
    except ValueError:
        return text


def _decided_on(value: Any) -> str:
    """``2026年9月1日``: the decision's (Beijing) date as the document states it."""
    try:
        return chinese_date(dt.date.fromisoformat(_text(value)))
    except ValueError:
        return _text(value)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _applicant_line(applicant: Mapping[str, Any]) -> str:
    """``名称（统一社会信用代码：…）``: the number named by the applicant's declared kind."""
    line = _text(applicant.get("name"))
    if not applicant.get("id"):
        return line
    try:
        label = ApplicantKind(_text(applicant.get("kind"))).id_label + "："
    except ValueError:
        label = ""
    return f"{line}（{label}{_text(applicant['id'])}）"


def render_result_pdf(
    document: Mapping[str, Any],
    seal: Mapping[str, Any] | None = None,
    *,
    font_path: str | Path | None = None,
) -> bytes:
    """The result document as an A4 PDF; the sealed JSON is attached (``seal=None``: unsealed).

    The same input, font file and reportlab version give the same bytes.
    """
    path = Path(font_path) if font_path else cjk_font_path()
    font, _ = _font(path)
    creator = renderer_id(path)
    sealed = SealedDocument(dict(document), dict(seal) if seal else None)
    payload = sealed.to_json()
    moment = _moment(document, seal)
    st = _styles(font)

    def make_canvas(*args: Any, **kwargs: Any) -> Canvas:
        canvas = Canvas(*args, **kwargs)
        pdf = canvas._doc
        # Dates and the file ID from the seal, not the clock or SOURCE_DATE_EPOCH.
        pdf._timeStamp = _FixedTime(moment)
        pdf.signature = hashlib.md5(usedforsecurity=False)
        pdf.signature.update(b"a reportlab document " + payload)
        return canvas

    def attach(canvas: Canvas, _doc: Any) -> None:
        pdf = canvas._doc
        spec = PDFDictionary(
            {
                "Type": PDFName("Filespec"),
                "F": PDFString(ATTACHMENT_NAME),
                "UF": PDFString(ATTACHMENT_NAME),
                "Desc": PDFString("sealed result document (canonical JSON)"),
                "AFRelationship": PDFName("Source"),
                "EF": PDFDictionary({"F": _Attachment(payload)}),
            }
        )
        names = PDFArray([PDFString(ATTACHMENT_NAME), pdf.Reference(spec)])
        pdf.Catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": names})})

    title = _text(document.get("title")) or "行政许可决定书"
    applicant = _mapping(document.get("applicant"))
    matter = _mapping(document.get("matter"))
    department = _mapping(document.get("department"))
    story: list[Any] = [_para(title, st["title"])]
    if document.get("document_number"):
        story.append(_para(_text(document["document_number"]), st["number"]))
    else:
        story.append(Spacer(1, 6 * mm))
    story += [
        _para(f"办件编号：{_text(document.get('case_number'))}", st["body"]),
        _para(f"申请人：{_applicant_line(applicant)}", st["body"]),
        _para(f"申请事项：{_text(matter.get('name'))}（{_text(matter.get('code'))}）", st["body"]),
        _para("决定：", st["head"]),
        _para(_text(document.get("decision")), st["body"]),
        _para("理由：", st["head"]),
        _para(_text(document.get("reasons")), st["body"]),
        Spacer(1, 12 * mm),
        _para(_text(department.get("name")), st["right"]),
        _para(_decided_on(document.get("decided_on")), st["right"]),
        Spacer(1, 8 * mm),
        _seal_block(seal, st),
    ]
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        title=title,
        creator=creator,
        author=_text(department.get("name")),
        subject=f"{_text(document.get('case_number'))} {title}",
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=20 * mm,
    )
    template.build(story, onFirstPage=attach, canvasmaker=make_canvas)
    return buffer.getvalue()


def attached_sealed_json(pdf: bytes) -> list[bytes]:
    """Every ``result.sealed.json`` stream found in a PDF written by ``render_result_pdf``."""
    found = []
    for match in _ATTACHMENT.finditer(pdf):
        start = match.end()
        found.append(pdf[start : start + int(match.group(1))])
    return found


def pdf_renderer_id(pdf: bytes) -> str:
    """The ``renderer_id`` recorded in a PDF's Creator field ("" if absent)."""
    match = _CREATOR.search(pdf)
    return match.group(1).decode("latin-1") if match else ""


class ReportlabResultPdf:
    """``services.seals.ResultPdf`` with this module (font from TONGBAN_CJK_FONT by default)."""

    def __init__(self, font_path: str | Path | None = None) -> None:
        self._font_path = Path(font_path) if font_path else None

    def render(self, document: Mapping[str, Any], seal: Mapping[str, Any] | None) -> bytes:
        return render_result_pdf(document, seal, font_path=self._font_path)

    def attachments(self, pdf: bytes) -> list[bytes]:
        return attached_sealed_json(pdf)

    def explain_mismatch(self, pdf: bytes) -> str:
        made_by, here = pdf_renderer_id(pdf), renderer_id(self._font_path)
        if made_by and made_by != here:
            return (
                f"made by {made_by}, this machine renders with {here}: verify the .json file, "
                "or re-check on a machine with the original renderer"
            )
        return "the pages or metadata were edited after sealing"
