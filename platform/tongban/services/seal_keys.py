"""The published seal keys (公开的印章公钥): each department's public SM2 keys with their
validity windows, for anyone to verify a sealed result (``tongban verify --keys``).

Public keys are public, for any tenant: the caller opens the *asked-for* tenant's own unit
of work (``db.for_tenant(code, readonly=True, subtree=False)``), and only public columns are
ever selected — never the encrypted private key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tongban.adapters.db.case_models import SealKeyRow
from tongban.adapters.db.models import Department
from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.core.seals import SealKey, keys_json


@dataclass(frozen=True)
class PublishedKey:
    """A public seal key and the department it belongs to."""

    key: SealKey
    department_code: str
    department_name: str


@dataclass(frozen=True)
class PublishedKeys:
    tenant_code: str
    tenant_name: str
    keys: tuple[PublishedKey, ...]

    def keys_file(self) -> bytes:
        """The keys as the file ``tongban verify --keys`` takes."""
        return keys_json(item.key for item in self.keys)


def keys_url(tenant_code: str) -> str:
    """Where the web app publishes ``tenant_code``'s keys file, no login needed."""
    return f"/seal-keys/{tenant_code}.json"


def published_keys(uow: UnitOfWork) -> PublishedKeys:
    """The public seal keys of the unit of work's own tenant's departments, oldest first."""
    assert uow.tenant is not None, "a tenant's unit of work"
    rows = uow.session.execute(
        select(
            SealKeyRow.key_id,
            SealKeyRow.department_uscc,
            SealKeyRow.public_hex,
            SealKeyRow.valid_from,
            SealKeyRow.valid_until,
            SealKeyRow.revoked_at,
            Department.code,
            Department.name,
        )
        .join(Department, Department.id == SealKeyRow.department_id)
        .where(SealKeyRow.tenant_id == uow.tenant_id)
        .order_by(SealKeyRow.id)
    ).all()
    keys = tuple(
        PublishedKey(
            SealKey(
                key_id=row.key_id,
                department_uscc=row.department_uscc,
                public_key_hex=row.public_hex,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                revoked_at=row.revoked_at,
            ),
            department_code=row.code,
            department_name=row.name,
        )
        for row in rows
    )
    return PublishedKeys(uow.tenant.code, uow.tenant.name, keys)
