"""Who may read which tenant's rows: one declaration per tenant-owned table.

Every ``TenantScoped`` table has exactly one ``Rule`` in ``RULES``; the ORM tenant guard
(tenant_guard.py), the case store (case_store.py) and PostgreSQL's row-level security
(row_security.py, migration 0011) all read this one table, so a rule is stated once and
enforced three times. A table with no rule is refused, never read unfiltered
(``rule_of`` raises ``VisibilityUndeclared``).

- ``LINEAGE`` (ancestors, itself, descendants — never a sibling): definitions and what
  they need — standards and implementations, calendars, departments, seal keys, users.
  A county applies its province's standard and its city's calendar.
- ``SUBTREE`` (itself and its descendants): cases and everything hanging off a case —
  tasks, events, results, alerts, ratings, complaints, webhook deliveries. A parent sees
  its descendants' cases; a county never sees its city's (nor its sibling's).
- Explicit grants: a case escalated to the parent (or a joint matter's case started at
  another level) is held by that tenant; the case it came from reaches it only through
  the link (``CaseStore.by_link``, ``UnitOfWork.linked_case`` / ``reading_linked``),
  which widen the scope for the block and narrow it again afterwards — never by lineage.

Writes are not per table: a scope writes the rows of ``writable_ids`` (its own tenant,
plus a grant such as a parent's review verdict or a linked case's answer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from tongban.core.errors import TenantScopeRequired


class Rule(StrEnum):
    LINEAGE = "lineage"
    SUBTREE = "subtree"


RULES: Mapping[str, Rule] = {
    "api_key": Rule.LINEAGE,
    "calendar_arrangement": Rule.LINEAGE,
    "calendar_day": Rule.LINEAGE,
    "department": Rule.LINEAGE,
    "matter": Rule.LINEAGE,
    "matter_submission": Rule.LINEAGE,
    "matter_version": Rule.LINEAGE,
    "review": Rule.LINEAGE,
    "seal_key": Rule.LINEAGE,
    "tenant_user": Rule.LINEAGE,
    "webhook_subscription": Rule.LINEAGE,
    "case": Rule.SUBTREE,
    "case_event": Rule.SUBTREE,
    "case_task": Rule.SUBTREE,
    "complaint": Rule.SUBTREE,
    "rating": Rule.SUBTREE,
    "result_document": Rule.SUBTREE,
    "supervision_alert": Rule.SUBTREE,
    "webhook_delivery": Rule.SUBTREE,
}

TABLES: tuple[str, ...] = tuple(sorted(RULES))
"""Every tenant-owned table (``login_attempt`` is not one: a log-in is recorded before
anyone knows the tenant)."""

SUBTREE_TABLES: tuple[str, ...] = tuple(t for t in TABLES if RULES[t] is Rule.SUBTREE)


class VisibilityUndeclared(TenantScopeRequired):
    """A tenant-owned table that ``RULES`` does not mention: refused, not read unfiltered."""


@dataclass(frozen=True)
class TenantScope:
    """What one tenant's unit of work may read and write.

    ``visible_ids``: the lineage (``LINEAGE`` tables); ``subtree_ids``: itself and its
    descendants (``SUBTREE`` tables); ``writable_ids``: what it may write. A link's grant
    adds to them for a block (unit_of_work.py)."""

    tenant_id: int
    tenant_code: str
    visible_ids: frozenset[int]
    writable_ids: frozenset[int] = field(default_factory=frozenset)
    subtree_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class PlatformScope:
    """No limit: only the bypass's few homes make one (bypass.py)."""

    reason: str


Scope = TenantScope | PlatformScope


def rule_of(table: str) -> Rule:
    rule = RULES.get(table)
    if rule is None:
        raise VisibilityUndeclared(
            f"table {table} has no visibility rule (adapters/db/visibility.py)"
        )
    return rule


def readable_ids(scope: TenantScope, table: str) -> frozenset[int]:
    """The tenants whose rows of ``table`` the scope may read; what it may write it may
    read (a linked case it answered stays readable until the transaction ends)."""
    if rule_of(table) is Rule.SUBTREE:
        return (scope.subtree_ids | scope.writable_ids) & scope.visible_ids
    return scope.visible_ids


def may_read(scope: Scope, table: str, tenant_id: int) -> bool:
    return isinstance(scope, PlatformScope) or tenant_id in readable_ids(scope, table)


def may_write(scope: Scope, tenant_id: int) -> bool:
    return isinstance(scope, PlatformScope) or tenant_id in scope.writable_ids
