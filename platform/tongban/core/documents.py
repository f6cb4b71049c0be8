"""Tenant and matter documents: the file format of docs/configuration.md, parsed and written.

A *document* is the plain data (dicts, lists, strings, ints, bools) of one ``tenant.yaml`` or
one matter file. ``parse_*`` checks a document against its meta-schema (``form_schemas/``)
and the rules a schema cannot express, and builds the domain objects; ``*_to_doc`` writes
the canonical document back: keys in meta-schema order, optional keys equal to their
default left out, 即办 written as ``instant``. Violations carry JSON pointers relative to
the document. A parse may return an object *and* violations (for instance a duplicate
department code): callers that persist must refuse whenever the list is non-empty.

Pure: the meta-schemas come in as a mapping of ``$id`` to schema; nothing here reads files.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tongban.core.codes import uscc_problem
from tongban.core.errors import TongbanError, Violation
from tongban.core.forms import json_pointer
from tongban.core.matters import (
    DEFAULT_ESCALATION,
    INSTANT,
    ApprovalChain,
    EscalationMode,
    Fee,
    Implementation,
    Material,
    MatterSpec,
    Procedure,
    StepKind,
    basic_code_problem,
)
from tongban.core.roles import STEP_ROLES, Role
from tongban.core.tenancy import Level, TenantRef

TENANT_SCHEMA_ID = "urn:tongban:meta:tenant"
MATTER_SCHEMA_ID = "urn:tongban:meta:matter"
FLOW_SCHEMA_ID = "urn:tongban:meta:flow"
META_SCHEMA_IDS = (TENANT_SCHEMA_ID, MATTER_SCHEMA_ID, FLOW_SCHEMA_ID)

MatterKind = Literal["standard", "implementation"]
MATTER_KINDS: tuple[MatterKind, ...] = ("standard", "implementation")
INSTANT_KEY = "instant"

# ---------------------------------------------------------------------------------------
# Tenant documents


@dataclass(frozen=True)
class TenantSettings:
    supplement_alert_threshold: int = 2
    near_limit_days: int = 1


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    name: str


@dataclass(frozen=True)
class DepartmentDoc:
    code: str
    name: str
    uscc: str


@dataclass(frozen=True)
class UserDoc:
    username: str
    name: str
    roles: tuple[Role, ...]
    department: str | None = None


@dataclass(frozen=True)
class TenantDoc:
    code: str
    name: str
    level: Level
    settings: TenantSettings = TenantSettings()
    holidays: tuple[CalendarDay, ...] = ()
    workdays: tuple[CalendarDay, ...] = ()
    departments: tuple[DepartmentDoc, ...] = ()
    users: tuple[UserDoc, ...] = ()

    def department_usccs(self) -> dict[str, str]:
        """Department code → USCC, as ``parse_matter_doc`` wants it."""
        return {d.code: d.uscc for d in self.departments}


# ---------------------------------------------------------------------------------------
# Matter documents


@dataclass(frozen=True)
class MatterDoc:
    """One matter file: a standard (or refinement) or an implementation.

    ``department`` is the implementing department's local code (the file names it; the
    ``Implementation`` carries its USCC). ``raw`` is the document as read; writers ignore it.
    """

    kind: MatterKind
    spec: MatterSpec
    implementation: Implementation | None = None
    department: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def standard(cls, spec: MatterSpec) -> MatterDoc:
        return cls("standard", spec)

    @classmethod
    def of_implementation(cls, implementation: Implementation, department: str) -> MatterDoc:
        return cls("implementation", implementation.spec, implementation, department)

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def file_name(self) -> str:
        return matter_file_name(self.spec.code, self.kind)


def matter_file_name(code: str, kind: str) -> str:
    return f"{code}.{kind}.yaml"


# ---------------------------------------------------------------------------------------
# Meta-schemas


class MetaSchemaMissing(TongbanError):
    """The schema directory lacks a meta-schema: an installation problem, not a user's."""

    reason = "META_SCHEMA_MISSING"

    def __init__(self, missing: list[str]) -> None:
        super().__init__(missing=missing)


