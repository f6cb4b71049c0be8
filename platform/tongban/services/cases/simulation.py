"""Cases for the demo and for load: sample cases in every state (``make run``) and
``tongban simulate --cases N``, which pushes N cases through the demo matters."""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.case_models import Case
from tongban.adapters.db.models import Matter
from tongban.adapters.db.unit_of_work import Database
from tongban.core.applicants import ApplicantKind
from tongban.core.form_samples import sample_instance
from tongban.services.actors import Actor
from tongban.services.cases import commitment, intake, pauses, steps
from tongban.services.cases.definitions import published_implementation
from tongban.services.cases.driver import holder, open_steps, work_case, work_step
from tongban.services.cases.intake import Application
from tongban.services.cases.runtime import CaseEnv

APPLICANT = ("黑龙江示例科技有限公司", "91110000600037341L")  # a company: its USCC
APPLICANT_KIND = ApplicantKind.LEGAL_PERSON


@dataclass(frozen=True)
class Offer:
    """A published implementation a case can be submitted to."""

    tenant_code: str
    matter_code: str
    name: str


def offers(db: Database, env: CaseEnv) -> list[Offer]:
    """Implementations that take applications directly (not only as another's sub-case)."""
    with platform_unit_of_work(db, "simulation: offers") as uow:
        found = []
        for matter in uow.session.scalars(
            select(Matter)
            .where(Matter.kind == "implementation", Matter.published_version.is_not(None))
            .order_by(Matter.tenant_id, Matter.code)
        ):
            tenant = uow.tenants.by_id(matter.tenant_id)
            found.append(Offer(tenant.code, matter.code, matter.name))
        return found


def application_for(
    db: Database, env: CaseEnv, offer: Offer, key: str | None = None
) -> Application:
    with platform_unit_of_work(db, "simulation: form") as uow:
        tenant = uow.tenants.get(offer.tenant_code)
        _, pinned = published_implementation(uow, env.schemas, tenant, offer.matter_code)
        spec = pinned.doc.spec
    return Application(
        matter_code=offer.matter_code,
        applicant_name=APPLICANT[0],
        applicant_id=APPLICANT[1],
        applicant_kind=APPLICANT_KIND,
        form_data=sample_instance(spec.form),
        materials=[m.code for m in spec.materials],
        idempotency_key=key,
        commitment=spec.notify_and_commit,
    )


def submit(db: Database, env: CaseEnv, offer: Offer, key: str | None = None) -> str:
    app = application_for(db, env, offer, key)
    with db.for_tenant(offer.tenant_code) as uow:
        return intake.submit_application(uow, env, Actor.applicant(app.applicant_id), app).number


@dataclass
class SimulationSummary:
    cases: int = 0
    steps: int = 0
    seconds: float = 0.0
    by_matter: Counter[str] = field(default_factory=Counter)
    by_outcome: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        rate = self.cases / self.seconds if self.seconds else 0.0
        lines = [
            f"{self.cases} case(s), {self.steps} step(s) in {self.seconds:.1f} s "
            f"({rate:.1f} cases/s)",
            "outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_outcome.items())),
            "by matter:",
            *(f"  {v:5d}  {k}" for k, v in self.by_matter.most_common()),
        ]
        return "\n".join(lines)


def simulate(
    db: Database,
    env: CaseEnv,
    cases: int,
    *,
    seed: int = 2026,
    progress: Callable[[int], None] | None = None,
) -> SimulationSummary:
    """Push ``cases`` cases through the demo matters: most approved, some denied, a few
    withdrawn by the applicant."""
    rng = random.Random(seed)
    choices = offers(db, env)
    summary = SimulationSummary()
    started = time.perf_counter()
    for _ in range(cases):
        offer = rng.choice(choices)
        number = submit(db, env, offer)
        roll = rng.random()
        if roll < 0.05:
            with db.for_tenant(offer.tenant_code) as uow:
                steps.withdraw_case(uow, env, Actor.applicant(APPLICANT[1]), number, "申请人撤回")
            outcome = "withdrawn"
        else:
            approve = roll >= 0.15
            summary.steps += work_case(db, env, number, approve=approve)
            outcome = "approved" if approve else "denied"
        summary.cases += 1
        summary.by_matter[f"{offer.tenant_code} {offer.name}"] += 1
        summary.by_outcome[outcome] += 1
        if progress:
            progress(1)
    summary.seconds = time.perf_counter() - started
    return summary


SAMPLE_KEY = "tongban-demo-sample-{:02d}"
"""The idempotency key of the demo's n-th sample case: together they say it is seeded."""
SAMPLE_COUNT = 11


