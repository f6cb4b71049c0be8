"""SQLAlchemy persistence: models, tenant guard, unit of work, repositories, migrations."""

from tongban.adapters.db import case_models, models  # noqa: F401  (register every table)