class MetaSchemas:
    """The meta-schemas (``form_schemas/*.json`` by ``$id``), compiled once for many documents."""

    def __init__(self, schemas: Mapping[str, Mapping[str, Any]]) -> None:
        missing = [sid for sid in META_SCHEMA_IDS if sid not in schemas]
        if missing:
            raise MetaSchemaMissing(missing)
        registry: Registry[Any] = Registry().with_resources(
            (sid, Resource.from_contents(dict(doc), default_specification=DRAFT202012))
            for sid, doc in schemas.items()
        )
        self.schemas: Mapping[str, Mapping[str, Any]] = schemas
        self._validators = {
            sid: Draft202012Validator(dict(schemas[sid]), registry=registry)
            for sid in (TENANT_SCHEMA_ID, MATTER_SCHEMA_ID)
        }

    def check(self, schema_id: str, doc: Any) -> list[Violation]:
        """Every meta-schema violation of ``doc``, pointers relative to it."""
        seen: dict[tuple[str, str, str], Violation] = {}
        for error in self._validators[schema_id].iter_errors(doc):
            for violation in _schema_violations(error):
                # a key both additionalProperties and a kind's propertyNames refuse is one
                # problem: keep the message with the narrower list of allowed keys
                key = (violation.code, violation.pointer, "")
                if violation.code != "SCHEMA_UNKNOWN_KEY":
                    key = (violation.code, violation.pointer, violation.message)
                known = seen.get(key)
                if known is None or len(violation.message) < len(known.message):
                    seen[key] = violation
        return list(seen.values())


_JSON_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def _json_type(value: Any) -> str:
    if value is None:
        return "null (empty value)"
    return next((name for cls, name in _JSON_TYPES if isinstance(value, cls)), type(value).__name__)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _schema_violations(error: ValidationError) -> Iterator[Violation]:
    if error.context and error.validator in ("anyOf", "oneOf"):
        deepest = best_match(error.context)
        if deepest is not None and list(deepest.absolute_path) != list(error.absolute_path):
            yield from _schema_violations(deepest)
            return
    path = list(error.absolute_path)
    pointer = json_pointer(path)
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        for key in instance:
            if key in allowed or any(re.search(p, str(key)) for p in patterns):
                continue
            hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
            yield Violation(
                "SCHEMA_UNKNOWN_KEY",
                json_pointer([*path, key]),
                f"未知的键 {key!r} (unknown key {key!r}{hint})",
            )
        return
    if "propertyNames" in error.relative_schema_path and isinstance(instance, str):
        values = error.validator_value if error.validator == "enum" else None
        hint = f"; allowed here: {', '.join(values)}" if isinstance(values, list) else ""
        yield Violation(
            "SCHEMA_UNKNOWN_KEY",
            json_pointer([*path, instance]),
            f"未知的键 {instance!r} (unknown key {instance!r}{hint})",
        )
        return
    if error.validator == "required" and isinstance(instance, dict):
        for key in error.validator_value:
            if key not in instance:
                yield Violation(
                    "SCHEMA_MISSING_KEY",
                    json_pointer([*path, key]),
                    f"缺少必填的键 {key!r} (missing required key {key!r})",
                )
        return
    if error.validator == "not" and error.validator_value == {}:
        why = error.schema.get("description", "not allowed here")
        what = f"key {path[-1]!r}" if path else "this document"
        what_zh = f"键 {path[-1]!r}" if path else "本文档"
        yield Violation("SCHEMA_FORBIDDEN_KEY", pointer, f"此处不允许{what_zh} ({what} is {why})")
        return
    if error.validator == "type":
        expected = error.validator_value
        names = " or ".join(expected) if isinstance(expected, list) else str(expected)
        message = f"expected {names}, got {_json_type(instance)}"
        if (
            "string" in names
            and isinstance(instance, int | float)
            and not isinstance(instance, bool)
        ):
            message += "; codes and numbers meant as text must be quoted in YAML, e.g. '01'"
        yield Violation("SCHEMA_INVALID", pointer, f"类型错误 ({message})")
        return
    yield Violation("SCHEMA_INVALID", pointer, f"取值无效 ({_short(error.message)})")


