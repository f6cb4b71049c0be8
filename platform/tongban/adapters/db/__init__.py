"""SQLAlchemy persistence: models, tenant guard, unit of work, repositories, migrations."""

from tongban.adapters.db import api_models, case_models, models  # noqa: F401  (every table)
