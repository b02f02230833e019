"""Typed settings for one process, built from the environment or given explicitly."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from limits import parse_many

DEFAULT_SECRET_KEY = "dev-insecure-secret-key"
ENVIRONMENTS = ("development", "testing", "production")


class ConfigurationError(RuntimeError):
    """The configuration cannot be used; the message lists every reason."""


def psycopg2_url(url: str) -> str:
    """The URL with the psycopg2 driver named (SQLAlchemy 2.1 defaults to psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


def _names(value: str | None) -> tuple[str, ...] | None:
    """A comma-separated allow-list; unset means no restriction, empty means none."""
    if value is None:
        return None
    return tuple(name.strip() for name in value.split(",") if name.strip())


_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?", re.IGNORECASE)


def is_origin(value: str) -> bool:
    """An origin a browser sends: scheme, host and port only (`https://app.example.org`)."""
    return bool(_ORIGIN.fullmatch(value))


def _int(value: str | None, default: int) -> int:
    return default if value in (None, "") else int(value)


@dataclasses.dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = DEFAULT_SECRET_KEY
    database_url: str | None = None
    redis_url: str | None = None
    var_dir: Path = Path("var")
    max_content_length: int = 10 * 1024 * 1024
    db_pool_size: int = 5
    db_pool_recycle: int = 1800
    # A pooled connection idle longer than this is pinged before use (datacapt.database.liveness).
    db_ping_idle_seconds: float = 5.0
    log_level: str = "INFO"
    plugins: tuple[str, ...] | None = None  # None: every installed plugin
    host_cache_seconds: float = 2.0
    host_cache_size: int = 20_000  # hosts (tenants' domains and unknown ones) per process
    # A pooled connection that served this many tenant schemas is replaced at its next use.
    db_connection_max_schemas: int = 100
    files_dir: Path | None = None  # default: DATACAPT_VAR_DIR/files
    max_upload_bytes: int = 10 * 1024 * 1024
    file_types: tuple[str, ...] = (
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/csv",
        "text/plain",
    )
    mail_url: str = "console://"
    mail_from: str = "Datacapt <no-reply@localhost>"
    sms_url: str = "console://"
    sms_from: str = "Datacapt"
    # Domains tenants may send emails from besides MAIL_FROM's (operators add per tenant).
    mail_sender_domains: tuple[str, ...] = ()
    # How many proxies (load balancer, ingress) stand before the app: their X-Forwarded-*
    # headers are trusted that many hops deep. 0: the peer's address is the client's.
    trusted_proxies: int = 0
    # Where links in emails and SMS point: the frontend; {host} is the tenant's domain.
    frontend_url: str = "http://localhost:5000"
    # Where the API is reached from outside (the logo in emails); None: the frontend's URL.
    public_api_url: str | None = None
    # Rate limits ("N per minute|hour", several separated by ";"): logins, reset requests
    # and invitation acceptances per address and tenant; reset requests per email; ePRO
    # links that open nothing per address, whatever the tenant.
    auth_rate_limit: str = "30 per minute"
    password_reset_rate_limit: str = "5 per hour"
    epro_token_failure_limit: str = "10 per 15 minutes"
    # Seconds after which a job sent to Redis but not run, and no longer held by Redis, is
    # sent again by the relay.
    jobs_redispatch_after: int = 120
    # Browser origins allowed to call the API of every tenant (each tenant adds its own).
    cors_origins: tuple[str, ...] = ()
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if environ is None else environ
        default = cls()  # each setting's default is written once, on the field

        def text(name: str, field: str) -> Any:
            return env.get(name) or getattr(default, field)

        def number(name: str, field: str) -> int:
            return _int(env.get(name), getattr(default, field))

        values: dict[str, Any] = {
            "env": env.get("DATACAPT_ENV", default.env),
            "secret_key": text("SECRET_KEY", "secret_key"),
            "database_url": text("DATABASE_URL", "database_url"),
            "redis_url": text("REDIS_URL", "redis_url"),
            "var_dir": Path(env.get("DATACAPT_VAR_DIR", default.var_dir)),
            "max_content_length": number("DATACAPT_MAX_BODY_BYTES", "max_content_length"),
            "db_pool_size": number("DATACAPT_DB_POOL_SIZE", "db_pool_size"),
            "db_pool_recycle": number("DATACAPT_DB_POOL_RECYCLE", "db_pool_recycle"),
            "db_ping_idle_seconds": float(
                env.get("DATACAPT_DB_PING_IDLE_SECONDS") or default.db_ping_idle_seconds
            ),
            "log_level": env.get("LOG_LEVEL", default.log_level),
            "plugins": _names(env.get("DATACAPT_PLUGINS")),
            "host_cache_seconds": float(
                env.get("DATACAPT_HOST_CACHE_SECONDS") or default.host_cache_seconds
            ),
            "host_cache_size": number("DATACAPT_HOST_CACHE_SIZE", "host_cache_size"),
            "db_connection_max_schemas": number(
                "DATACAPT_DB_CONNECTION_MAX_SCHEMAS", "db_connection_max_schemas"
            ),
            "files_dir": Path(env["DATACAPT_FILES_DIR"]) if env.get("DATACAPT_FILES_DIR") else None,
            "max_upload_bytes": number("DATACAPT_MAX_UPLOAD_BYTES", "max_upload_bytes"),
            "file_types": _names(env.get("DATACAPT_FILE_TYPES")) or default.file_types,
            "mail_url": text("MAIL_URL", "mail_url"),
            "mail_from": text("MAIL_FROM", "mail_from"),
            "sms_url": text("SMS_URL", "sms_url"),
            "sms_from": text("SMS_FROM", "sms_from"),
            "mail_sender_domains": _names(env.get("DATACAPT_MAIL_SENDER_DOMAINS"))
            or default.mail_sender_domains,
            "trusted_proxies": number("DATACAPT_TRUSTED_PROXIES", "trusted_proxies"),
            "frontend_url": text("DATACAPT_FRONTEND_URL", "frontend_url"),
            "public_api_url": text("DATACAPT_PUBLIC_API_URL", "public_api_url"),
            "auth_rate_limit": text("DATACAPT_AUTH_RATE_LIMIT", "auth_rate_limit"),
            "password_reset_rate_limit": text(
                "DATACAPT_PASSWORD_RESET_RATE_LIMIT", "password_reset_rate_limit"
            ),
            "epro_token_failure_limit": text(
                "DATACAPT_EPRO_TOKEN_FAILURE_LIMIT", "epro_token_failure_limit"
            ),
            "jobs_redispatch_after": number(
                "DATACAPT_JOBS_REDISPATCH_AFTER", "jobs_redispatch_after"
            ),
            "cors_origins": _names(env.get("DATACAPT_CORS_ORIGINS")) or default.cors_origins,
        }
        values.update(overrides)
        return cls(**values)

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    def validate(self) -> None:
        """Raise ConfigurationError naming every setting that makes this process unsafe."""
        problems: list[str] = []
        if self.env not in ENVIRONMENTS:
            problems.append(
                f"DATACAPT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.env!r}"
            )
        if self.max_content_length <= 0:
            problems.append("DATACAPT_MAX_BODY_BYTES must be a positive number of bytes")
        if self.mail_url.split("://", 1)[0] not in ("console", "file", "smtp", "smtps"):
            problems.append("MAIL_URL must start with console://, file://, smtp:// or smtps://")
        if self.jobs_redispatch_after <= 0:
            problems.append("DATACAPT_JOBS_REDISPATCH_AFTER must be a positive number of seconds")
        if self.trusted_proxies < 0:
            problems.append("DATACAPT_TRUSTED_PROXIES must be 0 or a number of proxies")
        if self.sms_url.split("://", 1)[0] not in ("console", "file", "http", "https"):
            problems.append("SMS_URL must start with console://, file://, http:// or https://")
        for name in ("auth_rate_limit", "password_reset_rate_limit", "epro_token_failure_limit"):
            try:
                parse_many(getattr(self, name))
            except ValueError:
                problems.append(
                    f"DATACAPT_{name.upper()} must be rate limits like '30 per minute',"
                    f" not {getattr(self, name)!r}"
                )
        wrong_origins = [origin for origin in self.cors_origins if not is_origin(origin)]
        if wrong_origins:
            problems.append(
                "DATACAPT_CORS_ORIGINS lists what is not an origin (scheme://host[:port]): "
                + ", ".join(wrong_origins)
            )
        if self.is_production:
            if self.uses_embedded_database:
                problems.append(
                    "DATABASE_URL is not set: production never runs on the embedded PostgreSQL"
                )
            if not self.redis_url:
                problems.append("REDIS_URL is not set: production runs jobs on Redis workers")
            if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32:
                problems.append(
                    "SECRET_KEY is the default or shorter than 32 characters: set a random secret"
                )
        if problems:
            raise ConfigurationError(
                "Refusing to start with this configuration:\n- " + "\n- ".join(problems)
            )
