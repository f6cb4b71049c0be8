"""办件, 工作台 and 电子监察: read-only pages that show the case engine at work.

Cases are read through the login's tenant unit of work; the services narrow them to the
tenant's subtree (its own and its descendants' cases), so a sibling's or an ancestor's case
number gets the same 404 page as a number that does not exist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from flask import Response, current_app, request
from flask.typing import ResponseReturnValue
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.http.identity import Identity
from tongban.adapters.web.case_labels import (
    ALERT_KIND_LABELS,
    ALERT_LEVEL_LABELS,
    ALERT_LEVEL_STYLES,
    ALERT_STATUS_LABELS,
    APPLICANT_ID_LABELS,
    APPLICANT_KIND_LABELS,
    CASE_STATUS_LABELS,
    CASE_STATUS_STYLES,
    DECISION_LABELS,
    LINK_LABELS,
    STEP_LABELS,
    TASK_KIND_LABELS,
    event_label,
    payload_summary,
    task_assignee,
)
from tongban.adapters.web.views.common import (
    PERMISSION_VIEW,
    READ,
    int_arg,
    platform,
    render_page,
    tenant_page,
)
from tongban.config import development_seal_key
from tongban.core.seal_errors import SealError
from tongban.services.cases import listing, queries, supervision
from tongban.services.cases.cross_level import cross_level
from tongban.services.cases.results import CaseResults
from tongban.services.seal_keys import keys_url

RESULTS_EXTENSION = "tongban_case_results"

LABELS = {
    "status_labels": CASE_STATUS_LABELS,
    "status_styles": CASE_STATUS_STYLES,
    "decision_labels": DECISION_LABELS,
    "applicant_kind_labels": APPLICANT_KIND_LABELS,
    "applicant_id_labels": APPLICANT_ID_LABELS,
    "step_labels": STEP_LABELS,
    "task_kind_labels": TASK_KIND_LABELS,
    "link_labels": LINK_LABELS,
    "alert_kind_labels": ALERT_KIND_LABELS,
    "alert_level_labels": ALERT_LEVEL_LABELS,
    "alert_level_styles": ALERT_LEVEL_STYLES,
    "alert_status_labels": ALERT_STATUS_LABELS,
    "event_label": event_label,
    "payload_summary": payload_summary,
    "task_assignee": task_assignee,
}


def results() -> CaseResults:
    """The sealed-results service, made once per app. Pages only verify (public keys), so
    without a TONGBAN_SEAL_KEY (hand-built settings) a development key stands in for the
    private-key box it never opens."""
    found = current_app.extensions.get(RESULTS_EXTENSION)
    if found is None:
        settings = platform().settings
        try:
            found = platform().case_results(settings)
        except SealError:
            seal_key = development_seal_key(settings.secret_key)
            found = platform().case_results(dataclasses.replace(settings, seal_key=seal_key))
        current_app.extensions[RESULTS_EXTENSION] = found
    return found


def _tenant_names(uow: UnitOfWork, codes: Iterable[str]) -> dict[str, str]:
    names = {}
    for code in set(codes):
        tenant = uow.tenants.find(code)
        names[code] = tenant.name if tenant is not None else code
    return names


class CasesView(BaseView):
    """办件: the list of the tenant's (and its descendants') cases, and one case's page."""

    route_base = "/cases"
    default_view = "index"
    class_permission_name = PERMISSION_VIEW
    method_permission_name = {"index": READ, "detail": READ, "receipt": READ, "result_pdf": READ}

    @expose("/")
    @has_access
    @tenant_page
    def index(self, uow: UnitOfWork, identity: Identity) -> ResponseReturnValue:
        status = request.args.get("status", "")
        status = status if status in listing.STATUSES else ""
        page = listing.list_cases(
            uow,
            status=status or None,
            page=int_arg("page", 1) or 1,
            per_page=int_arg("per_page", listing.PER_PAGE) or listing.PER_PAGE,
        )
        return render_page(
            "tongban/cases.html", page=page, status=status, statuses=listing.STATUSES, **LABELS
        )

    @expose("/<number>")
    @has_access
    @tenant_page
    def detail(self, uow: UnitOfWork, identity: Identity, number: str) -> ResponseReturnValue:
        case = queries.get_case(uow, number)  # NotFound outside the subtree
        stored = results().stored(uow, number)
        result = results().verify(uow, number) if stored is not None else None
        return render_page(
            "tongban/case.html",
            case=case,
            stored=stored,
            keys_url=keys_url(stored.signer_tenant) if stored is not None else "",
            tenant_name=_tenant_names(uow, [case.tenant_code])[case.tenant_code],
            departments=listing.department_names(uow, case.tenant_code),
            links=listing.linked_cases(uow, number),
            events=queries.case_events(uow, number),
            chain_problems=listing.verify_case_chain(uow, number),
            alerts=listing.case_alerts(uow, number),
            result=result,
            cross=cross_level(uow, number),
            **LABELS,
        )

    @expose("/<number>/receipt")
    @has_access
    @tenant_page
    def receipt(self, uow: UnitOfWork, identity: Identity, number: str) -> ResponseReturnValue:
        """受理回执: what the applicant takes away — number, unit, dates, and whether the
        promised date is 暂定."""
        case = queries.get_case(uow, number)  # NotFound outside the subtree
        return render_page(
            "tongban/receipt.html",
            case=case,
            tenant_name=_tenant_names(uow, [case.tenant_code])[case.tenant_code],
            **LABELS,
        )

    @expose("/<number>/result.pdf")
    @has_access
    @tenant_page
    def result_pdf(self, uow: UnitOfWork, identity: Identity, number: str) -> ResponseReturnValue:
        """The sealed result as PDF (the sealed JSON attached, for ``tongban verify``); the
        one 404 page for a case outside the subtree, one that does not exist, or one with no
        result."""
        pdf = results().pdf(uow, number)
        return Response(
            pdf,
            mimetype="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{number}.pdf"',
                "Cache-Control": "private, no-store",
            },
        )


class WorklistView(BaseView):
    """工作台: the open steps the login may work (its tenant, department and roles)."""

    route_base = "/worklist"
    default_view = "index"
    class_permission_name = PERMISSION_VIEW
    method_permission_name = {"index": READ}

    @expose("/")
    @has_access
    @tenant_page
    def index(self, uow: UnitOfWork, identity: Identity) -> ResponseReturnValue:
        items = queries.worklist(uow, identity.actor())
        return render_page(
            "tongban/worklist.html",
            items=items,
            departments=listing.department_names(uow, identity.tenant_code),
            **LABELS,
        )


class AlertsView(BaseView):
    """电子监察: the alerts of the tenant and its descendants, newest first."""

    route_base = "/alerts"
    default_view = "index"
    class_permission_name = PERMISSION_VIEW
    method_permission_name = {"index": READ}

    @expose("/")
    @has_access
    @tenant_page
    def index(self, uow: UnitOfWork, identity: Identity) -> ResponseReturnValue:
        status = request.args.get("status", "")
        status = status if status in ALERT_STATUS_LABELS else ""
        alerts = supervision.list_alerts(uow, subtree=True, status=status or None)
        alerts.reverse()
        return render_page(
            "tongban/alerts.html",
            alerts=alerts,
            status=status,
            tenant_names=_tenant_names(uow, (a.tenant_code for a in alerts)),
            **LABELS,
        )
