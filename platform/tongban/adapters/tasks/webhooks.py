"""Webhook delivery as a Celery task (beat runs it every ``TONGBAN_WEBHOOK_SECONDS``).

Its summary is logged, not stored: a result every few seconds would only fill the backend."""

from __future__ import annotations

from typing import Any

from tongban.adapters.tasks.celery_app import app
from tongban.adapters.tasks.http_sender import http_sender
from tongban.adapters.tasks.tasks import _platform
from tongban.services import webhooks
from tongban.services.cases.time import utcnow


@app.task(name="tongban.deliver_webhooks", ignore_result=True)
def deliver_webhooks(batch: int = webhooks.BATCH) -> dict[str, Any]:
    """POST every due webhook delivery (up to ``batch``), signed; retries are scheduled."""
    platform = _platform()
    policy = webhooks.TargetPolicy.from_settings(platform.settings)
    summary = webhooks.deliver_due(
        platform.db,
        utcnow(),
        http_sender,
        box=platform.secret_box(),
        batch=batch,
        policy=policy,
    )
    return summary.as_dict()
