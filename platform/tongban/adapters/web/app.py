"""The Flask-AppBuilder app factory.

FAB keeps its own tables (``ab_user``, ``ab_role``…) in the platform's database, through the
platform's own engine (so SQLite gets WAL and PostgreSQL the same connection settings).
Our tables are never exposed as FAB ModelViews: pages call services through
``platform.db.for_tenant(<the login's tenant>)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flask import Flask
from flask_appbuilder import AppBuilder, Model
from flask_appbuilder.const import AUTH_DB
from flask_appbuilder.models.sqla.base import SQLA
from sqlalchemy import Engine
from werkzeug.exceptions import NotFound as HTTPNotFound

from tongban.adapters.http.identity import PLATFORM_ADMIN
from tongban.adapters.web.case_labels import beijing
from tongban.adapters.web.frontend import register as register_frontend
from tongban.adapters.web.input_limits import register as register_input_limits
from tongban.adapters.web.input_limits import register_fab_actions
from tongban.adapters.web.login_guard import TongbanSecurityManager
from tongban.adapters.web.login_guard import register as register_login_guard
from tongban.adapters.web.security import secure
from tongban.adapters.web.views.cases import AlertsView, CasesView, WorklistView
from tongban.adapters.web.views.catalog import CatalogView
from tongban.adapters.web.views.common import PERMISSION_VIEW, READ, not_found_page
from tongban.adapters.web.views.home import HomeView, health
from tongban.adapters.web.views.login_attempts import LoginAttemptsView
from tongban.adapters.web.views.seal_keys import register as register_seal_keys
from tongban.adapters.web.views.tenants import TenantTreeView
from tongban.adapters.web.views.tokens import TokenView
from tongban.adapters.web.views.tokens import register as register_tokens
from tongban.services.platform import Platform

TEMPLATES = Path(__file__).with_name("templates")

TENANT_ROLE = "Tongban"
"""The FAB role every tenant login gets: read the browsing pages, see their menu."""

MENU_CATEGORY = "浏览"
MENU_TREE = "单位树"
MENU_CATALOG = "事项目录"
MENU_CASE_CATEGORY = "办件管理"
MENU_WORKLIST = "工作台"
MENU_CASES = "办件"
MENU_ALERTS = "电子监察"
MENUS = (
    MENU_CATEGORY,
    MENU_TREE,
    MENU_CATALOG,
    MENU_CASE_CATEGORY,
    MENU_WORKLIST,
    MENU_CASES,
    MENU_ALERTS,
)


class _PlatformSQLA(SQLA):
    """FAB's SQLA, bound to the platform's engine instead of a second one of its own."""

    def __init__(self, engine: Engine, **kwargs: Any) -> None:
        self._platform_engine = engine
        super().__init__(**kwargs)

    def _make_engine(self, bind_key: str | None, options: dict[str, Any], app: Flask) -> Engine:
        return self._platform_engine


def _quiet_fab_logs() -> None:
    # FAB logs four "Filter type not supported" warnings on every start (reference/stack.md).
    logging.getLogger("flask_appbuilder.models.filters").setLevel(logging.ERROR)


def create_web_app(
    platform: Platform, testing: bool = False, *, mounts: Sequence[Callable[[Flask], None]] = ()
) -> Flask:
    """The Flask-AppBuilder app; ``mounts`` add the endpoints of other adapters (the
    composition root, ``tongban.app``, mounts /graphql)."""
    _quiet_fab_logs()
    app = Flask(__name__, template_folder=str(TEMPLATES))
    secure(app, platform)  # cookie flags, security headers; production: a usable seal key
    app.config.update(
        SECRET_KEY=platform.settings.secret_key,
        SQLALCHEMY_DATABASE_URI=platform.db.url,
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
        TESTING=testing,
        WTF_CSRF_ENABLED=not testing,
        AUTH_TYPE=AUTH_DB,
        AUTH_ROLE_ADMIN="Admin",
        AUTH_ROLE_PUBLIC="Public",
        APP_NAME="通办 · 政务服务事项平台",
        BABEL_DEFAULT_LOCALE="zh",
        BABEL_DEFAULT_FOLDER="translations",
        LANGUAGES={
            "zh": {"flag": "cn", "name": "简体中文"},
            "en": {"flag": "gb", "name": "English"},
        },
        FAB_ROLES={
            TENANT_ROLE: [
                [f"^{PERMISSION_VIEW}$", f"^can_{READ}$"],
                [f"^({'|'.join(MENUS)})$", "^menu_access$"],
                # their own profile page and password change (FAB's navbar links to them)
                ["^UserDBModelView$", "^can_userinfo$"],
                ["^ResetMyPasswordView$", "^can_this_form_(get|post)$"],
            ]
        },
        FAB_API_SWAGGER_UI=False,
        TONGBAN_PLATFORM_ADMIN=PLATFORM_ADMIN,
    )
    if testing:
        app.config["FAB_PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"  # fast, tests only
    app.extensions["tongban"] = platform
    register_input_limits(app, platform)  # body and login field limits (docs/security.md)
    db = _PlatformSQLA(platform.db.engine)
    db.init_app(app)
    with app.app_context():
        # FAB's tables live on their own MetaData: db.create_all() would skip them.
        Model.metadata.create_all(platform.db.engine)
        appbuilder = AppBuilder(
            app, db.session, indexview=HomeView, security_manager_class=TongbanSecurityManager
        )
        appbuilder.add_view(TenantTreeView, MENU_TREE, icon="fa-sitemap", category=MENU_CATEGORY)
        appbuilder.add_view(CatalogView, MENU_CATALOG, icon="fa-list", category=MENU_CATEGORY)
        case_menu = {"category": MENU_CASE_CATEGORY}
        appbuilder.add_view(WorklistView, MENU_WORKLIST, icon="fa-tasks", **case_menu)
        appbuilder.add_view(CasesView, MENU_CASES, icon="fa-file-text-o", **case_menu)
        appbuilder.add_view(AlertsView, MENU_ALERTS, icon="fa-bell", **case_menu)
        appbuilder.add_view_no_menu(TokenView)  # linked from the start page
        appbuilder.add_view_no_menu(LoginAttemptsView)  # linked from 电子监察
        register_tokens(app)  # POST /api/token: bearer tokens for people (docs/api.md)
        register_login_guard(app)  # lockouts, stale sessions (docs/security.md)
    register_fab_actions(app)  # an unknown FAB action is a 404, not a 500
    app.jinja_env.filters["beijing"] = beijing
    app.add_url_rule("/health", "health", health)
    register_seal_keys(app)  # GET /seal-keys/<tenant>.json: public keys, no login (docs/seals.md)
    for mount in mounts:
        mount(app)
    register_frontend(app)  # /designer/: the React front end, flow_designer/ (docs/frontend.md)
    app.register_error_handler(HTTPNotFound, lambda _error: not_found_page())
    return app
