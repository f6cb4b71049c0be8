"""The case command path's storage: cases, their open tasks and their events, read and
written with prepared statements on the unit of work's own connection, so they share its
one transaction with anything the ORM writes in the same command (alerts, seals, webhooks).

Why not the ORM here: a case command touches three or four rows, and the ORM's unit of work
spent about 2 ms of Python on that where the statements themselves take about 0.07 ms
(docs/performance.md, docs/engine.md). Column lists come from the ORM's tables and every
value goes through SQLAlchemy's own type processors for the engine's dialect, so what this
writes is exactly what the ORM reads back, on SQLite and PostgreSQL.

- Rows become the core's ``Case`` and ``Task`` (core/cases/case.py) through one mapping
  (``case_of``, ``task_of``), for commands and for reads alike; the store remembers each
  row as read and ``flush`` writes the columns that differ. Replacing a JSON value is a
  change; changing one in place is not (assign a new list or dict).
- One record per row per unit of work (an identity map): a command that reaches a linked
  case (an escalation's answer, a joint matter's sub-case) sees the same objects.
- Optimistic versions: a case update checks and bumps ``row_version``; a lost race raises
  ``Conflict``. Commands also lock the case row on load (PostgreSQL ``FOR UPDATE``; SQLite's
  writer lock is taken when the unit of work begins).
- Tenant scope, by the case table's rule (visibility.py, as the ORM guard applies it): a
  case outside the unit of work's subtree is "not found"; a write to a tenant it may not write raises ``Forbidden``. The one
  exception is a case reached by a link (``by_link``): the link is the platform's relation.
- New cases are inserted at once (their id is needed); task and event rows and updates are
  written by ``flush``: before the commit, and before any ORM query in the same session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import Table, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import IntegrityError

from tongban.adapters.db import row_security, visibility
from tongban.adapters.db.case_models import Case as CaseRow
from tongban.adapters.db.case_models import (
    CaseEvent,
    CaseSerial,
    CaseTask,
    SupervisionAlert,
)
from tongban.adapters.db.models import Matter
from tongban.adapters.db.visibility import Scope
from tongban.core.cases.case import Case, CaseStatus, Task, TaskStatus
from tongban.core.cases.errors import CaseChangedMeanwhile, CaseRowsNotWritable

Processor = Callable[[Any], Any] | None


CASE_COLUMNS = tuple(c.name for c in CaseRow.__table__.columns)
TASK_COLUMNS = tuple(c.name for c in CaseTask.__table__.columns)
EVENT_COLUMNS = tuple(c.name for c in CaseEvent.__table__.columns if c.name != "id")


def case_of(row: Mapping[Any, Any]) -> Case:
    """The one mapping of a ``case`` row (column name → value, as SQLAlchemy's types read
    it) to the core model."""
    return _case({name: row[name] for name in CASE_COLUMNS})


def task_of(row: Mapping[Any, Any]) -> Task:
    """The one mapping of a ``case_task`` row to the core model."""
    return _task({name: row[name] for name in TASK_COLUMNS})


def _case(values: dict[str, Any]) -> Case:
    # the model's fields are the columns: filled directly, as the dataclass would (a command
    # loads a case and its tasks several times; __init__ with defaults costs ~10x this)
    case = object.__new__(Case)
    fields = case.__dict__
    fields.update(values)
    fields["status"] = CaseStatus(values["status"])
    fields["transitions"] = []
    return case


def _task(values: dict[str, Any]) -> Task:
    task = object.__new__(Task)
    task.__dict__.update(values)
    task.__dict__["status"] = TaskStatus(values["status"])
    return task


def case_columns() -> tuple[Any, ...]:
    """The ORM attributes of every ``case`` column, to select rows for ``case_of`` under
    the tenant guard (a select of ORM attributes builds no ORM objects)."""
    return tuple(getattr(CaseRow, name) for name in CASE_COLUMNS)


def task_columns() -> tuple[Any, ...]:
    return tuple(getattr(CaseTask, name) for name in TASK_COLUMNS)


def _row(model: Case | Task, columns: tuple[str, ...]) -> dict[str, Any]:
    values = model.__dict__
    row = {name: values[name] for name in columns}
    row["status"] = str(row["status"])
    return row


def _changed(model: Case | Task, seen: dict[str, Any]) -> list[str]:
    """The columns whose value differs from the row as read (a status enum equals its
    stored text); unchanged JSON is usually the very object read, so ``is`` answers first."""
    now = model.__dict__
    return [
        name
        for name, old in seen.items()
        if (new := now[name]) is not old and new != old and name != "id"
    ]


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


@dataclass(frozen=True)
class _Codec:
    """A table's SQL pieces and type processors for one dialect."""

    name: str  # quoted table name
    columns: tuple[str, ...]
    quoted: dict[str, str]
    binders: dict[str, Processor]
    readers: tuple[Processor, ...]
    placeholder: str

    @classmethod
    def of(cls, table: Table, dialect: Dialect) -> _Codec:
        quote = dialect.identifier_preparer.quote
        binders: dict[str, Processor] = {}
        readers: list[Processor] = []
        for column in table.columns:
            impl = column.type.dialect_impl(dialect)
            binders[column.name] = impl.bind_processor(dialect)
            readers.append(impl.result_processor(dialect, None))
        return cls(
            name=quote(table.name),
            columns=tuple(c.name for c in table.columns),
            quoted={c.name: quote(c.name) for c in table.columns},
            binders=binders,
            readers=tuple(readers),
            placeholder="?" if dialect.paramstyle == "qmark" else "%s",
        )

    def select(self) -> str:
        return f"SELECT {', '.join(self.quoted[c] for c in self.columns)} FROM {self.name}"

    def decode(self, row: Sequence[Any]) -> dict[str, Any]:
        return {
            name: (value if reader is None or value is None else reader(value))
            for name, reader, value in zip(self.columns, self.readers, row, strict=True)
        }

    def params(self, columns: Iterable[str], values: dict[str, Any]) -> list[Any]:
        """``values`` of ``columns`` as the driver takes them."""
        binders = self.binders
        out = []
        for name in columns:
            value = values[name]
            if value is not None:
                binder = binders[name]
                if binder is not None:
                    value = binder(value)
            out.append(value)
        return out