def seed_sample_cases(db: Database, env: CaseEnv) -> dict[str, str]:
    """One case in every state, for the demo (``make run``): all of them or none.

    The sample cases are made in one transaction (``Database.one_transaction``: each
    command's unit of work is a savepoint of it), so a failure half-way leaves none, and
    the next run makes them all. Each carries its own idempotency key, written with it: the
    demo is seeded when every key is there, and then this does nothing and returns {}.
    """
    with db.one_transaction() as batch:
        if _seeded(batch):
            return {}
        made = _make_samples(batch, env)
        if len(made) != SAMPLE_COUNT:  # a sample added without its key: make none
            raise RuntimeError(f"{len(made)} sample cases made, SAMPLE_COUNT is {SAMPLE_COUNT}")
        return made


def _seeded(db: Database) -> bool:
    keys = [SAMPLE_KEY.format(n) for n in range(1, SAMPLE_COUNT + 1)]
    with platform_unit_of_work(db, "simulation: sample cases seeded?") as uow:
        found = uow.session.scalar(
            select(func.count()).select_from(Case).where(Case.idempotency_key.in_(keys))
        )
    return found == SAMPLE_COUNT


def _make_samples(db: Database, env: CaseEnv) -> dict[str, str]:
    serials = itertools.count(1)

    def new(offer: Offer) -> str:
        return submit(db, env, offer, SAMPLE_KEY.format(next(serials)))

    by_code = {(o.tenant_code, o.matter_code): o for o in offers(db, env)}
    drug = by_code[("230123", "000172111003")]
    food = by_code[("230123", "HLXK00000201")]
    joint = by_code[("230123", "LH2300000001")]
    trade = by_code[("230621", "000131064004")]
    made: dict[str, str] = {}
    made["received 待受理"] = new(drug)

    number = new(drug)
    clerk = holder(db, "230123", "zwfw", "clerk")
    with db.for_tenant("230123") as uow:
        pauses.request_supplement(
            uow,
            env,
            clerk,
            number,
            [
                pauses.SupplementItem("M003", "营业执照复印件不清晰，请重新提交"),
                pauses.SupplementItem("/contactMobile", "联系电话无法接通"),
            ],
        )
    made["supplementing 补正中"] = number

    number = new(drug)
    _work_until(db, env, number, lambda step: step.step != "accept")
    made["processing 办理中"] = number

    number = new(drug)
    _work_until(db, env, number, lambda step: step.step != "accept")
    reviewer = holder(db, "230123", "scjgj", "reviewer")
    with db.for_tenant("230123") as uow:
        pauses.start_special_procedure(
            uow, env, reviewer, number, "expert_review", "经营场所需专家评审", 10
        )
    made["special_procedure 特别程序"] = number

    number = new(food)
    _work_until(
        db, env, number, lambda step: step.tenant_code != "230123" or step.step == "conclude"
    )
    made["escalated 上报市级"] = number

    number = new(joint)
    _work_until(db, env, number, lambda step: step.case_number != number and step.step == "review")
    made["joint 并联审批中"] = number

    made["concluded 办结（准予）"] = number = new(drug)
    work_case(db, env, number)
    made["concluded 办结（不予许可）"] = number = new(drug)
    work_case(db, env, number, approve=False)

    number = new(drug)
    with db.for_tenant("230123") as uow:
        intake.reject_at_acceptance(
            uow, env, clerk, number, ["不属于本机关职权范围，请向省药品监督管理局申请"]
        )
    made["rejected 不予受理"] = number

    number = new(drug)
    with db.for_tenant("230123") as uow:
        steps.withdraw_case(uow, env, Actor.applicant(APPLICANT[1]), number, "申请人主动撤回")
    made["withdrawn 撤回"] = number

    number = new(trade)
    work_case(db, env, number)
    checker = holder(db, "230621", _department_of(db, "230621", "reviewer"), "reviewer")
    with db.for_tenant("230621") as uow:
        commitment.verify_commitment(uow, env, checker, number, False, "经营场所与承诺不符")
    made["revoked 撤销（承诺不实）"] = number
    return made


def _work_until(db: Database, env: CaseEnv, number: str, stop: Callable[..., bool]) -> None:
    """Work the open steps in order until ``stop(step)`` says to leave one open."""
    for _ in range(100):
        pending = [s for s in open_steps(db, number) if not stop(s)]
        if not pending:
            return
        work_step(db, env, pending[0])


def _department_of(db: Database, tenant_code: str, role: str) -> str:
    with platform_unit_of_work(db, "simulation: department") as uow:
        tenant = uow.tenants.get(tenant_code)
        codes = {d.id: d.code for d in uow.departments.of_tenant(tenant.id)}
        for user in uow.departments.users_of_tenant(tenant.id):
            if role in user.roles.split(",") and user.department_id in codes:
                return codes[user.department_id]
    raise LookupError(f"no {role} in {tenant_code}")
