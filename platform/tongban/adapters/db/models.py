"""Tables. Every row that belongs to a tenant carries ``tenant_id`` via ``TenantScoped``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware, in UTC. SQLite keeps
    no offset, so without this a stored time comes back naive (and, if it was written in
    Beijing time, eight hours off). A naive value given to it is taken as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TenantScoped:
    """Mixin for rows owned by one tenant. The tenant guard filters and checks them."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("tenant.id"), index=True, nullable=False)


class Tenant(Base):
    """The tree itself is public (division codes); what hangs off it is tenant-scoped."""

    __tablename__ = "tenant"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id"), index=True)
    path: Mapped[str] = mapped_column(String(200), index=True)  # "/100000/230000/"
    supplement_alert_threshold: Mapped[int] = mapped_column(Integer, default=2)
    near_limit_days: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Department(TenantScoped, Base):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class TenantUser(TenantScoped, Base):
    __tablename__ = "tenant_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    roles: Mapped[str] = mapped_column(String(200))  # comma-separated core.roles.Role values
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class CalendarDay(TenantScoped, Base):
    """A tenant's own holiday or make-up workday, on top of the national calendar."""

    __tablename__ = "calendar_day"
    __table_args__ = (UniqueConstraint("tenant_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # holiday | workday
    name: Mapped[str] = mapped_column(String(100))


class CalendarArrangement(TenantScoped, Base):
    """An official arrangement (放假安排) for one year, loaded as data at one tenant: every day
    of that year is decided by it for the tenant's subtree (core.cases.workdays)."""

    __tablename__ = "calendar_arrangement"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(String(100))  # 文号
    title: Mapped[str] = mapped_column(String(200))
    days: Mapped[list[Any]] = mapped_column(JSON)  # [{date, kind, name}]
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Matter(TenantScoped, Base):
    """A standard (or refinement) or an implementation of one basic code at one tenant."""

    __tablename__ = "matter"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # standard | implementation
    code: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(String(200))
    published_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MatterVersion(TenantScoped, Base):
    """One version of a matter's document. Immutable once published."""

    __tablename__ = "matter_version"
    __table_args__ = (UniqueConstraint("matter_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matter.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # draft|submitted|reviewed|published
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(64))


class MatterSubmission(TenantScoped, Base):
    """三报: one submission of a version to the parent; a version returned and submitted
    again has one row per submission. Owned by the submitting tenant."""

    __tablename__ = "matter_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("matter_version.id"), index=True)
    submitted_by: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Review(TenantScoped, Base):
    """三报三审: the parent's verdicts on a child's submitted version.

    Owned by the reviewing (parent) tenant; ``subject_tenant_id`` is the child.
    """

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("matter_version.id"), index=True)
    subject_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    authenticity_ok: Mapped[bool] = mapped_column(Boolean)
    authenticity_comment: Mapped[str] = mapped_column(Text, default="")
    legality_ok: Mapped[bool] = mapped_column(Boolean)
    legality_comment: Mapped[str] = mapped_column(Text, default="")
    rationality_ok: Mapped[bool] = mapped_column(Boolean)
    rationality_comment: Mapped[str] = mapped_column(Text, default="")
    approved: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
