"""A ``tenants/`` tree as data (docs/configuration.md): what the files adapter reads from
and writes to disk, and what loading into and exporting from the database take and give."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tongban.core.calendar_doc import ArrangementDoc
from tongban.core.documents import MatterDoc, TenantDoc
from tongban.core.errors import Violation
from tongban.core.tenancy import TenantRef


@dataclass(frozen=True)
class TenantNode:
    """What ``write_tree`` writes for one tenant. Parents need not come before children."""

    tenant: TenantDoc
    parent_code: str | None
    matters: tuple[MatterDoc, ...] = ()
    calendars: tuple[ArrangementDoc, ...] = ()  # official arrangements, one per year


@dataclass(frozen=True)
class LoadedMatter:
    """One matter file. ``kind`` and ``code`` come from the file name; ``doc`` is None when
    the file did not parse (its problems are in the snapshot's violations)."""

    kind: str
    code: str
    path: str  # relative to the root, with forward slashes
    raw: Any
    doc: MatterDoc | None


@dataclass(frozen=True)
class LoadedTenant:
    doc: TenantDoc
    ref: TenantRef
    path: str  # the tenant.yaml, relative to the root
    matters: tuple[LoadedMatter, ...] = ()
    calendars: tuple[ArrangementDoc, ...] = ()

    @property
    def parent_code(self) -> str | None:
        return self.ref.parent_code


@dataclass(frozen=True)
class TreeSnapshot:
    tenants: tuple[LoadedTenant, ...]  # parents before children
    violations: tuple[Violation, ...]  # every problem found reading single files
    # matter files of tenants whose tenant.yaml is broken: checked alone, never loaded
    orphan_matters: tuple[LoadedMatter, ...] = ()

    def nodes(self) -> list[TenantNode]:
        """The parsed tenants and matters, as ``write_tree`` (and a database load) take them."""
        return [
            TenantNode(
                t.doc,
                t.parent_code,
                tuple(m.doc for m in t.matters if m.doc is not None),
                t.calendars,
            )
            for t in self.tenants
        ]
