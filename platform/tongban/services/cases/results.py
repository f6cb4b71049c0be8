"""Sealed results. Concluding an approval produces a result document (准予行政许可决定书)
sealed with the deciding department's SM2 key: SM3 digest of the canonical JSON, signed.
A result without a valid seal is not valid; a revoked one is not valid either.

Keys: one active key pair per department, made on first use; the private key is stored
encrypted (``KeyBox``, AES-256-GCM under TONGBAN_SEAL_KEY in the adapter).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from tongban.adapters.db.case_models import Case, SealKeyRow
from tongban.adapters.db.case_models import ResultDocument as ResultRow
from tongban.adapters.db.models import Department
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.beijing import beijing_date
from tongban.core.errors import NotFound
from tongban.core.seals import (
    Outcome,
    ResultDocument,
    SealCheck,
    SealedDocument,
    SealKey,
    Signer,
    Verifier,
    seal_document,
    verify_sealed,
)
from tongban.services.cases.runtime import CaseContext
from tongban.services.seals import SealService


class KeyBox(Protocol):
    def encrypt_private_key(self, private_hex: str, *, key_id: str) -> str: ...
    def decrypt_private_key(self, token: str, *, key_id: str) -> str: ...


class CaseResults:
    """The engine's ``ResultSealer``, plus verification and export of sealed results."""

    def __init__(
        self,
        *,
        signer_factory: Callable[[str, str], Signer],
        verifier: Verifier,
        sm3: Callable[[bytes], str],
        keygen: Callable[[], tuple[str, str]],
        box: KeyBox,
        files: SealService | None = None,
    ) -> None:
        self._signer_factory = signer_factory
        self._verifier = verifier
        self._sm3 = sm3
        self._keygen = keygen
        self._box = box
        self._files = files

    def seal_result(self, ctx: CaseContext) -> None:
        case = ctx.case
        department = ctx.uow.session.scalar(
            select(Department).where(
                Department.tenant_id == case.tenant_id, Department.code == case.department
            )
        )
        if department is None:
            raise NotFound("department", case.department)
        row, private_hex = self._active_key(ctx, department)
        document = ResultDocument(
            case_number=case.number,
            outcome=Outcome.APPROVED,
            applicant_name=case.applicant_name,
            applicant_id=case.applicant_id,
            applicant_kind=case.applicant_kind,
            matter_code=case.matter_code,
            matter_name=case.matter_name,
            decision="准予许可",
            reasons=case.decision_reason or "申请材料齐全，符合法定条件",
            decided_on=beijing_date(case.decided_at or ctx.now),  # the date people read
            department_name=department.name,
            department_uscc=department.uscc,
            document_number=f"{case.number}-JD",
            tenant_code=ctx.tenant.code,
        ).to_document()
        signer = self._signer_factory(private_hex, row.public_hex)
        sealed = seal_document(document, _seal_key(row), signer, self._sm3, ctx.now)
        ctx.uow.session.add(
            ResultRow(
                tenant_id=case.tenant_id,
                case_id=case.id,
                document=sealed.document,
                seal=sealed.seal or {},
                created_at=ctx.now,
            )
        )
        ctx.record("ResultSealed", {"key": row.key_id, "digest": (sealed.seal or {}).get("digest")})

    def _active_key(self, ctx: CaseContext, department: Department) -> tuple[SealKeyRow, str]:
        row = ctx.uow.session.scalar(
            select(SealKeyRow)
            .where(SealKeyRow.department_id == department.id, SealKeyRow.revoked_at.is_(None))
            .order_by(SealKeyRow.id.desc())
            .limit(1)
        )
        if row is not None and (row.valid_until is None or row.valid_until > ctx.now):
            return row, self._box.decrypt_private_key(row.private_encrypted, key_id=row.key_id)
        private_hex, public_hex = self._keygen()
        count = ctx.uow.session.scalar(
            select(SealKeyRow.id).where(SealKeyRow.department_id == department.id).limit(1)
        )
        key_id = f"{department.uscc}-{ctx.now:%Y%m%d%H%M%S}-{0 if count is None else count}"
        row = SealKeyRow(
            tenant_id=department.tenant_id,
            key_id=key_id,
            department_id=department.id,
            department_uscc=department.uscc,
            public_hex=public_hex,
            private_encrypted=self._box.encrypt_private_key(private_hex, key_id=key_id),
            valid_from=ctx.now,
        )
        ctx.uow.session.add(row)
        ctx.uow.session.flush()
        return row, private_hex

    def verify(self, uow: UnitOfWork, number: str) -> SealCheck:
        """Verify a case's stored result; a case with none, or a revoked one, is invalid."""
        case, row = _result_of(uow, number)
        keys = _keys(uow, case.tenant_id)
        if row is None:
            sealed = SealedDocument({"case_number": number}, None)
        else:
            sealed = SealedDocument(dict(row.document), dict(row.seal) or None)
        check = verify_sealed(sealed, keys, self._verifier, self._sm3)
        if row is not None and row.revoked_at is not None and check.valid:
            return dataclasses.replace(
                check,
                valid=False,
                problems=(
                    f"决定已于 {beijing_date(row.revoked_at)} 撤销 (the decision was revoked)",
                ),
            )
        return check

    def export(self, uow: UnitOfWork, number: str, directory: Path) -> tuple[Path, Path, Path]:
        """Write ``<number>.json``, ``<number>.pdf`` and ``keys.json`` (public keys) for
        ``tongban verify``."""
        if self._files is None:
            raise RuntimeError("no result file writer configured")
        case, row = _result_of(uow, number)
        if row is None:
            raise NotFound("result", number)
        sealed = SealedDocument(dict(row.document), dict(row.seal))
        json_path, pdf_path = self._files.write_result_files(sealed, directory, number)
        keys_path = Path(directory) / "keys.json"
        keys = [k.to_dict() for k in _keys(uow, case.tenant_id).values()]
        keys_path.write_text(json.dumps(keys, ensure_ascii=False, indent=2), encoding="utf-8")
        return json_path, pdf_path, keys_path


def _result_of(uow: UnitOfWork, number: str) -> tuple[Case, ResultRow | None]:
    assert uow.tenant is not None
    case = uow.session.scalar(select(Case).where(Case.number == number))
    if case is None:
        raise NotFound("case", number)
    me = uow.tenants.get(uow.tenant.code)
    if not uow.tenants.by_id(case.tenant_id).path.startswith(me.path):
        raise NotFound("case", number)
    return case, uow.session.scalar(select(ResultRow).where(ResultRow.case_id == case.id))


def _keys(uow: UnitOfWork, tenant_id: int) -> dict[str, SealKey]:
    rows = uow.session.scalars(select(SealKeyRow).where(SealKeyRow.tenant_id == tenant_id))
    return {row.key_id: _seal_key(row) for row in rows}


def _seal_key(row: SealKeyRow) -> SealKey:
    return SealKey(
        key_id=row.key_id,
        department_uscc=row.department_uscc,
        public_key_hex=row.public_hex,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        revoked_at=row.revoked_at,
    )
