"""The Celery app of a worker process (``celery -A tongban.worker worker``): the tasks
adapter's app, its tasks building their platform with ``tongban.bootstrap``. Part of the
composition root (docs/architecture.md)."""

from __future__ import annotations

from tongban.adapters.tasks import tasks
from tongban.adapters.tasks.celery_app import app
from tongban.bootstrap import bootstrap
from tongban.services.platform import Platform

__all__ = ["app"]


def _worker_platform() -> Platform:
    """Built once per worker process, on its first task (after the fork). The worker
    never migrates: ``tongban serve`` or ``tongban db upgrade`` does."""
    return bootstrap(upgrade=False)


tasks.configure(_worker_platform)
