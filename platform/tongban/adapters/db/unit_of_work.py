"""Units of work. ``Database.for_tenant(code)`` is the only way services get a session."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import TracebackType

from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from tongban.adapters.db import row_security, tenant_guard
from tongban.adapters.db.case_store import CaseStore, SerialSource
from tongban.adapters.db.engine import WRITE_INTENT, make_engine
from tongban.adapters.db.models import Tenant
from tongban.adapters.db.repositories import (
    DepartmentRepository,
    MatterRepository,
    TenantRepository,
    tenant_ref,
)
from tongban.adapters.db.tenant_guard import PlatformScope, Scope, TenantScope
from tongban.core.cases.case import Case
from tongban.core.errors import NotFound
from tongban.core.tenancy import TenantRef

SCOPE_TTL_SECONDS = 60.0
"""How long a tenant's lineage is cached: another process's tree change is seen within it."""


class UnitOfWork:
    """One transaction. Nothing is written unless ``commit()`` is called; leaving the
    ``with`` block without committing (or with an exception) rolls everything back."""

    def __init__(
        self,
        session: Session,
        scope: Scope,
        tenant: TenantRef | None,
        on_tree_change: Callable[[], None] | None = None,
        serials: SerialSource | None = None,
        cache_key: str = "",
    ) -> None:
        self.session = session
        self.cache_key = cache_key  # the database's, for per-process caches of its rows
        self._serials = serials
        self._on_tree_change = on_tree_change
        self._tree_changed = False
        self.scope = scope
        self.tenant = tenant  # None only in platform scope
        self.tenants = TenantRepository(session)
        self.departments = DepartmentRepository(session)
        self.matters = MatterRepository(session)
        self._cases: CaseStore | None = None

    @property
    def cases(self) -> CaseStore:
        """The case command path's store, sharing this unit of work's transaction."""
        if self._cases is None:
            self._cases = CaseStore(self.session, lambda: self.scope, self._serials)
            self.session.info[_STORE] = self._cases
        return self._cases

    @property
    def tenant_id(self) -> int:
        if not isinstance(self.scope, TenantScope):
            raise RuntimeError("platform unit of work has no tenant")
        return self.scope.tenant_id

    def grant_write(self, tenant_id: int) -> None:
        """Let this unit of work write rows of a descendant (a parent's review verdict)."""
        if isinstance(self.scope, TenantScope):
            if tenant_id not in self.scope.visible_ids:
                raise NotFound("tenant", tenant_id)
            self._set_scope(replace(self.scope, writable_ids=self.scope.writable_ids | {tenant_id}))

    @contextmanager
    def linked_case(self, case: Case) -> Iterator[Case | None]:
        """The case ``case`` was started for (its escalation origin or joint case), locked,
        whatever this unit of work's scope: a link between cases is the platform's relation,
        not the actor's (a city key made without its descendants still answers the county).
        Inside the block the scope also sees that case's tenant and its ancestors (its
        definitions, calendar and seal keys) and may write that tenant's rows; after it, reads
        are the actor's again, and the write grant lasts until the transaction ends so that
        what the block changed is written. None when the link leads nowhere."""
        link = case.origin_case_id or case.joint_case_id
        linked = None if link is None else self.cases.by_link(link)
        before = self.scope
        if linked is None or not isinstance(before, TenantScope):
            yield linked
            return
        tenant = self.tenants.by_id(linked.tenant_id)
        lineage = {t.id for t in self.tenants.ancestors(tenant)} | {tenant.id}
        self._set_scope(
            replace(
                before,
                visible_ids=before.visible_ids | lineage,
                subtree_ids=before.subtree_ids | {tenant.id},  # the link's grant
                writable_ids=before.writable_ids | {tenant.id},
            )
        )
        try:
            yield linked
        finally:
            after = self.scope
            writable = after.writable_ids if isinstance(after, TenantScope) else before.writable_ids
            self._set_scope(replace(before, writable_ids=writable))

    @contextmanager
    def reading_linked(self, linked: Case) -> Iterator[None]:
        """Inside the block, reads also see the tenant of ``linked`` — a case reached through
        a link (``CaseStore.by_link``) — and its ancestors; nothing more may be written, and
        afterwards the scope is the actor's again. For what one level's case shows of the
        other's (the one sealed decision, where the applicant collects it)."""
        before = self.scope
        if not isinstance(before, TenantScope):
            yield
            return
        tenant = self.tenants.by_id(linked.tenant_id)
        lineage = {t.id for t in self.tenants.ancestors(tenant)} | {tenant.id}
        self._set_scope(
            replace(
                before,
                visible_ids=before.visible_ids | lineage,
                subtree_ids=before.subtree_ids | {tenant.id},  # the link's grant
            )
        )
        try:
            yield
        finally:
            self._set_scope(before)

    def _set_scope(self, scope: Scope) -> None:
        self.scope = scope
        self.session.info["scope"] = scope
        row_security.reapply(self.session)

    def tree_changed(self) -> None:
        """Tenants were added or moved: cached lineages are dropped when this commits."""
        self._tree_changed = True

    def commit(self) -> None:
        if self._cases is not None:
            self._cases.flush()
        self.session.commit()
        if self._cases is not None:
            self._cases.forget()
        if self._tree_changed and self._on_tree_change is not None:
            self._on_tree_change()
            self._tree_changed = False

    def rollback(self) -> None:
        self.session.rollback()
        if self._cases is not None:
            self._cases.forget()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self.session.close()


_STORE = "tongban_case_store"


def _flush_case_store(state: ORMExecuteState) -> None:
    """An ORM query sees what the case store has pending, as ORM autoflush would."""
    store = state.session.info.get(_STORE)
    if store is not None:
        store.flush()


def _case_store_transaction_ended(session: Session, _transaction: object) -> None:
    store = session.info.get(_STORE)
    if store is not None:
        store.transaction_ended()


class Database:
    def __init__(self, url: str, *, engine: Engine | None = None, role: str | None = None) -> None:
        """``role``: on PostgreSQL, the role every connection takes (``SET ROLE``), held by
        row-level security (row_security.py); migrations use their own engine."""
        self.url = url
        self.engine = engine or make_engine(url)
        row_security.install_engine(self.engine, role)
        row_security.install_session_hook()
        # per-process caches of rows (tenants, calendars, webhook subscriptions) are keyed by
        # the database they came from (the URL rendered once: it is not cheap per command)
        self.cache_key = str(self.engine.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(**{WRITE_INTENT: True}), expire_on_commit=False
        )
        # per tenant code: (expiry, scope with descendants, scope without them, ref); the
        # tree changes only through ``tree_changed`` callers
        self._scopes: dict[str, tuple[float, TenantScope, TenantScope, TenantRef]] = {}
        self._serials = None if self.engine.dialect.name == "sqlite" else SerialSource(self.engine)
        tenant_guard.install(Session)
        if not event.contains(Session, "do_orm_execute", _flush_case_store):
            event.listen(Session, "do_orm_execute", _flush_case_store)
            event.listen(Session, "after_transaction_end", _case_store_transaction_ended)

    def for_tenant(self, code: str, *, readonly: bool = False, subtree: bool = True) -> UnitOfWork:
        """A unit of work scoped to ``code``'s lineage. Commands use the default; reads
        that never write may pass ``readonly=True`` (no write lock on SQLite).
        ``subtree=False`` leaves the descendants out (an API key not granted them)."""
        session = self._sessions() if readonly else self._write_sessions()
        cached = self._scopes.get(code)
        if cached is None or cached[0] < time.monotonic():
            try:
                cached = (time.monotonic() + SCOPE_TTL_SECONDS, *self._scope_of(session, code))
            except NotFound:
                session.close()
                raise
            self._scopes[code] = cached
        _, with_subtree, own_lineage, ref = cached
        scope = with_subtree if subtree else own_lineage
        session.info["scope"] = scope
        row_security.reapply(session)  # the lineage's read may have begun the transaction
        return UnitOfWork(session, scope, ref, self.tree_changed, self._serials, self.cache_key)

    def _scope_of(self, session: Session, code: str) -> tuple[TenantScope, TenantScope, TenantRef]:
        """``code``'s scope with its descendants, without them, and the tenant itself."""
        tenant = session.scalar(select(Tenant).where(Tenant.code == code))
        if tenant is None:
            raise NotFound("tenant", code)
        ancestors = [p for p in tenant.path.split("/") if p]
        rows = session.execute(
            select(Tenant.id, Tenant.code).where(
                Tenant.path.startswith(tenant.path) | Tenant.code.in_(ancestors)
            )
        ).all()
        own = frozenset({tenant.id})
        ref = tenant_ref(tenant)
        chain = set(ref.path)
        lineage = frozenset(row.id for row in rows)
        up = frozenset(row.id for row in rows if row.code in chain)
        below = frozenset(row.id for row in rows if row.code not in chain) | own
        return (
            TenantScope(tenant.id, tenant.code, lineage, own, subtree_ids=below),
            TenantScope(tenant.id, tenant.code, up, own, subtree_ids=own),
            ref,
        )

    def tree_changed(self) -> None:
        """Forget cached scopes: tenants were added or moved (``tongban load``)."""
        self._scopes.clear()

    def _platform_unit_of_work(self, reason: str, *, write: bool = False) -> UnitOfWork:
        """Every tenant's rows: only through bypass.py, from the homes it lists."""
        session = self._write_sessions() if write else self._sessions()
        scope = PlatformScope(reason)
        session.info["scope"] = scope
        return UnitOfWork(session, scope, None, self.tree_changed, self._serials, self.cache_key)

    @contextmanager
    def one_transaction(self) -> Iterator[Database]:
        """This database as seen from inside one transaction, for a batch of commands that
        must apply all together or not at all although each commits its own unit of work
        (the demo's sample cases). Every unit of work of the view runs in a SAVEPOINT of the
        one transaction, so its ``commit()`` keeps its work for the batch, and its rollback
        undoes only itself; the batch commits when the block ends and rolls everything back
        if it raises. The view shares this database's engine: do not dispose it."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(**{WRITE_INTENT: True})
            with connection.begin():  # SQLite: BEGIN IMMEDIATE, the writer lock for the batch
                yield self._joined(connection)

    def _joined(self, connection: Connection) -> Database:
        view = copy.copy(self)
        joined = sessionmaker(
            connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        view._sessions = view._write_sessions = joined
        view._scopes = {}
        return view

    def unscoped_session(self) -> Session:
        """A session with no scope: any tenant-scoped query in it raises (for tests)."""
        return self._sessions()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._serials is not None:
            self._serials.dispose()
