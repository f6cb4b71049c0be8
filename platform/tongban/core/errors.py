"""Errors and violations with stable codes, mapped to HTTP/CLI/GraphQL once, at each adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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
    """Base of every expected error. Carries a stable code and structured data."""

    code: ErrorCode = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, *, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data or {}


class NotFound(TongbanError):
    """Raised both for "does not exist" and for "exists but is not yours"."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!s} 不存在 (not found)", data={"kind": kind, "key": str(key)})


class Forbidden(TongbanError):
    code = ErrorCode.FORBIDDEN


class Conflict(TongbanError):
    code = ErrorCode.CONFLICT


class InvalidState(TongbanError):
    code = ErrorCode.INVALID_STATE


class ChainBroken(InvalidState):
    """A case whose audit chain does not verify: it takes no command (an alert is raised)."""

    code = ErrorCode.AUDIT_CHAIN_BROKEN


class TenantScopeRequired(TongbanError):
    """A tenant-scoped query ran without a tenant: a programming error, failing closed."""

    code = ErrorCode.TENANT_SCOPE_REQUIRED


@dataclass
class InvalidDefinition(TongbanError):
    """A definition (or a file of definitions) has one or more violations."""

    violations: list[Violation] = field(default_factory=list)
    code = ErrorCode.INVALID_INPUT  # type: ignore[misc]

    def __init__(self, violations: list[Violation], message: str = "") -> None:
        self.violations = sorted(violations)
        summary = message or f"{len(self.violations)} problem(s)"
        TongbanError.__init__(self, summary + "\n" + "\n".join(str(v) for v in self.violations))
