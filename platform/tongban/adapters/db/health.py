"""Whether the database answers (``/health``)."""

from __future__ import annotations

from sqlalchemy import Engine, text


def database_answers(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
    return True