# ---------------------------------------------------------------------------------------
# Parsing tenants


def parse_tenant_doc(doc: Any, *, schemas: MetaSchemas) -> tuple[TenantDoc | None, list[Violation]]:
    """Check and parse a ``tenant.yaml`` document (tree-level checks are the caller's)."""
    violations = schemas.check(TENANT_SCHEMA_ID, doc)
    if violations:
        return None, violations
    calendar = doc.get("calendar", {})
    holidays = _calendar_days(calendar.get("holidays", []), "/calendar/holidays", violations)
    workdays = _calendar_days(calendar.get("workdays", []), "/calendar/workdays", violations)
    _check_unique(
        [
            (f"/calendar/holidays/{i}/date", d["date"])
            for i, d in enumerate(calendar.get("holidays", []))
        ]
        + [
            (f"/calendar/workdays/{i}/date", d["date"])
            for i, d in enumerate(calendar.get("workdays", []))
        ],
        "CALENDAR_DUPLICATE_DATE",
        "日期 {value} 重复列出|date {value} is listed more than once",
        violations,
    )
    departments = tuple(
        DepartmentDoc(d["code"], d["name"], d["uscc"]) for d in doc.get("departments", [])
    )
    for i, dept in enumerate(departments):
        problem = uscc_problem(dept.uscc)
        if problem:
            violations.append(
                Violation("DEPARTMENT_INVALID_USCC", f"/departments/{i}/uscc", problem)
            )
    _check_unique(
        [(f"/departments/{i}/code", d.code) for i, d in enumerate(departments)],
        "DEPARTMENT_DUPLICATE_CODE",
        "部门代码 {value!r} 在本单位重复使用|department code {value!r} is used more than once in this tenant",
        violations,
    )
    _check_unique(
        [(f"/departments/{i}/uscc", d.uscc) for i, d in enumerate(departments)],
        "DEPARTMENT_DUPLICATE_USCC",
        "统一社会信用代码 {value} 被多个部门使用|USCC {value} is used by more than one department",
        violations,
    )
    users = tuple(
        UserDoc(u["username"], u["name"], tuple(Role(r) for r in u["roles"]), u.get("department"))
        for u in doc.get("users", [])
    )
    _check_unique(
        [(f"/users/{i}/username", u.username) for i, u in enumerate(users)],
        "USER_DUPLICATE_USERNAME",
        "用户名 {value!r} 重复使用|username {value!r} is used more than once",
        violations,
    )
    known = {d.code for d in departments}
    for i, user in enumerate(users):
        where = f"/users/{i}/department"
        if user.department is not None and user.department not in known:
            violations.append(
                Violation(
                    "USER_UNKNOWN_DEPARTMENT",
                    where,
                    f"本单位没有部门 {user.department!r} (no department {user.department!r} in this tenant)",
                )
            )
        step_roles = [r.value for r in user.roles if r in STEP_ROLES]
        if user.department is None and step_roles:
            violations.append(
                Violation(
                    "USER_DEPARTMENT_REQUIRED",
                    where,
                    f"角色 {', '.join(step_roles)} 办理流程环节，须指定部门 "
                    f"(role(s) {', '.join(step_roles)} act on flow steps and need a department)",
                )
            )
    if holidays is None or workdays is None:
        return None, violations
    settings = TenantSettings(**doc.get("settings", {}))
    tenant = TenantDoc(
        code=doc["code"],
        name=doc["name"],
        level=Level.parse(doc["level"]),
        settings=settings,
        holidays=holidays,
        workdays=workdays,
        departments=departments,
        users=users,
    )
    return tenant, violations


def _calendar_days(
    items: Sequence[Mapping[str, str]], pointer: str, violations: list[Violation]
) -> tuple[CalendarDay, ...] | None:
    days: list[CalendarDay] = []
    ok = True
    for i, item in enumerate(items):
        try:
            days.append(CalendarDay(dt.date.fromisoformat(item["date"]), item["name"]))
        except ValueError as exc:
            ok = False
            violations.append(
                Violation(
                    "CALENDAR_INVALID_DATE",
                    f"{pointer}/{i}/date",
                    f"日期 {item['date']!r} 无效 ({item['date']!r}: {exc})",
                )
            )
    return tuple(days) if ok else None


