"""WSGI entry point for gunicorn: ``gunicorn 'tongban.adapters.web.wsgi:app'``."""

from __future__ import annotations

from tongban.adapters.web.app import create_app

app = create_app()
