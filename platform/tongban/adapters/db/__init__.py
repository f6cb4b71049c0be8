"""SQLAlchemy persistence: models, tenant guard, unit of work, repositories, migrations."""

from tongban.adapters.db import api_models, case_models, login_models, models  # noqa: F401
