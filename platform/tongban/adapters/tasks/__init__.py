"""Celery: the app (``celery_app``), its tasks (``tasks``), the ``tongban worker`` and
``tongban sweep`` commands (``cli``) and the worker ``make run`` embeds (``embedded``).

Tasks take ids and codes only — never ORM objects — and make one service call. Brokers:
``sqla+sqlite:///<var>/broker.db`` (the embedded default, development and tests) or Redis
(``TONGBAN_BROKER_URL=redis://…``, production and CI).
"""
