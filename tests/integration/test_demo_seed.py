"""The demo's sample cases (``make run``): made in one transaction, all of them or none, and
a run after a failure makes them all (issue 9). On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tongban.adapters.db.api_models import WebhookDelivery
from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.case_models import Case, CaseEvent, CaseTask, ResultDocument, SealKeyRow
from tongban.adapters.db.unit_of_work import Database
from tongban.bootstrap import case_results
from tongban.config import load_settings
from tongban.core.errors import InvalidState
from tongban.services.cases import steps
from tongban.services.cases.runtime import CaseEnv, ResultSealer
from tongban.services.cases.simulation import (
    SAMPLE_COUNT,
    SAMPLE_KEY,
    offers,
    seed_sample_cases,
    submit,
)

SETTINGS = load_settings({"TONGBAN_SECRET_KEY": "s" * 40})
STATES = {
    "received 待受理": "received",
    "supplementing 补正中": "supplementing",
    "processing 办理中": "processing",
    "special_procedure 特别程序": "special_procedure",
    "escalated 上报市级": "processing",  # the county case waits for the city
    "joint 并联审批中": "processing",
    "concluded 办结（准予）": "concluded",
    "concluded 办结（不予许可）": "concluded",
    "rejected 不予受理": "rejected",
    "withdrawn 撤回": "withdrawn",
    "revoked 撤销（承诺不实）": "revoked",
}


@pytest.fixture
def sealer() -> ResultSealer:
    return case_results(SETTINGS)


def counts(db: Database) -> dict[str, int]:
    """Rows of what case commands write: cases, tasks, events, sealed results and the seal
    keys made for them, webhook deliveries."""
    with platform_unit_of_work(db, "test: count") as uow:
        return {
            table.__name__: uow.session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Case, CaseTask, CaseEvent, ResultDocument, SealKeyRow, WebhookDelivery)
        }


def statuses(db: Database, made: dict[str, str]) -> dict[str, str]:
    with platform_unit_of_work(db, "test: statuses") as uow:
        by_number = dict(
            uow.session.execute(
                select(Case.number, Case.status).where(Case.number.in_(made.values()))
            ).all()
        )
    return {label: by_number[number] for label, number in made.items()}


def sample_keys(db: Database) -> list[str]:
    with platform_unit_of_work(db, "test: keys") as uow:
        return sorted(
            key
            for key in uow.session.scalars(select(Case.idempotency_key))
            if key and key.startswith("tongban-demo-sample-")
        )


def _fails(*_args: Any, **_kwargs: Any) -> None:
    raise InvalidState("injected failure: the tenth sample case cannot be withdrawn")


def test_every_sample_case_in_one_go_and_then_never_again(demo: Database, env: CaseEnv) -> None:
    made = seed_sample_cases(demo, env)
    assert statuses(demo, made) == STATES  # none stuck half-way (e.g. 撤销 left at 决定)
    assert sample_keys(demo) == [SAMPLE_KEY.format(n) for n in range(1, SAMPLE_COUNT + 1)]
    before = counts(demo)
    assert seed_sample_cases(demo, env) == {}  # seeded: the next `make run` adds nothing
    assert counts(demo) == before


def test_a_failure_half_way_leaves_no_sample_case_and_the_next_run_makes_them_all(
    demo: Database, env: CaseEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = counts(demo)
    monkeypatch.setattr(steps, "withdraw_case", _fails)
    with pytest.raises(InvalidState, match="injected failure"):
        seed_sample_cases(demo, env)
    assert counts(demo) == empty  # nine cases were made and worked before it: all gone
    monkeypatch.undo()
    made = seed_sample_cases(demo, env)
    assert statuses(demo, made) == STATES


def test_cases_that_are_not_the_samples_do_not_count_as_seeded(
    demo: Database, env: CaseEnv
) -> None:
    """A case made otherwise (or by a seeding before this fix, which skipped on any case)
    does not stop the samples from being made."""
    someone = submit(demo, env, offers(demo, env)[0])
    made = seed_sample_cases(demo, env)
    assert statuses(demo, made) == STATES and someone not in made.values()
    assert counts(demo)["Case"] > SAMPLE_COUNT
