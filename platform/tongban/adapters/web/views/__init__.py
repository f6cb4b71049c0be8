"""Read-only pages. Every page reads through ``platform.db.for_tenant(<the login's tenant>)``;
scoping is the services' job, so a view cannot show what its tenant may not see."""
