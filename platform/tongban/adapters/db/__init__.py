"""SQLAlchemy persistence: models, tenant guard, unit of work, repositories, migrations."""