class _Dialect:
    """Everything dialect-specific, built once per dialect and process."""

    _built: ClassVar[dict[int, _Dialect]] = {}

    def __init__(self, dialect: Dialect) -> None:
        self.sqlite = dialect.name == "sqlite"
        self.case = _Codec.of(CaseRow.__table__, dialect)  # type: ignore[arg-type]
        self.task = _Codec.of(CaseTask.__table__, dialect)  # type: ignore[arg-type]
        self.event = _Codec.of(CaseEvent.__table__, dialect)  # type: ignore[arg-type]
        self.integrity_error: type[Exception] = dialect.dbapi.IntegrityError  # type: ignore[union-attr]
        p = self.case.placeholder
        lock = "" if self.sqlite else " FOR UPDATE"
        self.case_by_number = f"{self.case.select()} WHERE number = {p}"
        self.case_by_number_locked = self.case_by_number + lock
        self.case_by_id = f"{self.case.select()} WHERE id = {p}"
        self.case_by_id_locked = self.case_by_id + lock
        self.case_by_key = f"{self.case.select()} WHERE tenant_id = {p} AND idempotency_key = {p}"
        self.open_tasks = (
            f"{self.task.select()} WHERE case_id = {p} AND status = 'open' ORDER BY id"
        )
        self.done_tasks = (
            f"{self.task.select()} WHERE case_id = {p} AND status = 'done' AND kind = 'task' "
            "ORDER BY id"
        )
        names = ", ".join(self.event.quoted[c] for c in EVENT_COLUMNS)
        values = ", ".join(p for _ in EVENT_COLUMNS)
        self.insert_event = f"INSERT INTO {self.event.name} ({names}) VALUES ({values})"
        alert = _table(SupervisionAlert)
        self.chain_tail = (
            f"SELECT a.n, e.* FROM (SELECT count(*) AS n FROM {alert.name} "
            f"WHERE case_id = {p} AND kind = {p}) a LEFT JOIN "
            f"({self.event.select()} WHERE case_id = {p} ORDER BY seq DESC LIMIT 1) e ON 1 = 1"
        )
        matter = _table(Matter)
        self.published = (
            f"SELECT id, published_version FROM {matter.name} WHERE tenant_id = {p} "
            f"AND kind = 'implementation' AND code = {p}"
        )
        serial = _table(CaseSerial)
        self.next_serial = (
            f"INSERT INTO {serial.name} (implementation_code, day, last) VALUES ({p}, {p}, 1) "
            f"ON CONFLICT (implementation_code, day) DO UPDATE SET last = {serial.name}.last + 1 "
            "RETURNING last"
        )
        self._inserts: dict[tuple[str, tuple[str, ...]], str] = {}
        self._updates: dict[tuple[str, tuple[str, ...]], str] = {}

    @classmethod
    def of(cls, dialect: Dialect) -> _Dialect:
        found = cls._built.get(id(dialect))
        if found is None:
            found = cls._built[id(dialect)] = cls(dialect)
        return found

    def insert(self, codec: _Codec, columns: tuple[str, ...]) -> str:
        sql = self._inserts.get((codec.name, columns))
        if sql is None:
            names = ", ".join(codec.quoted[c] for c in columns)
            values = ", ".join(codec.placeholder for _ in columns)
            sql = f"INSERT INTO {codec.name} ({names}) VALUES ({values})"
            if not self.sqlite:
                sql += " RETURNING id"
            self._inserts[(codec.name, columns)] = sql
        return sql

    def update(self, codec: _Codec, columns: tuple[str, ...], *, versioned: bool) -> str:
        sql = self._updates.get((codec.name, columns))
        if sql is None:
            p = codec.placeholder
            sets = ", ".join(f"{codec.quoted[c]} = {p}" for c in columns)
            where = f"id = {p}" + (f" AND row_version = {p}" if versioned else "")
            sql = f"UPDATE {codec.name} SET {sets} WHERE {where}"
            self._updates[(codec.name, columns)] = sql
        return sql


