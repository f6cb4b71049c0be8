"""The start page and the health endpoint."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_appbuilder import IndexView, expose
from sqlalchemy import text

import tongban
from tongban.adapters.web.views.common import platform, render_page


class HomeView(IndexView):
    """首页: who you are, which tenant you act for, where to go next."""

    @expose("/")
    def index(self) -> ResponseReturnValue:
        self.update_redirect()
        return render_page("tongban/index.html")


def health() -> ResponseReturnValue:
    """``/health``: no login needed. 200 when the database answers, else 503."""
    database = True
    try:
        with platform().db.engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        database = False
    body = {
        "status": "ok" if database else "unavailable",
        "database": database,
        "version": tongban.__version__,
    }
    return jsonify(body), 200 if database else 503
