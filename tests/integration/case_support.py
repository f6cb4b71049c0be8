"""Shared set-up for case scenarios: the demo tree on each backend, a movable clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tongban.adapters.db.unit_of_work import Database
from tongban.core.form_samples import sample_instance
from tongban.services.actors import Actor, actor_for
from tongban.services.cases import intake
from tongban.services.cases.intake import Application
from tongban.services.cases.runtime import CaseEnv
from tongban.services.cases.views import CaseView

DEMO = Path(__file__).resolve().parents[2] / "tenants"
CST = dt.timezone(dt.timedelta(hours=8))
PASSWORD = "test-password-123"  # every demo login's, in the web tests
YILAN = "100000/230000/230100/230123"  # 依兰县's place in the demo tree
DRUG = "000172111003"  # 药品零售企业经营许可: a county licence, implemented at 依兰县


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, day: str, hour: int = 10) -> None:
        self.now = dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CST)


def matter_file(tenant_path: str, code: str) -> dict[str, Any]:
    path = DEMO / tenant_path / "matters" / f"{code}.implementation.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def application(tenant_path: str, code: str, **changes: Any) -> Application:
    doc = matter_file(tenant_path, code)
    materials = [m["code"] for m in doc["materials"]]
    form = sample_instance(doc["form"])
    form.update(changes.pop("form", {}))
    return Application(
        matter_code=code,
        applicant_name="黑龙江示例科技有限公司",
        applicant_id="91110000600037341L",
        applicant_kind="legal_person",
        form_data=form,
        materials=materials,
        **changes,
    )


def submit(
    db: Database, env: CaseEnv, tenant: str, app: Application, actor: Actor | None = None
) -> CaseView:
    with db.for_tenant(tenant) as uow:
        return intake.submit_application(uow, env, actor or Actor.applicant(app.applicant_id), app)


def user(db: Database, username: str) -> Actor:
    return actor_for(db, username)


def accepted_drug_case(db: Database, env: CaseEnv) -> str:
    """A 药品零售企业经营许可 case at 依兰县, submitted and accepted by its window clerk."""
    number = submit(db, env, "230123", application(YILAN, DRUG)).number
    with db.for_tenant("230123") as uow:
        intake.accept_case(uow, env, user(db, "yilan_clerk"), number)
    return number
