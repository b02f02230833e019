"""create_app(): the application factory."""

from __future__ import annotations

import gc
import inspect
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import FunctionType
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from datacapt.config import Settings
from datacapt.config.settings import psycopg2_url


class DatacaptFlask(Flask):
    """Flask, asking once per function whether it is a coroutine function, where Flask
    asks on every call of every view and hook (about fifteen times a request)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._coroutine_functions: dict[FunctionType, bool] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        # A view's method is bound anew on every request: its function is what is kept.
        plain = getattr(func, "__func__", func)
        if not isinstance(plain, FunctionType):
            return super().ensure_sync(func)
        is_coroutine = self._coroutine_functions.get(plain)
        if is_coroutine is None:
            is_coroutine = self._coroutine_functions[plain] = inspect.iscoroutinefunction(func)
        return self.async_to_sync(func) if is_coroutine else func


def _settings(config: Settings | Mapping[str, Any] | None) -> Settings:
    if isinstance(config, Settings):
        return config
    return Settings.from_env(**dict(config or {}))


def _database_url(settings: Settings) -> str:
    if settings.database_url:
        return psycopg2_url(settings.database_url)
    # Only without DATABASE_URL: the embedded server's package is heavy to load.
    from datacapt.database.embedded import embedded_database_url

    return psycopg2_url(embedded_database_url(settings.var_dir))


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("pgserver", "alembic"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLevelName(level)))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the app is built: it would go over the
    thousands of classes, schemas and routes being made again and again (about a sixth of
    start-up) and free little: what is left over goes at its next pass."""
    if not gc.isenabled():  # the caller turned it off: theirs to turn back on
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def create_app(
    config: Settings | Mapping[str, Any] | None = None, extra_plugins: Iterable[Any] = ()
) -> Flask:
    """Build the app from ``config`` (Settings, overrides of Settings fields, or the env).

    ``extra_plugins`` are plugin objects registered beside the installed ones (tests).
    """
    settings = _settings(config)
    settings.validate()
    _configure_logging(settings.log_level)
    with _collector_paused():
        return _build(settings, extra_plugins)


def _build(settings: Settings, extra_plugins: Iterable[Any]) -> Flask:
    # Imported here: a refused configuration fails before any of this loads, and
    # `import datacapt` stays light for tools that only need the package metadata.
    from datacapt.api.extension import init_api
    from datacapt.api.json import DatacaptJSONProvider
    from datacapt.api.limits import init_limits
    from datacapt.audit import recorder  # noqa: F401  (it records every audited change)
    from datacapt.audit.cli import audit_cli
    from datacapt.audit.jobs import HEADS_ENTRY
    from datacapt.console import CommandGroup
    from datacapt.database import db
    from datacapt.database.liveness import ping_idle_connections
    from datacapt.demo.cli import demo_cli
    from datacapt.health.routes import blp as health_blp
    from datacapt.i18n.cli import translations_cli
    from datacapt.identity.cli import users_cli
    from datacapt.identity.messages import TEMPLATES as IDENTITY_TEMPLATES
    from datacapt.invitations.messages import TEMPLATES as INVITATION_TEMPLATES
    from datacapt.jobs.cli import jobs_cli
    from datacapt.jobs.connection import init_redis
    from datacapt.jobs.cron import init_cron, register_cron_entry
    from datacapt.migrating.lineages import init_lineages
    from datacapt.notifications.cli import notifications_cli
    from datacapt.notifications.jobs import SWEEP_ENTRY
    from datacapt.notifications.templates import init_templates
    from datacapt.operators.cli import operators_cli
    from datacapt.plugins.cli import plugins_cli
    from datacapt.plugins.setup import init_plugins
    from datacapt.routes import CORE_BLUEPRINTS
    from datacapt.tenancy.cli import tenants_cli
    from datacapt.tenancy.connections import init_connection_recycling
    from datacapt.tenancy.cors import init_cors
    from datacapt.tenancy.hosts import init_host_cache
    from datacapt.tenancy.resolver import init_tenant_resolution

    app = DatacaptFlask("datacapt")
    app.cli = CommandGroup(app.name)
    app.json = DatacaptJSONProvider(app)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        SQLALCHEMY_DATABASE_URI=_database_url(settings),
        SQLALCHEMY_ENGINE_OPTIONS={
            # Connections that visited many tenant schemas hold large catalog caches.
            "pool_recycle": settings.db_pool_recycle,
            "pool_size": settings.db_pool_size,
            # The connection used last is used again: a worker's requests keep one backend
            # (its caches and plans) warm, and the pool's others stay idle until needed.
            "pool_use_lifo": True,
            # Many rows updated in one flush (a section's answers) go in one round trip.
            "executemany_mode": "values_plus_batch",
        },
        DATACAPT_ENV=settings.env,
        MAIL_URL=settings.mail_url,
        DATACAPT_FILES_DIR=str((settings.files_dir or settings.var_dir / "files").resolve()),
        DATACAPT_MAX_UPLOAD_BYTES=settings.max_upload_bytes,
        DATACAPT_FILE_TYPES=frozenset(settings.file_types),
        MAIL_FROM=settings.mail_from,
        SMS_URL=settings.sms_url,
        SMS_FROM=settings.sms_from,
        DATACAPT_MAIL_SENDER_DOMAINS=frozenset(d.lower() for d in settings.mail_sender_domains),
        DATACAPT_FRONTEND_URL=settings.frontend_url.rstrip("/"),
        DATACAPT_PUBLIC_API_URL=(settings.public_api_url or "").rstrip("/"),
        JOBS_REDISPATCH_AFTER=settings.jobs_redispatch_after,
        TESTING=settings.env == "testing",
    )
    app.config.update(settings.extra)
    app.extensions["datacapt.settings"] = settings

    db.init_app(app)
    init_connection_recycling(app, settings.db_connection_max_schemas)
    with app.app_context():
        ping_idle_connections(db.engine, settings.db_ping_idle_seconds)
    init_lineages(app)
    init_redis(app, settings.redis_url)
    init_cron(app)
    register_cron_entry(app, HEADS_ENTRY)
    register_cron_entry(app, SWEEP_ENTRY)
    init_templates(app, [*IDENTITY_TEMPLATES, *INVITATION_TEMPLATES])
    init_host_cache(app, settings.host_cache_seconds, settings.host_cache_size)
    init_limits(app, settings)

    api = init_api(app)
    init_cors(app, settings.cors_origins, settings.host_cache_seconds, settings.host_cache_size)
    init_tenant_resolution(app)
    app.register_blueprint(health_blp)
    for blueprint in CORE_BLUEPRINTS:
        api.register_blueprint(blueprint)
    for group in (
        tenants_cli,
        plugins_cli,
        users_cli,
        operators_cli,
        audit_cli,
        demo_cli,
        jobs_cli,
        notifications_cli,
        translations_cli,
    ):
        app.cli.add_command(group)
    init_plugins(app, api, settings.plugins, extra_plugins)
    if settings.trusted_proxies:
        # Behind N proxies, the client's address, scheme and host are what they forwarded
        # (audit records, rate limits and tenant resolution need the real ones).
        hops = settings.trusted_proxies
        # Flask documents wrapping wsgi_app in middleware; its type says it is a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app
