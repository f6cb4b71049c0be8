"""The React front end (flow_designer/): its built files and the pages that load it.

- ``/static/designer/<file>`` serves ``flow_designer/dist`` (Vite's ``base``); hashed files
  are cached for a year, the rest not at all.
- ``/designer/`` and every path below it is one HTML page for a logged-in person: the
  entry's hashed script and CSS tags read from ``dist/.vite/manifest.json``, and a JSON
  block (``#tongban-boot``) with the login's identity and the CSRF token that every POST
  to /graphql must carry (adapters/graphql/view.py). No second login, no CORS: the app
  calls the same origin with the same session cookie.
- Without a build (no manifest) the page says so, in Chinese first, with the command.

The built files' folder is ``TONGBAN_FRONTEND_DIST`` or ``flow_designer/dist`` of this
checkout (docs/frontend.md).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, redirect, request, send_from_directory
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup, escape

from tongban.adapters.web.security import CONTENT_SECURITY_POLICY
from tongban.adapters.web.views.common import current_identity, no_tenant_page, platform
from tongban.core.tenancy import Level

ROOT = Path(__file__).resolve().parents[4]
STATIC_URL = "/static/designer"
PAGE_URL = "/designer"
ENTRY = "src/main.tsx"
YEAR = 365 * 24 * 3600

blueprint = Blueprint("frontend", __name__)

DESIGNER_CSP = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self' 'unsafe-inline'", "script-src 'self' 'unsafe-eval'"
)
"""The front end's page runs no inline script (its boot data is a JSON block, never
executed), so it drops ``'unsafe-inline'``; it needs ``'unsafe-eval'`` because Ajv compiles
each JSON Schema into a function, and forms are authored live in the designer (and rendered
from any published version on the portal), so validators cannot be precompiled at build
time. Scripts still come from this origin only (docs/frontend.md)."""


def dist_dir() -> Path:
    configured = os.environ.get("TONGBAN_FRONTEND_DIST")
    return Path(configured) if configured else ROOT / "flow_designer" / "dist"


@dataclass(frozen=True)
class EntryTags:
    scripts: tuple[str, ...]
    styles: tuple[str, ...]
    preloads: tuple[str, ...]


def entry_tags(dist: Path, entry: str = ENTRY) -> EntryTags | None:
    """The URLs an entry needs, from Vite's manifest; None when the front end is not built."""
    manifest_file = dist / ".vite" / "manifest.json"
    if not manifest_file.is_file():
        return None
    manifest: dict[str, Any] = json.loads(manifest_file.read_text(encoding="utf-8"))
    chunk = manifest.get(entry)
    if chunk is None:
        return None
    styles: list[str] = []
    preloads: list[str] = []
    seen: set[str] = set()

    def walk(key: str) -> None:
        if key in seen:
            return
        seen.add(key)
        item = manifest[key]
        styles.extend(f"{STATIC_URL}/{css}" for css in item.get("css", ()))
        for imported in item.get("imports", ()):
            preloads.append(f"{STATIC_URL}/{manifest[imported]['file']}")
            walk(imported)

    walk(entry)
    return EntryTags((f"{STATIC_URL}/{chunk['file']}",), tuple(styles), tuple(preloads))


def _boot_data() -> dict[str, Any]:
    from flask_wtf.csrf import generate_csrf

    identity = current_identity()
    assert identity is not None
    with platform().db.for_tenant(identity.tenant_code, readonly=True) as uow:
        tenant = uow.tenants.get(identity.tenant_code)
        parent = uow.tenants.by_id(tenant.parent_id) if tenant.parent_id is not None else None
        tenant_data = {
            "code": tenant.code,
            "name": tenant.name,
            "level": Level.parse(tenant.level).key,
            "levelLabel": Level.parse(tenant.level).label,
            "parentCode": parent.code if parent is not None else None,
        }
    admin = current_app.config.get("TONGBAN_PLATFORM_ADMIN")
    return {
        "user": {
            "username": identity.username,
            "name": identity.name,
            "roles": sorted(role.value for role in identity.roles),
            "department": identity.department_code,
        },
        "tenant": tenant_data,
        "platformAdmin": identity.username == admin,
        "csrfToken": generate_csrf() if current_app.config.get("WTF_CSRF_ENABLED", True) else "",
        "logoutUrl": "/logout/",
        "classicUrl": "/",
    }


def _json_block(data: dict[str, Any]) -> Markup:
    # "</" cannot end the script element early once escaped as "<\/"
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return Markup(f'<script id="tongban-boot" type="application/json">{text}</script>')


def _page(tags: EntryTags, boot: dict[str, Any]) -> str:
    links = "".join(f'<link rel="stylesheet" href="{escape(url)}">' for url in tags.styles)
    preloads = "".join(f'<link rel="modulepreload" href="{escape(url)}">' for url in tags.preloads)
    scripts = "".join(
        f'<script type="module" src="{escape(url)}"></script>' for url in tags.scripts
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>通办 · 事项设计器</title>"
        f'<link rel="icon" type="image/svg+xml" href="{STATIC_URL}/favicon.svg">'
        f'{links}{preloads}</head><body><div id="root"></div>{_json_block(boot)}{scripts}'
        "</body></html>"
    )


NOT_BUILT = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>前端尚未构建</title>'
    "</head><body><h1>前端尚未构建 (the front end is not built)</h1>"
    "<p>请在项目根目录运行 <code>make run</code>（或 <code>make frontend</code>）构建 "
    "flow_designer/ 后刷新本页。</p><p>Run <code>make run</code> (or <code>make frontend</code>) "
    "in the project folder to build flow_designer/, then reload.</p></body></html>"
)


@blueprint.route(f"{PAGE_URL}/", defaults={"rest": ""})
@blueprint.route(f"{PAGE_URL}/<path:rest>")
def designer_page(rest: str) -> ResponseReturnValue:
    if not current_user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    if current_identity() is None:
        return no_tenant_page()
    tags = entry_tags(dist_dir())
    if tags is None:
        return Response(NOT_BUILT, status=503, mimetype="text/html")
    response = Response(_page(tags, _boot_data()), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = DESIGNER_CSP
    return response


@blueprint.route(f"{PAGE_URL}")
def designer_root() -> ResponseReturnValue:
    return redirect(f"{PAGE_URL}/")


@blueprint.route(f"{STATIC_URL}/<path:filename>")
def designer_static(filename: str) -> ResponseReturnValue:
    response = send_from_directory(dist_dir(), filename)
    if filename.startswith("assets/"):
        response.cache_control.max_age = YEAR
        response.cache_control.public = True
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response


@blueprint.route("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Browsers ask every page's origin for one; the front end's icon serves all pages."""
    response = send_from_directory(dist_dir(), "favicon.svg", mimetype="image/svg+xml")
    response.cache_control.max_age = 24 * 3600
    return response


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
