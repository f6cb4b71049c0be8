"""What every page needs: the platform, the login's tenant identity, error pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tongban.adapters.db.unit_of_work import UnitOfWork
from tongban.adapters.http.identity import PLATFORM_ADMIN, Identity, identify
from tongban.core.errors import NotFound
from tongban.services.platform import Platform

PERMISSION_VIEW = "TongbanBrowse"
"""All read-only pages share one FAB permission view: ``can_read on TongbanBrowse``."""

READ = "read"

NOT_FOUND_MESSAGE = "您要查看的内容不存在，或不在本单位可查看的范围内。"


def platform() -> Platform:
    found: Platform = current_app.extensions["tongban"]
    return found


def current_identity() -> Identity | None:
    """The logged-in user's tenant identity (cached for the request), or None."""
    if "tongban_identity" not in g:
        identity = None
        if current_user.is_authenticated:
            identity = identify(
                platform().db,
                current_user.username,
                platform_admin=current_app.config.get("TONGBAN_PLATFORM_ADMIN", PLATFORM_ADMIN),
            )
        g.tongban_identity = identity
    result: Identity | None = g.tongban_identity
    return result


def tenant_uow(identity: Identity) -> UnitOfWork:
    """The pages only read: a read-only unit of work never waits for SQLite's write lock."""
    return platform().db.for_tenant(identity.tenant_code, readonly=True)


def int_arg(name: str, default: int | None) -> int | None:
    """A positive integer query argument (``page``, ``per_page``, ``version``), or
    ``default``."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def render_page(template: str, **context: Any) -> str:
    appbuilder = current_app.extensions["appbuilder"]
    return render_template(
        template,
        base_template=appbuilder.base_template,
        appbuilder=appbuilder,
        identity=current_identity(),
        **context,
    )


def not_found_page() -> tuple[str, int]:
    """The one 404 body: a missing code and another tenant's code look exactly alike."""
    return render_page("tongban/error.html", title="未找到", message=NOT_FOUND_MESSAGE), 404


def no_tenant_page() -> tuple[str, int]:
    message = (
        "您的账号未关联任何单位（租户），无法查看单位和事项数据。"
        "请联系平台管理员在单位配置（tenant.yaml）中添加同名用户。"
    )
    return render_page("tongban/error.html", title="账号未关联单位", message=message), 403


def tenant_page(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Run ``view(self, uow, identity, ...)`` in the login's tenant unit of work; a login with
    no tenant gets the no-tenant page, and any ``NotFound`` becomes the one 404 page."""

    @functools.wraps(view)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> ResponseReturnValue:
        identity = current_identity()
        if identity is None:
            return no_tenant_page()
        try:
            with tenant_uow(identity) as uow:
                return view(self, uow, identity, *args, **kwargs)
        except NotFound:
            return not_found_page()

    return wrapper
