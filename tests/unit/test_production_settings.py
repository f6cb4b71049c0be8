"""Production refuses to start unsafe (docs/security.md): an unknown TONGBAN_ENV, the
repository's development key, a short or guessable key, a missing or malformed seal key —
each refused with its reason; good settings load."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from click.testing import CliRunner

from tongban.cli import main
from tongban.config import DEV_SECRET_KEY, ConfigError, estimated_bits, load_settings

GOOD_SECRET = secrets.token_hex(32)
GOOD_SEAL = secrets.token_hex(32)
PRODUCTION = {
    "TONGBAN_ENV": "production",
    "TONGBAN_SECRET_KEY": GOOD_SECRET,
    "TONGBAN_SEAL_KEY": GOOD_SEAL,
}


@pytest.mark.parametrize("value", ["Production", "prod", "PRODUCTION", "production ", "", "dev"])
def test_an_undocumented_tongban_env_is_an_error(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({**PRODUCTION, "TONGBAN_ENV": value})
    message = str(caught.value)
    assert "TONGBAN_ENV 只能是 development 或 production" in message
    assert repr(value) in message  # the value it got, quoted (a trailing space shows)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"TONGBAN_SECRET_KEY": ""}, "生产环境必须设置 TONGBAN_SECRET_KEY"),
        ({"TONGBAN_SECRET_KEY": DEV_SECRET_KEY}, "仓库中公开的开发密钥"),
        ({"TONGBAN_SECRET_KEY": "my-app-secret-change-me-0123456789abcdef"}, "开发密钥"),
        ({"TONGBAN_SECRET_KEY": "x"}, "太短：1 个字符，至少 32 个"),
        ({"TONGBAN_SECRET_KEY": secrets.token_hex(8)}, "太短：16 个字符"),
        ({"TONGBAN_SECRET_KEY": "x" * 64}, "随机性不足：约 0 位"),
        ({"TONGBAN_SECRET_KEY": "ab" * 32}, "随机性不足：约 64 位"),
        ({"TONGBAN_SEAL_KEY": ""}, "生产环境必须设置 TONGBAN_SEAL_KEY"),
        ({"TONGBAN_SEAL_KEY": "x"}, "64 位十六进制或至少 16 个字符的口令"),
        ({"TONGBAN_SEAL_KEY": "abc123" * 2}, "64 位十六进制或至少 16 个字符的口令"),
        ({"TONGBAN_SEAL_KEY": GOOD_SECRET}, "不能与 TONGBAN_SECRET_KEY 相同"),
    ],
)
def test_production_refuses_unsafe_keys_with_the_reason(
    changes: dict[str, str], reason: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({**PRODUCTION, **changes})
    message = str(caught.value)
    assert message.startswith("配置不安全或有误，拒绝启动"), message
    assert reason in message
    for secret in changes.values():  # the reason never shows a key
        assert len(secret) < 16 or secret not in message


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"TONGBAN_ENV": "production", "TONGBAN_SECRET_KEY": DEV_SECRET_KEY})
    assert "开发密钥" in str(caught.value) and "TONGBAN_SEAL_KEY" in str(caught.value)


def test_good_production_settings_load() -> None:
    settings = load_settings(PRODUCTION)
    assert settings.production and settings.secret_key == GOOD_SECRET
    assert settings.seal_key == GOOD_SEAL and settings.webhook_allow == ()
    passphrase = load_settings({**PRODUCTION, "TONGBAN_SEAL_KEY": "a long enough passphrase"})
    assert passphrase.seal_key == "a long enough passphrase"


def test_development_is_unchanged_but_a_malformed_seal_key_is_still_refused() -> None:
    settings = load_settings({})
    assert not settings.production and settings.secret_key == DEV_SECRET_KEY
    assert load_settings({"TONGBAN_SECRET_KEY": "x"}).secret_key == "x"  # development only
    with pytest.raises(ConfigError, match="64 位十六进制"):
        load_settings({"TONGBAN_SEAL_KEY": "short"})


def test_the_entropy_estimate() -> None:
    assert estimated_bits("a" * 100) == 0
    assert estimated_bits("ab" * 32) == 64
    assert estimated_bits(secrets.token_hex(32)) > 200
    assert estimated_bits(secrets.token_urlsafe(32)) > 128


def test_the_command_line_refuses_with_the_reason_and_status_2(tmp_path: Path) -> None:
    runner = CliRunner()
    for environ, reason in (
        ({"TONGBAN_ENV": "prod"}, "TONGBAN_ENV 只能是 development 或 production，不是 'prod'"),
        (
            {"TONGBAN_ENV": "production", "TONGBAN_SECRET_KEY": DEV_SECRET_KEY},
            "仓库中公开的开发密钥",
        ),
    ):
        result = runner.invoke(
            main, ["db", "upgrade"], env={**environ, "TONGBAN_VAR_DIR": str(tmp_path)}
        )
        assert result.exit_code == 2, result.output
        assert reason in result.output
        assert not (tmp_path / "tongban.db").exists()  # refused before anything was made


def test_a_database_role_must_be_a_plain_role_name() -> None:
    from tongban.config import ConfigError, load_settings

    assert load_settings({"TONGBAN_DATABASE_ROLE": "tongban_app"}).database_role == "tongban_app"
    with pytest.raises(ConfigError, match="TONGBAN_DATABASE_ROLE"):
        load_settings({"TONGBAN_DATABASE_ROLE": 'x"; DROP TABLE "case'})
