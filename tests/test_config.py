"""Configuration from the environment; production refuses unsafe settings."""

from __future__ import annotations

import pytest

from datacapt.app import create_app
from datacapt.config import DEFAULT_SECRET_KEY, ConfigurationError, Settings
from datacapt.config.settings import psycopg2_url

SAFE_PRODUCTION = {
    "DATACAPT_ENV": "production",
    "DATABASE_URL": "postgresql://db.internal/datacapt",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "SECRET_KEY": "s" * 40,
}


def test_settings_come_from_the_environment():
    settings = Settings.from_env(
        {**SAFE_PRODUCTION, "DATACAPT_MAX_BODY_BYTES": "2048", "DATACAPT_DB_POOL_RECYCLE": "60"}
    )
    assert settings.is_production and not settings.uses_embedded_database
    assert settings.max_content_length == 2048 and settings.db_pool_recycle == 60
    settings.validate()


def test_development_defaults_use_the_embedded_database_and_in_process_jobs():
    settings = Settings.from_env({})
    assert settings.env == "development"
    assert settings.uses_embedded_database and settings.redis_url is None
    settings.validate()


@pytest.mark.parametrize(
    ("unset", "reason"),
    [
        ("DATABASE_URL", "embedded PostgreSQL"),
        ("REDIS_URL", "REDIS_URL is not set"),
        ("SECRET_KEY", "SECRET_KEY is the default"),
    ],
)
def test_production_refuses_each_unsafe_setting_and_says_why(unset, reason):
    environ = {k: v for k, v in SAFE_PRODUCTION.items() if k != unset}
    with pytest.raises(ConfigurationError, match=reason):
        create_app(Settings.from_env(environ))


def test_production_lists_every_problem_at_once():
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env(
            {"DATACAPT_ENV": "production", "SECRET_KEY": DEFAULT_SECRET_KEY}
        ).validate()
    message = str(raised.value)
    assert "DATABASE_URL" in message and "REDIS_URL" in message and "SECRET_KEY" in message


def test_short_secret_and_unknown_environment_are_refused():
    with pytest.raises(ConfigurationError, match="shorter than 32"):
        Settings.from_env({**SAFE_PRODUCTION, "SECRET_KEY": "short"}).validate()
    with pytest.raises(ConfigurationError, match="DATACAPT_ENV must be one of"):
        Settings.from_env({"DATACAPT_ENV": "staging"}).validate()


def test_database_urls_use_the_psycopg2_driver():
    assert psycopg2_url("postgres://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert psycopg2_url("postgresql://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert psycopg2_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"


def test_trusted_proxies_come_from_the_environment_and_are_checked():
    assert Settings.from_env({"DATACAPT_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    assert Settings.from_env({}).trusted_proxies == 0
    with pytest.raises(ConfigurationError, match="DATACAPT_TRUSTED_PROXIES"):
        Settings(trusted_proxies=-1).validate()
