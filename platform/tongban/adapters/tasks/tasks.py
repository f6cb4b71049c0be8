"""Tasks: ids and codes in, one service call, a JSON-safe summary out."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from tongban.adapters.tasks.celery_app import app
from tongban.services.cases import supervision
from tongban.services.cases.supervision import SweepSummary
from tongban.services.platform import NotWired, Platform

_factory: Callable[[], Platform] | None = None


def configure(factory: Callable[[], Platform]) -> None:
    """How a worker process builds its platform (``tongban.worker`` passes bootstrap's)."""
    global _factory
    _factory = factory
    _platform.cache_clear()


@functools.cache
def _platform() -> Platform:
    """Built once per worker process, on its first task (after the fork). The worker
    never migrates: ``tongban serve`` or ``tongban db upgrade`` does."""
    if _factory is None:
        raise NotWired("the worker's platform is wired by tongban.worker")
    return _factory()


def summary_dict(summary: SweepSummary) -> dict[str, Any]:
    return {
        "checked": summary.checked,
        "deemed_accepted": list(summary.deemed_accepted),
        "raised": dict(sorted(summary.raised.items())),
    }


@app.task(name="tongban.sweep")
def sweep(tenant_code: str | None = None) -> dict[str, Any]:
    """电子监察 sweep of every active case, or of ``tenant_code``'s subtree only."""
    platform = _platform()
    return summary_dict(supervision.sweep(platform.db, platform.case_env(), tenant_code))


@app.task(name="tongban.purge_broker_messages")
def purge_broker_messages() -> int:
    """The SQLAlchemy broker keeps every consumed message; delete the old ones."""
    from tongban.adapters.tasks.embedded import purge_consumed_messages

    return purge_consumed_messages(str(app.conf.broker_url))
