"""Case tables: cases, their tasks and audit events, serials, alerts, seals, ratings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tongban.adapters.db.models import Base, TenantScoped, UTCDateTime, utcnow


class Case(TenantScoped, Base):
    """办件. ``tenant_id`` is the tenant that holds (handles) the case."""

    __tablename__ = "case"
    __table_args__ = (UniqueConstraint("tenant_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)  # 办件编号
    matter_id: Mapped[int] = mapped_column(ForeignKey("matter.id"), index=True)
    matter_version: Mapped[int] = mapped_column(Integer)  # the pinned implementation version
    matter_code: Mapped[str] = mapped_column(String(12))
    matter_name: Mapped[str] = mapped_column(String(200))
    implementation_code: Mapped[str] = mapped_column(String(40))  # 实施编码
    department: Mapped[str] = mapped_column(String(32))  # implementing department code
    status: Mapped[str] = mapped_column(String(24), index=True)
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id: Mapped[str] = mapped_column(String(64), index=True)
    # natural_person (公民身份号码) | legal_person (统一社会信用代码): core.applicants
    applicant_kind: Mapped[str] = mapped_column(String(16))
    form_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    materials: Mapped[list[Any]] = mapped_column(JSON)
    flow_state: Mapped[dict[str, Any]] = mapped_column(JSON)
    pauses: Mapped[list[Any]] = mapped_column(JSON, default=list)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    promised_days: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[dt.date | None] = mapped_column(Date)  # 承诺办结时间, stamped at acceptance
    # 暂定: computed with a day the official arrangement has not decided yet (core.cases.workdays)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    supplement_count: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[str | None] = mapped_column(String(16))  # approved | denied
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    concluded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    origin_case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    joint_case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    parent_node: Mapped[str | None] = mapped_column(String(64))
    initial_opinion: Mapped[str | None] = mapped_column(Text)  # carried up by an escalation
    notify_and_commit: Mapped[bool] = mapped_column(Boolean, default=False)
    verification_due: Mapped[dt.date | None] = mapped_column(Date)
    verification_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="0" * 64)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __mapper_args__ = {"version_id_col": row_version}


class CaseTask(TenantScoped, Base):
    """A node the case waits on: a human step, an external result, an escalation, a subflow."""

    __tablename__ = "case_task"
    __table_args__ = (Index("ix_case_task_worklist", "tenant_id", "status", "department", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # no index of its own: it leads ix_case_task_worklist
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    node_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # task | external | escalate | subflow
    step: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    department: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12))  # open | done | cancelled
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    days: Mapped[int] = mapped_column(Integer, default=0)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(12))
    opinion: Mapped[str | None] = mapped_column(Text)
    linked_case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))


class CaseEvent(TenantScoped, Base):
    """The append-only, hash-chained event log of one case (core.audit)."""

    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # events are read through their case: (case_id, seq) is the only index they need
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    chain: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    tenant: Mapped[str] = mapped_column(String(12))
    at: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class CaseSerial(Base):
    """The daily serial behind unified case numbers: one row per implementation and day."""

    __tablename__ = "case_serial"

    implementation_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class SupervisionAlert(TenantScoped, Base):
    """电子监察: raised once per (case, kind, subject) — the unique key makes sweeps idempotent."""

    __tablename__ = "supervision_alert"
    __table_args__ = (UniqueConstraint("case_id", "kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64), default="")  # a task's node id, or ""
    level: Mapped[str] = mapped_column(String(12))  # warning | yellow | red
    message: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | urged | resolved
    urged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    urged_by: Mapped[str | None] = mapped_column(String(64))
    urge_note: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str | None] = mapped_column(Text)


class SealKeyRow(TenantScoped, Base):
    """A department's SM2 key pair; the private key is encrypted at rest."""

    __tablename__ = "seal_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    department_uscc: Mapped[str] = mapped_column(String(18))
    public_hex: Mapped[str] = mapped_column(String(200))
    private_encrypted: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ResultDocument(TenantScoped, Base):
    """A case's sealed result (决定书 / 证照): canonical JSON document plus its seal."""

    __tablename__ = "result_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    # decision (决定书) | opinion (审核签批意见 of a 上报件): one decision per application
    kind: Mapped[str] = mapped_column(String(16), server_default="decision", default="decision")
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    seal: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Rating(TenantScoped, Base):
    """好差评: five levels; a bad one (≤ 2) opens a follow-up that must be answered."""

    __tablename__ = "rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    level: Mapped[int] = mapped_column(Integer)  # 5 非常满意 … 1 非常不满意
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    followup_due: Mapped[dt.date | None] = mapped_column(Date)
    followup_answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answered_by: Mapped[str | None] = mapped_column(String(64))


class Complaint(TenantScoped, Base):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answered_by: Mapped[str | None] = mapped_column(String(64))
