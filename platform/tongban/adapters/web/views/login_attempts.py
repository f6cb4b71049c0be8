"""登录尝试: supervisors see the password attempts on their subtree's accounts.

The login's tenant unit of work narrows them (services/login_guard.py ``attempts``): a
tenant's own accounts and its descendants', never an ancestor's or a sibling's. Only a
supervisor (监察人员) or an administrator of the tenant sees the page.
"""

from __future__ import annotations

from flask import make_response
from flask.typing import ResponseReturnValue
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.http.identity import Identity
from tongban.adapters.web.views.common import PERMISSION_VIEW, READ, render_page, tenant_page
from tongban.core.roles import Role
from tongban.services import login_guard

WATCHERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
OUTCOME_LABELS = {
    login_guard.SUCCESS: "成功",
    login_guard.FAILURE: "密码错误",
    login_guard.LOCKED: "已锁定，未校验",
}
CHANNEL_LABELS = {"web": "登录页", "api_token": "POST /api/token"}


class LoginAttemptsView(BaseView):
    route_base = "/alerts/logins"
    default_view = "index"
    class_permission_name = PERMISSION_VIEW
    method_permission_name = {"index": READ}

    @expose("/")
    @has_access
    @tenant_page
    def index(self, uow: UnitOfWork, identity: Identity) -> ResponseReturnValue:
        if not identity.roles & WATCHERS:
            message = "只有监察人员或管理员可以查看登录尝试记录。"
            page = render_page("tongban/error.html", title="无权查看", message=message)
            return page, 403
        attempts = login_guard.attempts(uow)
        page = render_page(
            "tongban/login_attempts.html",
            attempts=attempts,
            outcome_labels=OUTCOME_LABELS,
            channel_labels=CHANNEL_LABELS,
        )
        response = make_response(page)
        response.headers["Cache-Control"] = "no-store"
        return response
