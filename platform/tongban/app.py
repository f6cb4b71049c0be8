"""The web application, assembled: the Flask-AppBuilder pages (``adapters.web``), the
GraphQL endpoint (``adapters.graphql``) mounted on them, and the platform's capabilities
(``tongban.bootstrap``). Part of the composition root: the two adapters never import each
other (docs/architecture.md).
"""

from __future__ import annotations

from flask import Flask

from tongban.adapters.graphql.view import register as register_graphql
from tongban.adapters.web.app import create_web_app
from tongban.bootstrap import CAPABILITIES, bootstrap
from tongban.services.platform import Platform


def create_app(platform: Platform | None = None, testing: bool = False) -> Flask:
    """The WSGI app of ``platform`` (default: ``bootstrap()``'s), with /graphql mounted."""
    wired = (platform or bootstrap()).with_capabilities(CAPABILITIES)
    return create_web_app(wired, testing, mounts=(register_graphql,))
