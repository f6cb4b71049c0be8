"""Working-day calendars: a year as a tenant counts it; loading an official arrangement."""

from __future__ import annotations

from typing import Any

import graphene

from tongban.adapters.graphql.context import GraphQLContext
from tongban.core.cases.workdays import LAYER_LABELS, DayAnswer, Layer
from tongban.core.definition_errors import ArrangementInvalid
from tongban.services import calendars

CalendarLayer = graphene.Enum.from_enum(
    Layer,
    name="CalendarLayer",
    description=lambda v: LAYER_LABELS[Layer(v.value)] if v is not None else "决定某一天的日历层",
)


class WorkingDay(graphene.ObjectType):
    """One day and the layer that decided it."""

    date = graphene.Date(required=True)
    workday = graphene.Boolean(required=True)
    layer = graphene.Field(CalendarLayer, required=True)
    tenant_code = graphene.String(description="the level whose calendar decided (own/ancestor)")
    name = graphene.String(required=True, description="节假日或调休名称")
    arrangement = graphene.String(description="the official arrangement's 文号, when one decided")

    @staticmethod
    def of(answer: DayAnswer) -> WorkingDay:
        return WorkingDay(
            date=answer.day,
            workday=answer.workday,
            layer=answer.layer,
            tenant_code=answer.tenant_code,
            name=answer.name,
            arrangement=answer.arrangement,
        )


class CalendarYear(graphene.ObjectType):
    tenant_code = graphene.String(required=True)
    year = graphene.Int(required=True)
    workdays = graphene.Int(required=True, description="working days in the year")
    provisional = graphene.Boolean(
        required=True, description="暂定: some day is decided by the statutory rules alone"
    )
    arrangement = graphene.String(description="文号 of the official arrangement followed")
    days = graphene.List(
        graphene.NonNull(WorkingDay),
        required=True,
        all_days=graphene.Boolean(
            default_value=False, description="every day, not only holidays and make-up days"
        ),
    )

    def resolve_days(self, _info: graphene.ResolveInfo, all_days: bool = False) -> list[Any]:
        view: calendars.YearView = self.view  # type: ignore[attr-defined]
        answers = view.days if all_days else view.exceptions()
        return [WorkingDay.of(a) for a in answers]


def _year(view: calendars.YearView) -> CalendarYear:
    year = CalendarYear(
        tenant_code=view.tenant_code,
        year=view.year,
        workdays=view.workdays,
        provisional=view.provisional,
        arrangement=view.arrangement,
    )
    year.view = view
    return year


class ImportCalendarResult(graphene.ObjectType):
    tenant_code = graphene.String(required=True)
    year = graphene.Int(required=True)
    document = graphene.String(required=True, description="文号")
    checked = graphene.Int(required=True, description="open cases with a 暂定 date")
    recomputed = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="case numbers"
    )
    failed = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="cases left for the next load or sweep, with why",
    )


class ImportCalendar(graphene.Mutation):
    """Load an official arrangement (放假安排) at a tenant: platform administrator only."""

    class Arguments:
        tenant_code = graphene.String(required=True)
        yaml = graphene.String(required=True, description="the calendars/<year>.yaml text")

    Output = ImportCalendarResult

    def mutate(self, info: graphene.ResolveInfo, tenant_code: str, yaml: str) -> Any:
        ctx: GraphQLContext = info.context
        with ctx.uow(readonly=True) as uow:
            calendars.require_visible(uow, tenant_code)
        calendars.require_platform_admin(ctx.actor)
        doc, problems = ctx.platform.parse_arrangement(yaml)
        if doc is None:
            raise ArrangementInvalid(problems)
        summary = calendars.import_arrangement(ctx.platform.db, ctx.env, tenant_code, doc)
        return ImportCalendarResult(
            tenant_code=tenant_code,
            year=doc.year,
            document=doc.document,
            checked=summary.checked,
            recomputed=summary.changed,
            failed=[f"{n}: {why}" for n, why in sorted(summary.errors.items())],
        )


class Query:
    calendar = graphene.Field(
        CalendarYear,
        year=graphene.Int(required=True),
        tenant_code=graphene.String(description="default: the caller's tenant"),
        description="A year's working days as a tenant of the caller's lineage counts them.",
    )

    def resolve_calendar(
        self, info: graphene.ResolveInfo, year: int, tenant_code: str | None = None
    ) -> CalendarYear:
        ctx: GraphQLContext = info.context
        with ctx.uow(readonly=True) as uow:
            view = calendars.year_view(uow, tenant_code or ctx.principal.tenant_code, year)
        return _year(view)


class Mutation:
    import_calendar = ImportCalendar.Field(
        description="Load a year's official arrangement; open 暂定 deadlines are recomputed."
    )
