"""The start page and the health endpoint."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_appbuilder import IndexView, expose

import tongban
from tongban.adapters.db.health import database_answers
from tongban.adapters.web.views.common import platform, render_page


class HomeView(IndexView):
    """首页: who you are, which tenant you act for, where to go next."""

    @expose("/")
    def index(self) -> ResponseReturnValue:
        self.update_redirect()
        return render_page("tongban/index.html")


def health() -> ResponseReturnValue:
    """``/health``: no login needed. 200 when the database answers and TONGBAN_SEAL_KEY can
    be used (its form, and it decrypts the newest stored key); else 503 with the reasons."""
    database = database_answers(platform().db.engine)
    seal = platform().seal_key_status()
    healthy = database and seal.usable
    body: dict[str, object] = {
        "status": "ok" if healthy else "unavailable",
        "database": database,
        "sealKey": seal.usable,
        "version": tongban.__version__,
    }
    reasons = [] if database else ["数据库无法连接 (the database does not answer)"]
    reasons += [seal.reason] if seal.reason else []
    if reasons:
        body["reasons"] = reasons
    return jsonify(body), 200 if healthy else 503