class SerialSource:
    """Daily serials on PostgreSQL, each taken in a transaction of its own on a pool of its
    own. Taken inside the submitting transaction, the serial row's lock would be held until
    that commits, and every submission of the same implementation that day would wait for
    the one before it. The price: a submission that fails after taking its serial leaves a
    gap in the day's numbers. Numbers stay unique and increasing. The pool is separate
    so that a request holding a connection of the main pool never waits for a second one.

    Its commits do not wait for the disk (``synchronous_commit = off``), so the row lock is
    held for microseconds rather than a flush. That loses nothing: the case that uses a
    serial commits later with a flush, and PostgreSQL's log is written in order, so a case
    on disk means its serial is too; a serial lost in a crash belonged to no stored case."""

    def __init__(self, engine: Engine) -> None:
        self._pool = engine.pool.recreate()  # same connection settings, separate connections
        event.listen(self._pool, "connect", _commit_without_flush)
        self._sql = _Dialect.of(engine.dialect).next_serial

    def next(self, implementation_code: str, day: str) -> int:
        connection = self._pool.connect()
        try:
            cursor: Any = connection.cursor()  # the driver's (DB-API, untyped)
            cursor.execute(self._sql, (implementation_code, day))
            serial = int(cursor.fetchone()[0])
            cursor.close()
            connection.commit()
        finally:
            connection.close()  # back to the pool, rolled back if the commit was not reached
        return serial

    def dispose(self) -> None:
        self._pool.dispose()


