"""Can this installation's TONGBAN_SEAL_KEY be used? Its form, and whether it opens what it
sealed: the newest stored seal private key (else the newest webhook secret) must decrypt.

Production refuses to start when it cannot (``adapters/web/security.py``) and ``/health``
answers 503 with the reason, instead of the first sealed result failing with a 500.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from tongban.adapters.crypto.seal_box import SealBox, seal_key_problem
from tongban.adapters.db.api_models import WebhookSubscription
from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.case_models import SealKeyRow
from tongban.adapters.db.unit_of_work import Database
from tongban.config import Settings, development_seal_key
from tongban.core.seal_errors import SealError
from tongban.services.platform import SealKeyStatus


def seal_key_status(settings: Settings, db: Database) -> SealKeyStatus:
    setting = settings.seal_key
    if not setting and not settings.production:  # as the GraphQL view falls back to it
        setting = development_seal_key(settings.secret_key)
    problem = seal_key_problem(setting)
    if problem is not None:
        return SealKeyStatus(False, problem)
    try:
        sample = _newest_sealed(db)
    except SQLAlchemyError:
        return SealKeyStatus(True)  # no database to compare with: /health reports that
    if sample is None:
        return SealKeyStatus(True)
    token, key_id = sample
    try:
        SealBox.from_setting(setting).decrypt_private_key(token, key_id=key_id)
    except SealError:
        return SealKeyStatus(
            False,
            f"TONGBAN_SEAL_KEY 解不开已保存的密钥 {key_id}：密钥不是加密时用的那一个，"
            f"或数据被改动 (TONGBAN_SEAL_KEY cannot decrypt the stored key {key_id}: it is "
            "not the key it was encrypted with, or the stored value was altered)",
        )
    return SealKeyStatus(True, checked=key_id)


def _newest_sealed(db: Database) -> tuple[str, str] | None:
    with platform_unit_of_work(db, "seal key check") as uow:
        row = uow.session.execute(
            select(SealKeyRow.private_encrypted, SealKeyRow.key_id)
            .order_by(SealKeyRow.id.desc())
            .limit(1)
        ).first()
        if row is not None:
            return str(row.private_encrypted), str(row.key_id)
        sub = uow.session.execute(
            select(WebhookSubscription.secret, WebhookSubscription.id)
            .where(WebhookSubscription.secret != "")
            .order_by(WebhookSubscription.id.desc())
            .limit(1)
        ).first()
        if sub is not None:
            return str(sub.secret), f"webhook-subscription:{sub.id}"
    return None
