"""Demo logins: one Flask-AppBuilder account per tenant user, plus the platform admin."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from werkzeug.security import generate_password_hash

from tongban.adapters.db.bypass import platform_unit_of_work  # noqa: TID251
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.http.identity import PLATFORM_ADMIN
from tongban.adapters.web.app import TENANT_ROLE
from tongban.core.roles import Role
from tongban.core.tenancy import Level

DEFAULT_PASSWORD = "tongban-demo"
PASSWORD_ENV = "TONGBAN_DEMO_PASSWORD"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    tenant_code: str
    tenant_name: str
    level: Level
    roles: frozenset[Role]


def tenant_logins(db: Database) -> list[DemoLogin]:
    """Every tenant user, in tree order (platform scope: this is the CLI's seeding step)."""
    with platform_unit_of_work(db, "demo: list tenant users") as uow:
        logins = []
        for tenant in uow.tenants.all():
            for user in uow.departments.users_of_tenant(tenant.id):
                logins.append(
                    DemoLogin(
                        user.username,
                        user.name,
                        tenant.code,
                        tenant.name,
                        Level(tenant.level),
                        frozenset(Role(r) for r in user.roles.split(",") if r),
                    )
                )
        return logins


def _ensure_user(app: Flask, username: str, name: str, role_name: str, hashed: str) -> None:
    sm = app.extensions["appbuilder"].sm
    role = sm.find_role(role_name)
    if role is None:
        role = sm.add_role(role_name)
    user = sm.find_user(username=username)
    if user is None:
        created = sm.add_user(
            username=username,
            first_name=name,
            last_name="",
            email=f"{username}@demo.tongban.invalid",
            role=role,
            hashed_password=hashed,
        )
        if not created:
            raise RuntimeError(f"could not create the login {username!r}")
        return
    user.password = hashed
    if role not in user.roles:
        user.roles.append(role)
    sm.update_user(user)


def create_demo_logins(app: Flask, db: Database, password: str) -> list[DemoLogin]:
    """A login (same username) for every tenant user, and ``admin`` for the platform.

    Idempotent: existing logins get the password reset and the role ensured. The password
    is hashed once and the hash shared: every demo login has the same published password,
    and a tree with a hundred users starts without a hundred scrypt rounds.
    """
    logins = tenant_logins(db)
    method = app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt")
    hashed = generate_password_hash(password, method=method)
    with app.app_context():
        admin_role = app.config.get("AUTH_ROLE_ADMIN", "Admin")
        _ensure_user(app, PLATFORM_ADMIN, "平台管理员", admin_role, hashed)
        for login in logins:
            if login.username != PLATFORM_ADMIN:
                _ensure_user(app, login.username, login.name, TENANT_ROLE, hashed)
    return logins


def highlights(logins: list[DemoLogin]) -> list[tuple[str, DemoLogin]]:
    """A few logins worth printing: nation, province and county admins, a county clerk."""
    picks: list[tuple[str, DemoLogin]] = []

    def first(description: str, level: Level, role: Role) -> None:
        for login in logins:
            if login.level == level and role in login.roles:
                picks.append((description, login))
                return

    first("国家级管理员", Level.NATION, Role.ADMIN)
    first("省级管理员", Level.PROVINCE, Role.ADMIN)
    first("县级管理员", Level.COUNTY, Role.ADMIN)
    first("县级窗口人员", Level.COUNTY, Role.CLERK)
    return picks