def _commit_without_flush(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET synchronous_commit TO off")
    cursor.close()
    dbapi_connection.commit()


class CaseStore:
    """Cases of one unit of work (``UnitOfWork.cases``)."""

    def __init__(
        self, session: Any, scope: Callable[[], Scope], serials: SerialSource | None = None
    ) -> None:
        self._session = session
        self._scope = scope
        self._serials = serials
        self._sql = _Dialect.of(session.get_bind().dialect)
        self._reset()

    def _reset(self) -> None:
        self._cursor: Any = None
        self._cases: dict[int, Case] = {}
        self._seen: dict[int, dict[str, Any]] = {}  # id(model) → its row as last read/written
        self._open: dict[int, list[Task]] = {}
        self._new_tasks: list[Task] = []
        self._known_tasks: list[Task] = []
        self._events: list[tuple[Any, ...]] = []

    def forget(self) -> None:
        """The transaction ended (commit or rollback): nothing held is current any more."""
        self._reset()

    # --- reading ---------------------------------------------------------------------

    def by_number(self, number: str, *, lock: bool = True) -> Case | None:
        sql = self._sql.case_by_number_locked if lock else self._sql.case_by_number
        return self._one(sql, (number,))

    def by_id(self, case_id: int, *, lock: bool = True) -> Case | None:
        held = self._cases.get(case_id)
        if held is not None:
            return held
        return self._one(self._sql.case_by_id_locked if lock else self._sql.case_by_id, (case_id,))

    def by_link(self, case_id: int, *, lock: bool = True) -> Case | None:
        """A case reached through a link from a case already loaded here (its
        ``origin_case_id`` or ``joint_case_id``, a task's ``linked_case_id``), locked unless
        ``lock`` is False, whatever this unit of work may see: links between cases are the
        platform's relations, not the actor's. Only ids read from such a link, never one
        from a request."""
        held = self._cases.get(case_id)
        if held is not None:
            return held
        sql = self._sql.case_by_id_locked if lock else self._sql.case_by_id
        row = self._execute(sql, (case_id,)).fetchone()
        if row is None:
            return None
        return self._hold(self._sql.case.decode(row))

    def by_idempotency_key(self, tenant_id: int, key: str) -> Case | None:
        return self._one(self._sql.case_by_key, (tenant_id, key))

    def published_version(self, tenant_id: int, code: str) -> tuple[int, int] | None:
        """The tenant's implementation ``code``: (matter id, published version), if any."""
        if not visibility.may_read(self._scope(), "matter", tenant_id):
            return None
        row = self._execute(self._sql.published, (tenant_id, code)).fetchone()
        if row is None or row[1] is None:
            return None
        return int(row[0]), int(row[1])

    def chain_tail(self, case: Case, alert_kind: str) -> tuple[bool, dict[str, Any] | None]:
        """In one statement: whether an alert of ``alert_kind`` was raised on the case, and
        its last stored event (columns by name; None if it has none)."""
        if self._events:
            self.flush()
        row = self._execute(self._sql.chain_tail, (case.id, alert_kind, case.id)).fetchone()
        last = self._sql.event.decode(row[1:]) if row[1] is not None else None
        return bool(row[0]), last

    def open_tasks(self, case: Case) -> list[Task]:
        """The case's open tasks in the order they opened; the list is the store's own."""
        key = case.key
        tasks = self._open.get(key)
        if tasks is None:
            codec = self._sql.task
            rows = self._execute(self._sql.open_tasks, (key,)).fetchall()
            tasks = [self._held_task(codec.decode(row)) for row in rows]
            self._known_tasks.extend(tasks)
            self._open[key] = tasks
        return tasks

    def done_tasks(self, case: Case) -> list[Task]:
        """Completed human steps, oldest first (what an escalation carries up)."""
        self.flush()
        codec = self._sql.task
        rows = self._execute(self._sql.done_tasks, (case.id,)).fetchall()
        return [_task(codec.decode(row)) for row in rows]

    def _one(self, sql: str, params: tuple[Any, ...]) -> Case | None:
        row = self._execute(sql, params).fetchone()
        if row is None:
            return None
        values = self._sql.case.decode(row)
        held = self._cases.get(values["id"])
        if held is not None:
            return held
        if not visibility.may_read(self._scope(), "case", values["tenant_id"]):
            return None
        return self._hold(values)

    def _hold(self, values: dict[str, Any]) -> Case:
        case = _case(values)
        self._seen[id(case)] = values  # as read: what flush compares the model with
        self._cases[values["id"]] = case
        return case

    def _held_task(self, values: dict[str, Any]) -> Task:
        task = _task(values)
        self._seen[id(task)] = values
        return task

    # --- writing ---------------------------------------------------------------------

    def next_serial(self, implementation_code: str, day: str) -> int:
        """The day's next serial for the implementation (one atomic upsert): in this
        transaction on SQLite (one writer at a time anyway), in its own on PostgreSQL."""
        if self._serials is not None:
            return self._serials.next(implementation_code, day)
        return int(self._execute(self._sql.next_serial, (implementation_code, day)).fetchone()[0])

    def add_case(self, case: Case) -> Case:
        """Insert at once: the id is needed by what follows. A duplicate idempotency key or
        number raises SQLAlchemy's ``IntegrityError``."""
        self._check_writable(case.tenant_id)
        codec = self._sql.case
        columns = tuple(c for c in codec.columns if c != "id")
        row = _row(case, CASE_COLUMNS)
        params = tuple(codec.params(columns, row))
        sql = self._sql.insert(codec, columns)
        try:
            cursor = self._execute(sql, params)
        except self._sql.integrity_error as exc:
            raise IntegrityError(sql, params, exc) from exc
        case.id = row["id"] = cursor.lastrowid if self._sql.sqlite else cursor.fetchone()[0]
        self._seen[id(case)] = row
        self._cases[case.id] = case
        self._open[case.id] = []
        return case

    def add_task(self, case: Case, task: Task) -> None:
        """A new open task of ``case`` (inserted by ``flush``)."""
        self._check_writable(task.tenant_id)
        self.open_tasks(case).append(task)
        self._new_tasks.append(task)

    def close_tasks(self, case: Case, gone: Iterable[Task]) -> None:
        """Drop tasks that are no longer open from the case's open list."""
        ids = {id(t) for t in gone}
        tasks = self._open.get(case.key)
        if tasks is not None:
            tasks[:] = [t for t in tasks if id(t) not in ids]

    def add_event(self, values: dict[str, Any]) -> None:
        self._check_writable(values["tenant_id"])
        codec = self._sql.event
        self._events.append(tuple(codec.params(EVENT_COLUMNS, values)))

    def flush(self) -> None:
        """Write what changed: case updates (version-checked), new and changed tasks, events."""
        for case in self._cases.values():
            self._update_case(case)
        task_codec = self._sql.task
        for task in self._known_tasks:
            self._update_task(task)
        if self._new_tasks:
            columns = tuple(c for c in task_codec.columns if c != "id")
            sql = self._sql.insert(task_codec, columns)
            for task in self._new_tasks:
                self._check_writable(task.tenant_id)
                row = _row(task, TASK_COLUMNS)
                cursor = self._execute(sql, tuple(task_codec.params(columns, row)))
                task.id = row["id"] = cursor.lastrowid if self._sql.sqlite else cursor.fetchone()[0]
                self._seen[id(task)] = row
            self._known_tasks.extend(self._new_tasks)
            self._new_tasks = []
        if self._events:
            for params in self._events:
                self._execute(self._sql.insert_event, params)
            self._events = []

    def _update_case(self, case: Case) -> None:
        seen = self._seen[id(case)]
        changed = _changed(case, seen)
        if not changed:
            return
        row = _row(case, CASE_COLUMNS)
        self._check_writable(case.tenant_id)
        codec = self._sql.case
        columns = (*sorted(set(changed) - {"row_version"}), "row_version")
        old = seen["row_version"]
        case.row_version = row["row_version"] = old + 1
        params = (*codec.params(columns, row), case.id, old)
        cursor = self._execute(self._sql.update(codec, columns, versioned=True), params)
        if cursor.rowcount != 1:
            raise CaseChangedMeanwhile(case.number)
        self._seen[id(case)] = row

    def _update_task(self, task: Task) -> None:
        seen = self._seen[id(task)]
        changed = _changed(task, seen)
        if not changed:
            return
        row = _row(task, TASK_COLUMNS)
        self._check_writable(task.tenant_id)
        codec = self._sql.task
        columns = tuple(sorted(changed))
        params = (*codec.params(columns, row), task.id)
        self._execute(self._sql.update(codec, columns, versioned=False), params)
        self._seen[id(task)] = row

    def _check_writable(self, tenant_id: int) -> None:
        if not visibility.may_write(self._scope(), tenant_id):
            raise CaseRowsNotWritable(tenant_id)

    # --- the connection --------------------------------------------------------------

    def transaction_ended(self) -> None:
        """The session's transaction ended: the next statement starts a new one."""
        self._cursor = None

    def _cursor_now(self) -> Any:
        if self._cursor is None:
            connection = self._session.connection()  # begins the transaction
            self._cursor = connection.connection.driver_connection.cursor()
        return self._cursor

    def _execute(self, sql: str, params: tuple[Any, ...]) -> Any:
        cursor = self._cursor_now()
        try:
            cursor.execute(sql, params)
        except Exception as error:
            if row_security.is_refusal(error):
                raise row_security.refusal() from error
            raise
        return cursor
