"""WSGI entry point for gunicorn: ``gunicorn 'tongban.wsgi:app'``."""

from __future__ import annotations

from tongban.app import create_app

app = create_app()
