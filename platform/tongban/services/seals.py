"""Sealing and verifying result documents: what the case engine and ``tongban verify`` call.

``SealService`` takes its cryptography and PDF renderer as arguments (the composition root
wires gmssl and reportlab: ``tongban.bootstrap.seal_service``), seals a result
document, writes ``<stem>.json`` and ``<stem>.pdf``, and verifies either kind of file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from tongban.core.seal_errors import PdfRendererMissing, SealInvalidAfterSealing, UnsafeResultName
from tongban.core.seals import (
    Digest,
    SealCheck,
    SealedDocument,
    SealKey,
    SealReason,
    Signer,
    Verifier,
    malformed,
    parse_json_strict,
    seal_document,
    sealed_from_obj,
    verify_sealed,
    verify_sealed_json,
    with_problem,
)

SignerFactory = Callable[[str, str], Signer]
"""(private hex, public hex) → a Signer for that key pair."""


class ResultPdf(Protocol):
    """The PDF form of a sealed result (``tongban.adapters.documents.pdf.ReportlabResultPdf``)."""

    def render(self, document: Mapping[str, Any], seal: Mapping[str, Any] | None) -> bytes:
        """Deterministic PDF bytes with the sealed JSON attached."""
        ...

    def attachments(self, pdf: bytes) -> list[bytes]:
        """The sealed JSON payloads attached to ``pdf``."""
        ...

    def explain_mismatch(self, pdf: bytes) -> str:
        """Why ``pdf`` may differ from a re-rendering, for the verification message."""
        ...


_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class SealService:
    def __init__(
        self,
        signer_factory: SignerFactory,
        verifier: Verifier,
        sm3: Digest,
        *,
        pdf: ResultPdf | None = None,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._signer_factory = signer_factory
        self._verifier = verifier
        self._sm3 = sm3
        self._pdf = pdf
        self._clock = clock

    def seal(self, document: dict[str, Any], key: SealKey, private_hex: str) -> SealedDocument:
        """Seal now with ``key``; the result is verified before it is returned."""
        signer = self._signer_factory(private_hex, key.public_key_hex)
        sealed = seal_document(document, key, signer, self._sm3, self._clock())
        check = self.verify(sealed, {key.key_id: key})
        if not check.valid:  # e.g. the private key does not belong to this public key
            raise SealInvalidAfterSealing(check.problems)
        return sealed

    def verify(self, sealed: SealedDocument, keys: Mapping[str, SealKey]) -> SealCheck:
        return verify_sealed(sealed, keys, self._verifier, self._sm3)

    def render_pdf(self, sealed: SealedDocument) -> bytes:
        return self._result_pdf().render(sealed.document, sealed.seal)

    def _result_pdf(self) -> ResultPdf:
        if self._pdf is None:
            raise PdfRendererMissing()
        return self._pdf

    def write_result_files(
        self, sealed: SealedDocument, directory: Path, stem: str
    ) -> tuple[Path, Path]:
        """Write ``<stem>.json`` (canonical sealed JSON) and ``<stem>.pdf``; return both paths."""
        if not _STEM.fullmatch(stem) or ".." in stem:
            raise UnsafeResultName(stem)
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        json_path, pdf_path = directory / f"{stem}.json", directory / f"{stem}.pdf"
        data = sealed.to_json()
        pdf = self.render_pdf(sealed)
        _write_atomic(json_path, data)
        _write_atomic(pdf_path, pdf)
        return json_path, pdf_path

    def verify_bytes(self, data: bytes, keys: Mapping[str, SealKey]) -> SealCheck:
        """Verify the content of a sealed ``.json`` or result ``.pdf`` file."""
        if data.startswith(b"%PDF-"):
            return self._verify_pdf(data, keys)
        return verify_sealed_json(data, keys, self._verifier, self._sm3)

    def verify_file(self, path: Path, keys: Mapping[str, SealKey]) -> SealCheck:
        return self.verify_bytes(Path(path).read_bytes(), keys)

    def _verify_pdf(self, data: bytes, keys: Mapping[str, SealKey]) -> SealCheck:
        """Verify the attached sealed JSON, then that the PDF is exactly its rendering."""
        result_pdf = self._result_pdf()
        payloads = result_pdf.attachments(data)
        if not payloads:
            return malformed(
                "PDF 中没有签章数据 (no embedded result.sealed.json: not a Tongban result PDF, "
                "or rewritten by another program)"
            )
        if len(payloads) > 1:
            return malformed(f"{len(payloads)} embedded result.sealed.json files (expected 1)")
        try:
            parsed = sealed_from_obj(parse_json_strict(payloads[0]))
        except (UnicodeDecodeError, ValueError) as exc:
            return malformed(f"embedded result.sealed.json is not valid JSON: {exc}")
        if isinstance(parsed, SealCheck):
            return parsed
        check = self.verify(parsed, keys)
        if check.reason_code in (SealReason.MALFORMED, SealReason.UNSEALED):
            return check
        if result_pdf.render(parsed.document, parsed.seal) == data:
            return check
        detail = "PDF 与其签章内容的重新生成结果不一致 (the PDF differs from a fresh rendering of its sealed content)"
        return with_problem(
            check, SealReason.CONTENT_CHANGED, f"{detail}; {result_pdf.explain_mismatch(data)}"
        )