def _check_unique(
    items: Iterable[tuple[str, object]],
    code: str,
    message: str,
    violations: list[Violation],
) -> None:
    """A violation at each repeat of a value, naming where it first occurred. ``message`` is
    ``中文|English``, each with a ``{value}`` field."""
    zh, en = message.split("|")
    first: dict[object, str] = {}
    for pointer, value in items:
        if value in first:
            text = (
                f"{zh.format(value=value)}（首次出现在 {first[value]}） "
                f"({en.format(value=value)}; first at {first[value]})"
            )
            violations.append(Violation(code, pointer, text))
        else:
            first[value] = pointer


# ---------------------------------------------------------------------------------------
# Parsing matters


def parse_matter_doc(
    doc: Any,
    *,
    tenant: TenantRef | None,
    departments: Mapping[str, str],
    schemas: MetaSchemas,
) -> tuple[MatterDoc | None, list[Violation]]:
    """Check and parse a matter document of ``tenant`` (departments: code → USCC).

    With ``tenant=None`` (its tenant.yaml is broken) the document is still checked, but an
    implementation cannot be built and comes back as None. Time limits are only read here
    (``instant`` ↔ ``INSTANT``); promised ≤ legal is a conformance rule, checked with the
    parent (``core.conformance``) or alone for a top standard (``services.matter_checks``).
    """
    violations = schemas.check(MATTER_SCHEMA_ID, doc)
    if violations:
        return None, violations
    problem = basic_code_problem(doc["code"])
    if problem:
        violations.append(Violation("MATTER_BASIC_CODE", "/code", problem))
    chain: ApprovalChain | None = None
    try:
        chain = ApprovalChain.parse(doc["approval_chain"])
    except ValueError as exc:
        violations.append(
            Violation("MATTER_APPROVAL_CHAIN", "/approval_chain", f"审批层级无效 ({exc})")
        )
    if "escalation" in doc and chain is not None and not chain.escalates:
        violations.append(
            Violation(
                "MATTER_APPROVAL_CHAIN",
                "/escalation",
                f"审批层级 {chain.key} 不跨层级，escalation 无从适用 (escalation is only for a "
                "LEVEL-initial/LEVEL-final chain)",
            )
        )
    limits = doc["time_limits"]
    legal, promised = _days(limits["legal"]), _days(limits["promised"])
    materials = tuple(Material(**m) for m in doc["materials"])
    fees = tuple(Fee(**f) for f in doc.get("fees", []))
    _check_unique(
        [(f"/materials/{i}/code", m.code) for i, m in enumerate(materials)],
        "MATERIAL_DUPLICATE",
        "材料编码 {value!r} 重复使用|material code {value!r} is used more than once",
        violations,
    )
    _check_unique(
        [(f"/fees/{i}/code", f.code) for i, f in enumerate(fees)],
        "FEE_DUPLICATE",
        "收费编码 {value!r} 重复使用|fee code {value!r} is used more than once",
        violations,
    )
    department = doc.get("department")
    if tenant is not None and department is not None and department not in departments:
        violations.append(
            Violation(
                "MATTER_UNKNOWN_DEPARTMENT",
                "/department",
                f"本单位没有部门 {department!r} (no department {department!r} in this tenant)",
            )
        )
    if chain is None:
        return None, violations
    spec = MatterSpec(
        code=doc["code"],
        name=doc["name"],
        matter_type=doc["matter_type"],
        legal_basis=doc["legal_basis"],
        power_source=doc["power_source"],
        service_objects=tuple(doc["service_objects"]),
        materials=materials,
        legal_days=legal,
        promised_days=promised,
        procedure=Procedure(
            tuple(StepKind(s) for s in doc["procedure"]["steps"]),
            doc["procedure"]["max_human_steps"],
        ),
        approval_chain=chain,
        fees=fees,
        form=copy.deepcopy(doc["form"]),
        conditions=doc.get("conditions", ""),
        notify_and_commit=doc.get("notify_and_commit", False),
        escalation=EscalationMode(doc.get("escalation", {}).get("mode", DEFAULT_ESCALATION)),
    )
    raw = copy.deepcopy(doc)
    if doc["kind"] == "standard":
        return MatterDoc("standard", spec, raw=raw), violations
    if tenant is None or department not in departments:
        return None, violations
    implementation = Implementation(
        spec=spec,
        tenant_code=tenant.code,
        level=tenant.level,
        department_uscc=departments[department],
        flow=copy.deepcopy(doc["flow"]),
        **doc["guide"],
    )
    return MatterDoc("implementation", spec, implementation, department, raw), violations


