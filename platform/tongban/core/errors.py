"""Errors and violations with stable codes, mapped to HTTP/CLI/GraphQL once, at each adapter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    CONFLICT = "CONFLICT"
    DRAFT_CONFLICT = "DRAFT_CONFLICT"  # a draft saved by someone else since it was loaded
    FORBIDDEN = "FORBIDDEN"
    TENANT_SCOPE_REQUIRED = "TENANT_SCOPE_REQUIRED"
    CONFORMANCE = "CONFORMANCE"
    INVALID_STATE = "INVALID_STATE"
    AUDIT_CHAIN_BROKEN = "AUDIT_CHAIN_BROKEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"  # a credential that does not act (HTTP 401)


@dataclass(frozen=True, order=True)
class Violation:
    """One problem with a definition: a stable code, where (JSON pointer) and why.

    ``source`` names the file or definition the pointer is relative to, when known.
    """

    code: str
    pointer: str
    message: str
    source: str = ""

    def __str__(self) -> str:
        if self.source:
            where = f"{self.source}#{self.pointer}" if self.pointer else self.source
        else:
            where = self.pointer or "/"
        return f"{self.code} {where} {self.message}"

    def with_source(self, source: str) -> Violation:
        return Violation(self.code, self.pointer, self.message, source)

    def under(self, prefix: str) -> Violation:
        """The same violation with its pointer nested below ``prefix``."""
        return Violation(self.code, prefix + self.pointer, self.message, self.source)


class TongbanError(Exception):
    """Base of every expected error: one subclass per condition.

    - ``code`` is the condition's category (``NOT_FOUND``, ``FORBIDDEN``, ``INVALID_STATE``
      …), what a client branches on; it is what these errors always answered.
    - ``reason`` is the condition's own stable code (``STEP_NOT_OPEN``, ``WRONG_ROLE`` …),
      unique across the platform; ``data`` holds its fields.
    - The words live in one catalogue (``core/error_catalogue.py``), Chinese and English,
      keyed by ``reason`` and filled from ``data``; adapters render them in the reader's
      language. ``message`` is the Chinese rendering, for logs and the CLI.

    A subclass declares ``code``, ``reason`` and an ``__init__`` taking its fields by name.
    The generic classes (``Forbidden("…")`` and the like) carry a free ``detail`` text: they
    are for conditions that have no class of their own yet.
    """

    code: ClassVar[ErrorCode] = ErrorCode.INVALID_INPUT
    reason: ClassVar[str] = "INVALID_INPUT"
    registry: ClassVar[dict[str, type[TongbanError]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "reason" not in cls.__dict__:
            return
        other = TongbanError.registry.get(cls.reason)
        if other is not None and other.__qualname__ != cls.__qualname__:
            raise TypeError(f"error reason {cls.reason} is taken by {other.__qualname__}")
        TongbanError.registry[cls.reason] = cls

    def __init__(
        self, detail: str | None = None, /, *, data: dict[str, Any] | None = None, **fields: Any
    ) -> None:
        self.data: dict[str, Any] = {**(data or {}), **fields}
        self.detail = detail or ""
        super().__init__(self.message)

    def render(self, language: str = "zh") -> str:
        from tongban.core.error_catalogue import render

        return render(self.reason, {"detail": self.detail, **self.data}, language)

    @property
    def message(self) -> str:
        return self.render("zh")

    def __str__(self) -> str:
        return self.message


TongbanError.registry["INVALID_INPUT"] = TongbanError


class NotFound(TongbanError):
    """Raised both for "does not exist" and for "exists but is not yours"."""

    code = ErrorCode.NOT_FOUND
    reason = "NOT_FOUND"

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(kind=kind, key=str(key))


class Forbidden(TongbanError):
    code = ErrorCode.FORBIDDEN
    reason = "FORBIDDEN"


class Conflict(TongbanError):
    code = ErrorCode.CONFLICT
    reason = "CONFLICT"


class InvalidState(TongbanError):
    code = ErrorCode.INVALID_STATE
    reason = "INVALID_STATE"


class ChainBroken(InvalidState):
    """A case whose audit chain does not verify: it takes no command (an alert is raised)."""

    code = ErrorCode.AUDIT_CHAIN_BROKEN
    reason = "AUDIT_CHAIN_BROKEN"


class TenantScopeRequired(TongbanError):
    """A tenant-scoped query ran without a tenant: a programming error, failing closed.
    ``operation`` is ``query`` or ``write``."""

    code = ErrorCode.TENANT_SCOPE_REQUIRED
    reason = "TENANT_SCOPE_REQUIRED"

    def __init__(self, operation: str = "query") -> None:
        super().__init__(operation=operation)


class OtherTenantsRow(Forbidden):
    """A write of a row that belongs to a tenant the unit of work may not write."""

    reason = "OTHER_TENANTS_ROW"

    def __init__(self, entity: str) -> None:
        super().__init__(entity=entity)


class RowRefused(Forbidden):
    """PostgreSQL's row-level security refused a row of another tenant."""

    reason = "ROW_REFUSED"

    def __init__(self) -> None:
        super().__init__()


class InvalidDefinition(TongbanError):
    """A definition (or a file of definitions) has one or more violations.

    The generic form takes a free ``message`` as its summary; a condition of its own
    subclasses it (``core/definition_errors.py``) and calls ``_take`` with its fields.
    """

    code = ErrorCode.INVALID_INPUT
    reason = "INVALID_DEFINITION"

    def __init__(self, violations: Sequence[Violation], message: str = "") -> None:
        self._take(violations, summary=message or f"{len(violations)} 处问题")

    def _take(self, violations: Sequence[Violation], **fields: Any) -> None:
        """Keep the violations; ``data`` gets their ``count``, their text as ``problems``
        (one per line) and ``fields`` (a subclass's own, for its catalogue entry)."""
        self.violations = sorted(violations)
        problems = "\n".join(str(v) for v in self.violations)
        TongbanError.__init__(self, count=len(self.violations), problems=problems, **fields)
