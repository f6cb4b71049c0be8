"""Sealed results. Concluding an approval produces a result document (准予行政许可决定书)
sealed with the deciding department's SM2 key: SM3 digest of the canonical JSON, signed.
A result without a valid seal is not valid; a revoked one is not valid either.

Keys: one active key pair per department, made on first use; the private key is stored
encrypted (``KeyBox``, AES-256-GCM under TONGBAN_SEAL_KEY in the adapter).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from tongban.adapters.db.case_models import Case as CaseRow
from tongban.adapters.db.case_models import ResultDocument as ResultRow
from tongban.adapters.db.case_models import SealKeyRow
from tongban.adapters.db.models import Department
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.beijing import beijing_date
from tongban.core.cases.case import Case
from tongban.core.errors import NotFound
from tongban.core.seals import (
    Outcome,
    ResultDocument,
    SealCheck,
    SealedDocument,
    SealKey,
    Signer,
    Verifier,
    keys_json,
    seal_document,
    verify_sealed,
)
from tongban.services.cases.escalation import linked_decision
from tongban.services.cases.runtime import CaseContext
from tongban.services.seals import SealService


@dataclass(frozen=True)
class StoredResult:
    """A case's stored result as it is handed out: the sealed file's content, and where
    its PDF and the signing tenant's public keys are published."""

    case_number: str
    sealed: SealedDocument
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    signer_tenant: str  # the tenant whose department's key signed it (its keys verify it)
    kind: str = "decision"  # decision (决定书) | opinion (审核签批意见)

    def _seal(self, name: str) -> str:
        value = (self.sealed.seal or {}).get(name, "")
        return value if isinstance(value, str) else ""

    @property
    def key_id(self) -> str:
        return self._seal("key_id")

    @property
    def digest(self) -> str:
        return self._seal("digest")

    @property
    def signed_at(self) -> str:
        return self._seal("signed_at")

    @property
    def department_uscc(self) -> str:
        return self._seal("department_uscc")

    @property
    def canonical_json(self) -> str:
        """The exact text of ``<number>.json`` (what ``tongban verify`` takes)."""
        return self.sealed.to_json().decode("utf-8")


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

    def seal_result(
        self, ctx: CaseContext, basis: Mapping[str, Any] | None = None
    ) -> SealedDocument:
        """Seal the case's 准予行政许可决定书 with its department's key; ``basis`` names the
        sealed opinion it rests on (上报件, ``services.cases.escalation``)."""
        case = ctx.case
        department = self._department(ctx)
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
            basis=basis,
        ).to_document()
        return self.seal_as(ctx, department, document, kind="decision")

    def seal_as(
        self, ctx: CaseContext, department: Department, document: dict[str, Any], *, kind: str
    ) -> SealedDocument:
        """Seal ``document`` with ``department``'s key and store it as the case's ``kind``
        record (``decision`` or ``opinion``)."""
        case = ctx.case
        row, private_hex = self._active_key(ctx, department)
        signer = self._signer_factory(private_hex, row.public_hex)
        sealed = seal_document(document, _seal_key(row), signer, self._sm3, ctx.now)
        ctx.uow.session.add(
            ResultRow(
                tenant_id=case.tenant_id,
                case_id=case.id,
                kind=kind,
                document=sealed.document,
                seal=sealed.seal or {},
                created_at=ctx.now,
            )
        )
        payload = {"key": row.key_id, "digest": (sealed.seal or {}).get("digest")}
        ctx.record("ResultSealed", payload if kind == "decision" else {**payload, "kind": kind})
        return sealed

    def _department(self, ctx: CaseContext) -> Department:
        case = ctx.case
        department = ctx.uow.session.scalar(
            select(Department).where(
                Department.tenant_id == case.tenant_id, Department.code == case.department
            )
        )
        if department is None:
            raise NotFound("department", case.department)
        return department

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
        if row is not None and row.tenant_id != case.tenant_id:  # a delivered decision
            keys |= _keys(uow, row.tenant_id)
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

    def stored(self, uow: UnitOfWork, number: str) -> StoredResult | None:
        """The case's stored result (None: it has none); ``NotFound`` outside the caller's
        subtree, exactly as for a number that does not exist."""
        case, row = _result_of(uow, number)
        if row is None:
            return None
        sealed = SealedDocument(dict(row.document), dict(row.seal) or None)
        signer = _key_tenant_id(uow, (row.seal or {}).get("key_id")) or case.tenant_id
        return StoredResult(
            case_number=case.number,
            sealed=sealed,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
            signer_tenant=uow.tenants.by_id(signer).code,
            kind=row.kind or "decision",
        )

    def pdf(self, uow: UnitOfWork, number: str) -> bytes:
        """The result's PDF (the sealed JSON attached); ``NotFound`` without a result."""
        found = self.stored(uow, number)
        if found is None:
            raise NotFound("result", number)
        return self._writer().render_pdf(found.sealed)

    def _writer(self) -> SealService:
        if self._files is None:
            raise RuntimeError("no result file writer configured")
        return self._files

    def export(self, uow: UnitOfWork, number: str, directory: Path) -> tuple[Path, Path, Path]:
        """Write ``<number>.json``, ``<number>.pdf`` and ``keys.json`` (the public keys of
        the case's tenant and of the tenant whose key signed it) for ``tongban verify``."""
        writer = self._writer()
        case, row = _result_of(uow, number)
        if row is None:
            raise NotFound("result", number)
        sealed = SealedDocument(dict(row.document), dict(row.seal))
        json_path, pdf_path = writer.write_result_files(sealed, directory, number)
        keys_path = Path(directory) / "keys.json"
        signer = _key_tenant_id(uow, (row.seal or {}).get("key_id"))
        keys = _keys(uow, case.tenant_id)
        if signer is not None and signer != case.tenant_id:
            keys |= _keys(uow, signer)
        keys_path.write_bytes(keys_json(keys.values()))
        return json_path, pdf_path, keys_path


def _result_of(uow: UnitOfWork, number: str) -> tuple[Case, ResultRow | None]:
    case = uow.cases.by_number(number, lock=False)  # the subtree rule: else "not found"
    if case is None:
        raise NotFound("case", number)
    own = uow.session.scalar(select(ResultRow).where(ResultRow.case_id == case.id))
    # an initial level that delivers the final level's decision (art35) shows that one
    return case, own if own is not None else linked_decision(uow, case.key)


def case_tenant_code(uow: UnitOfWork, number: str) -> str:
    """The code of the tenant that handles case ``number`` (any scope that sees it)."""
    tenant_id = uow.session.scalar(select(CaseRow.tenant_id).where(CaseRow.number == number))
    if tenant_id is None:
        raise NotFound("case", number)
    return uow.tenants.by_id(tenant_id).code


def _key_tenant_id(uow: UnitOfWork, key_id: object) -> int | None:
    if not isinstance(key_id, str) or not key_id:
        return None
    return uow.session.scalar(select(SealKeyRow.tenant_id).where(SealKeyRow.key_id == key_id))


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
