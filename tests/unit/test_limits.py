"""Request limits from the environment: documented defaults, clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tongban.config import load_settings
from tongban.limits import ENV_VARS, RequestLimits, load_limits

README = Path(__file__).resolve().parents[2] / "README.md"
SECURITY = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_defaults_and_overrides() -> None:
    assert load_limits({}) == RequestLimits()
    limits = load_limits(
        {"TONGBAN_GRAPHQL_MAX_COST": "500", "TONGBAN_GRAPHQL_TIMEOUT_SECONDS": "2.5"}
    )
    assert limits.cost == 500 and limits.timeout_seconds == 2.5
    assert limits.body_bytes == RequestLimits().body_bytes
    settings = load_settings({"TONGBAN_MAX_BODY_BYTES": "2048", "TONGBAN_VAR_DIR": "/tmp/x"})
    assert settings.limits.body_bytes == 2048


@pytest.mark.parametrize("value", ["0", "-1", "ten", "1.5"])
def test_a_bad_value_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(RuntimeError, match="TONGBAN_GRAPHQL_MAX_DEPTH must be a positive"):
        load_limits({"TONGBAN_GRAPHQL_MAX_DEPTH": value})


def test_every_limit_is_documented() -> None:
    readme, security = README.read_text(encoding="utf-8"), SECURITY.read_text(encoding="utf-8")
    for name in ENV_VARS.values():
        assert f"`{name}`" in readme, name
        assert f"`{name}`" in security, name
