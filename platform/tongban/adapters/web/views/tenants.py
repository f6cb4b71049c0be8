"""单位树: the login's lineage (ancestors, itself, descendants — never a sibling)."""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.http.identity import Identity
from tongban.adapters.web.presenters import KIND_LABELS, STATUS_LABELS
from tongban.adapters.web.views.common import PERMISSION_VIEW, READ, render_page, tenant_page
from tongban.services import catalog, tenants


class TenantTreeView(BaseView):
    route_base = "/tenants"
    default_view = "tree"
    class_permission_name = PERMISSION_VIEW
    method_permission_name = {"tree": READ, "node": READ}

    @expose("/")
    @has_access
    @tenant_page
    def tree(self, uow: UnitOfWork, identity: Identity) -> ResponseReturnValue:
        nodes = tenants.tree(uow)
        return render_page("tongban/tree.html", nodes=nodes, me=identity.tenant_code)

    @expose("/<code>")
    @has_access
    @tenant_page
    def node(self, uow: UnitOfWork, identity: Identity, code: str) -> ResponseReturnValue:
        detail = catalog.tenant_detail(uow, code)
        return render_page(
            "tongban/tenant.html",
            detail=detail,
            kind_labels=KIND_LABELS,
            status_labels=STATUS_LABELS,
        )
