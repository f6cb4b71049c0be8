"""事项目录 and the pages of one standard or implementation (guide, form, flow, history)."""

from __future__ import annotations

from flask import Response, request
from flask.typing import ResponseReturnValue
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.http.identity import Identity
from tongban.adapters.web.flow_svg import flow_svg
from tongban.adapters.web.presenters import (
    KIND_LABELS,
    STATUS_LABELS,
    flow_rows,
    form_fields,
    material_rows,
    standard_rows,
)
from tongban.adapters.web.views.common import (
    PERMISSION_VIEW,
    READ,
    int_arg,
    platform,
    render_page,
    tenant_page,
)
from tongban.core.errors import NotFound
from tongban.core.guide import material_line, one_time_notice_text
from tongban.core.tenancy import Level
from tongban.services import catalog
from tongban.services.definitions import KINDS

LEVEL_KEYS = {level.key: level for level in Level}


class CatalogView(BaseView):
    route_base = "/catalog"
    default_view = "index"
    class_permission_name = PERMISSION_VIEW
    method_permission_name = {
        "index": READ,
        "standard": READ,
        "implementation": READ,
        "notice": READ,
        "history": READ,
    }

    @expose("/")
    @has_access
    @tenant_page
    def index(self, uow: UnitOfWork, identity: Identity) -> ResponseReturnValue:
        kind = request.args.get("kind", "")
        level_key = request.args.get("level", "")
        page = catalog.catalog(
            uow,
            kind=kind if kind in KINDS else None,
            level=LEVEL_KEYS.get(level_key),
            page=int_arg("page", 1) or 1,
            per_page=int_arg("per_page", catalog.PER_PAGE) or catalog.PER_PAGE,
        )
        return render_page(
            "tongban/catalog.html",
            page=page,
            kind=kind if kind in KINDS else "",
            level=level_key if level_key in LEVEL_KEYS else "",
            levels=list(Level),
            kind_labels=KIND_LABELS,
        )

    def _detail(
        self, uow: UnitOfWork, kind: str, tenant_code: str, code: str
    ) -> catalog.MatterDetail:
        return catalog.matter_detail(
            uow, platform().schemas, tenant_code, kind, code, version=int_arg("version", None)
        )

    @expose("/standard/<tenant_code>/<code>")
    @has_access
    @tenant_page
    def standard(
        self, uow: UnitOfWork, identity: Identity, tenant_code: str, code: str
    ) -> ResponseReturnValue:
        detail = self._detail(uow, "standard", tenant_code, code)
        return self._render_detail(detail)

    @expose("/implementation/<tenant_code>/<code>")
    @has_access
    @tenant_page
    def implementation(
        self, uow: UnitOfWork, identity: Identity, tenant_code: str, code: str
    ) -> ResponseReturnValue:
        detail = self._detail(uow, "implementation", tenant_code, code)
        return self._render_detail(detail)

    @expose("/implementation/<tenant_code>/<code>/notice.txt")
    @has_access
    @tenant_page
    def notice(
        self, uow: UnitOfWork, identity: Identity, tenant_code: str, code: str
    ) -> ResponseReturnValue:
        detail = self._detail(uow, "implementation", tenant_code, code)
        if detail.guide is None:
            raise NotFound("implementation", code)
        return Response(one_time_notice_text(detail.guide), mimetype="text/plain")

    @expose("/<kind>/<tenant_code>/<code>/history")
    @has_access
    @tenant_page
    def history(
        self, uow: UnitOfWork, identity: Identity, kind: str, tenant_code: str, code: str
    ) -> ResponseReturnValue:
        detail = self._detail(uow, kind, tenant_code, code)
        return render_page(
            "tongban/history.html",
            detail=detail,
            kind_labels=KIND_LABELS,
            status_labels=STATUS_LABELS,
        )

    def _render_detail(self, detail: catalog.MatterDetail) -> ResponseReturnValue:
        form = detail.document.get("form") or {}
        flow = detail.document.get("flow") or {}
        nodes, edges = flow_rows(flow, detail.department_names)
        spec = detail.parsed.spec if detail.parsed else None
        return render_page(
            "tongban/matter.html",
            detail=detail,
            spec=spec,
            spec_rows=standard_rows(spec) if spec else [],
            materials=material_rows(spec) if spec else [],
            guide=detail.guide,
            notice=one_time_notice_text(detail.guide) if detail.guide else "",
            material_line=material_line,
            fields=form_fields(form, platform().schemas.forms),
            flow_nodes=nodes,
            flow_edges=edges,
            diagram=flow_svg(flow) if flow else None,
            kind_labels=KIND_LABELS,
            status_labels=STATUS_LABELS,
        )