def _days(value: int | str) -> int:
    return INSTANT if value == INSTANT_KEY else int(value)


# ---------------------------------------------------------------------------------------
# Canonical documents


def _without_defaults(obj: Any) -> dict[str, Any]:
    """A dataclass's fields in declaration order, leaving out those equal to the default."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if value != f.default:
            out[f.name] = value
    return out


def _day_doc(day: CalendarDay) -> dict[str, Any]:
    return {"date": day.date.isoformat(), "name": day.name}


def tenant_to_doc(tenant: TenantDoc) -> dict[str, Any]:
    """The canonical ``tenant.yaml`` document of ``tenant``."""
    doc: dict[str, Any] = {"code": tenant.code, "name": tenant.name, "level": tenant.level.key}
    settings = _without_defaults(tenant.settings)
    if settings:
        doc["settings"] = settings
    calendar: dict[str, Any] = {}
    if tenant.holidays:
        calendar["holidays"] = [_day_doc(d) for d in tenant.holidays]
    if tenant.workdays:
        calendar["workdays"] = [_day_doc(d) for d in tenant.workdays]
    if calendar:
        doc["calendar"] = calendar
    if tenant.departments:
        doc["departments"] = [
            {"code": d.code, "name": d.name, "uscc": d.uscc} for d in tenant.departments
        ]
    if tenant.users:
        doc["users"] = [_user_doc(u) for u in tenant.users]
    return doc


def _user_doc(user: UserDoc) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "username": user.username,
        "name": user.name,
        "roles": [r.value for r in user.roles],
    }
    if user.department is not None:
        doc["department"] = user.department
    return doc


def _days_doc(days: int) -> int | str:
    return INSTANT_KEY if days == INSTANT else days


_GUIDE_FIELDS = ("address", "hours", "phone", "complaint_phone", "online_url")


def matter_to_doc(matter: MatterDoc) -> dict[str, Any]:
    """The canonical matter document (``raw`` is ignored: the objects are the truth)."""
    spec = matter.spec
    doc: dict[str, Any] = {
        "kind": matter.kind,
        "code": spec.code,
        "name": spec.name,
        "matter_type": spec.matter_type,
        "legal_basis": spec.legal_basis,
        "power_source": spec.power_source,
        "service_objects": list(spec.service_objects),
    }
    if spec.conditions:
        doc["conditions"] = spec.conditions
    if spec.notify_and_commit:
        doc["notify_and_commit"] = True
    doc["time_limits"] = {
        "legal": _days_doc(spec.legal_days),
        "promised": _days_doc(spec.promised_days),
    }
    doc["procedure"] = {
        "steps": [s.value for s in spec.procedure.steps],
        "max_human_steps": spec.procedure.max_human_steps,
    }
    doc["approval_chain"] = spec.approval_chain.key
    if spec.approval_chain.escalates:  # stated where it applies, default or not
        doc["escalation"] = {"mode": spec.escalation.value}
    doc["materials"] = [_without_defaults(m) for m in spec.materials]
    if spec.fees:
        doc["fees"] = [_without_defaults(f) for f in spec.fees]
    doc["form"] = copy.deepcopy(spec.form)
    impl = matter.implementation
    if matter.kind == "implementation":
        if impl is None or matter.department is None:
            raise ValueError(f"implementation {spec.code} needs an Implementation and a department")
        doc["department"] = matter.department
        doc["guide"] = {k: getattr(impl, k) for k in _GUIDE_FIELDS if getattr(impl, k)}
        doc["flow"] = copy.deepcopy(impl.flow)
    return doc
