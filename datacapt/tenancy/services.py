"""Tenant lifecycle: validate, create (schema and rows in one transaction), archive, look up."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from email.utils import parseaddr
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from datacapt.database import after_commit, db, utcnow
from datacapt.database.locks import locked_transaction
from datacapt.database.session import NO_TENANT_SCHEMA
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes, invalid, not_found
from datacapt.i18n import Message
from datacapt.migrating import Lineage, tenant_lineages, upgrade
from datacapt.slots import Slot
from datacapt.tenancy.context import REF_COLUMNS, TenantRef, current_tenant, get_tenant
from datacapt.tenancy.hosts import MISSING, host_cache
from datacapt.tenancy.models import Domain, Tenant, TenantSettings, TenantStatus
from datacapt.tenancy.signals import tenant_created, tenant_settings_changed
from datacapt.tenancy.spares import SPARE_PREFIX, claim_spare

SCHEMA_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
RESERVED_SCHEMAS = frozenset({"public", "information_schema", "shared", NO_TENANT_SCHEMA})
NAME_LENGTH = 200  # tenants.name
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Tenant creations take this lock so that the uniqueness checks and inserts are atomic.
_TENANTS_LOCK = "datacapt.tenants"

LineagePlan = Callable[[Sequence[TenantRef]], dict[str, list[Lineage]]]
_LINEAGE_PLAN: Slot[LineagePlan] = Slot("datacapt.tenant_lineage_plan")


def register_lineage_plan(app: Flask, plan: LineagePlan) -> None:
    """Set what gives each tenant its lineages (the core's, then its enabled plugins')."""
    _LINEAGE_PLAN.fill(app, plan)


def lineage_plan(tenants: Sequence[TenantRef]) -> dict[str, list[Lineage]]:
    """Each tenant's lineages by schema name, in the order to migrate them."""
    return _LINEAGE_PLAN.get()(tenants)


def validate_schema_name(schema_name: str) -> str:
    if schema_name in RESERVED_SCHEMAS or schema_name.startswith(("pg_", SPARE_PREFIX)):
        raise invalid(
            InternalCodes.TENANT_SCHEMA_RESERVED,
            f"{schema_name!r} is reserved by PostgreSQL or the platform",
            field="schema_name",
        )
    if not SCHEMA_NAME_PATTERN.fullmatch(schema_name):
        raise invalid(
            InternalCodes.TENANT_SCHEMA_INVALID,
            f"{schema_name!r} is not a valid schema name: 2 to 63 characters, lower-case"
            " letters, digits and underscores, starting with a letter",
            field="schema_name",
        )
    return schema_name


def normalize_host(host: str) -> str:
    """Lower-case host name without port or trailing dot ('' when it cannot be a host)."""
    host = host.strip().lower()
    if host.startswith("["):  # [IPv6]:port
        return host[1 : host.find("]")] if "]" in host else ""
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def validate_domain(domain: str) -> str:
    host = normalize_host(domain)
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise invalid(
            InternalCodes.DOMAIN_INVALID, f"{domain!r} is not a valid host name", field="domains"
        )
    return host


def to_ref(tenant: Tenant) -> TenantRef:
    return TenantRef(tenant.id, tenant.uuid, tenant.schema_name, tenant.name, tenant.status)


def create_tenant(
    schema_name: str,
    name: str,
    domains: Sequence[str],
    lineages: Sequence[Lineage] | None = None,
) -> Tenant:
    """Create the tenant's rows, schema and tables in one transaction: all or nothing.

    The schema is a spare built ahead with the same ``lineages`` when one waits
    (datacapt.tenancy.spares), else made and migrated here."""
    schema_name = validate_schema_name(schema_name)
    name = name.strip()
    if not name:
        raise invalid(InternalCodes.VALIDATION_FAILED, "A tenant needs a name", field="name")
    if len(name) > NAME_LENGTH:
        raise invalid(
            InternalCodes.VALIDATION_FAILED,
            f"A tenant name has at most {NAME_LENGTH} characters",
            field="name",
        )
    hosts = list(dict.fromkeys(validate_domain(d) for d in domains))
    if not hosts:
        raise invalid(
            InternalCodes.DOMAIN_INVALID, "A tenant needs at least one domain", field="domains"
        )
    lineages = tenant_lineages() if lineages is None else lineages

    with locked_transaction(db.engine, _TENANTS_LOCK) as (connection, session):
        _check_free(connection, schema_name, hosts)
        tenant = Tenant(schema_name=schema_name, name=name, status=TenantStatus.ACTIVE)
        tenant.domains = [
            Domain(domain=host, is_primary=index == 0) for index, host in enumerate(hosts)
        ]
        session.add(tenant)
        session.flush()
        if not claim_spare(connection, lineages, schema_name):
            connection.execute(sa.schema.CreateSchema(schema_name))
            for lineage in lineages:
                upgrade(connection, lineage, schema_name)
    host_cache().clear()
    # Flask types its proxies as the object they stand for, without the proxy's methods.
    tenant_created.send(current_app._get_current_object(), tenant=to_ref(tenant))  # type: ignore[attr-defined]
    return tenant


def _check_free(connection: sa.Connection, schema_name: str, hosts: list[str]) -> None:
    schema_taken = (
        connection.execute(
            sa.select(sa.func.count()).select_from(Tenant).where(Tenant.schema_name == schema_name)
        ).scalar_one()
        or connection.execute(
            sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = :name"),
            {"name": schema_name},
        ).scalar_one()
    )
    if schema_taken:
        raise DatacaptException(
            ErrorCode.CONFLICT,
            InternalCodes.TENANT_ALREADY_EXISTS,
            f"A tenant or schema named {schema_name!r} already exists",
            fields={"schema_name": ["already exists"]},
        )
    taken = (
        connection.execute(
            sa.select(Domain.domain).where(Domain.domain.in_(hosts)).order_by(Domain.domain)
        )
        .scalars()
        .all()
    )
    if taken:
        raise DatacaptException(
            ErrorCode.CONFLICT,
            InternalCodes.DOMAIN_ALREADY_TAKEN,
            f"Domain already taken by another tenant: {', '.join(taken)}",
            fields={"domains": [f"{host} is already taken" for host in taken]},
        )


def find_tenant(schema_name: str) -> Tenant | None:
    return db.session.execute(
        sa.select(Tenant).where(Tenant.schema_name == schema_name)
    ).scalar_one_or_none()


def list_tenants() -> list[Tenant]:
    return list(db.session.execute(sa.select(Tenant).order_by(Tenant.schema_name)).scalars())


def tenant_refs(schema_name: str | None) -> list[TenantRef]:
    """One tenant by schema name, or every tenant (commands that take --tenant)."""
    if schema_name:
        return [get_tenant(schema_name)]
    # Columns, not models: 10,000 tenants load without their domains.
    rows = db.session.execute(sa.select(*REF_COLUMNS).order_by(Tenant.schema_name))
    return [TenantRef(*row) for row in rows]


def tenant_for_host(host: str) -> TenantRef:
    """The active tenant a request's Host header names (port and case ignored)."""
    host = normalize_host(host)
    cache = host_cache()
    tenant = cache.get(host)
    if tenant is MISSING:
        row = db.session.execute(
            sa.select(*REF_COLUMNS)
            .join(Domain, Domain.tenant_id == Tenant.id)
            .where(Domain.domain == host)
        ).one_or_none()
        tenant = TenantRef(*row) if row else None
        cache.put(host, tenant)
    if tenant is None:
        raise not_found(
            Message("No tenant is served at this host"),
            internal_code=InternalCodes.TENANT_NOT_FOUND,
        )
    if tenant.status != TenantStatus.ACTIVE:
        raise not_found(
            Message("No tenant is served at this host"), internal_code=InternalCodes.TENANT_ARCHIVED
        )
    return tenant


def archive_tenant(schema_name: str) -> Tenant:
    """Stop serving the tenant; its schema and every row are kept. Idempotent."""
    tenant = find_tenant(schema_name)
    if tenant is None:
        raise not_found(f"No tenant {schema_name!r}", internal_code=InternalCodes.TENANT_NOT_FOUND)
    if tenant.status != TenantStatus.ARCHIVED:
        tenant.transition_to(TenantStatus.ARCHIVED)
        tenant.archived_at = utcnow()
        db.session.flush()
        after_commit(host_cache().clear)
    return tenant


def _tenant_url(base: str) -> str:
    """``base`` with ``{host}`` replaced by the current tenant's primary domain."""
    if "{host}" not in base:
        return base
    domain = (
        db.session.execute(
            sa.select(Domain.domain)
            .where(Domain.tenant_id == current_tenant().id)
            .order_by(Domain.is_primary.desc(), Domain.id)
        )
        .scalars()
        .first()
    )
    return base.replace("{host}", domain or "localhost")


def frontend_url() -> str:
    """Where the current tenant's frontend is, for links sent by email or SMS:
    DATACAPT_FRONTEND_URL, its ``{host}`` replaced by the tenant's primary domain."""
    return _tenant_url(current_app.config["DATACAPT_FRONTEND_URL"])


def public_api_url() -> str:
    """Where the current tenant's API is reached from outside (the logo in emails):
    DATACAPT_PUBLIC_API_URL, else the frontend's, ``{host}`` replaced as there."""
    config = current_app.config
    return _tenant_url(config["DATACAPT_PUBLIC_API_URL"] or config["DATACAPT_FRONTEND_URL"])


def get_tenant_settings() -> TenantSettings:
    """The current tenant's settings row (created with its schema), once per session."""
    session = db.session()
    cached = session.info.get("tenant_settings")
    if cached is None:
        cached = session.info["tenant_settings"] = session.execute(
            sa.select(TenantSettings)
        ).scalar_one()
    return cached


def update_tenant_settings(changes: Mapping[str, Any]) -> TenantSettings:
    """Apply validated ``changes`` (a settings schema's load) to the current tenant's
    settings: ``retention_days`` merges (a null value unsets a kind), the rest replaces.
    Refused whole, with ``fields``, when the result does not hold together: the default
    language among those offered, the sender's address at an allowed domain."""
    settings = get_tenant_settings()
    # Locked and read again: a concurrent change (a retention merged) is not lost.
    db.session.refresh(settings, with_for_update=True)
    changes = dict(changes)
    if "sender_domains" in changes:
        changes["sender_domains"] = list(
            dict.fromkeys(map(validate_domain, changes["sender_domains"]))
        )
    if "retention_days" in changes:
        merged = {**settings.retention_days, **changes["retention_days"]}
        changes["retention_days"] = {k: v for k, v in merged.items() if v is not None}
    problems = _problems({**_current(settings, changes), **changes})
    if problems:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            InternalCodes.VALIDATION_FAILED,
            Message("These settings do not hold together"),
            fields=problems,
        )
    for name, value in changes.items():
        setattr(settings, name, value)
    changed = set(settings.tracked_changes)
    if changed:
        db.session.flush()
        tenant_settings_changed.send(settings, changed=changed)
    return settings


def _current(settings: TenantSettings, changes: Mapping[str, Any]) -> dict[str, Any]:
    names = ("languages", "default_language", "sender_address", "sender_domains")
    return {name: getattr(settings, name) for name in names if name not in changes}


def _problems(result: Mapping[str, Any]) -> dict[str, list[Message]]:
    problems: dict[str, list[Message]] = {}
    if result["default_language"] not in result["languages"]:
        problems["default_language"] = [
            Message("The default language must be one of the languages offered.")
        ]
    address = result["sender_address"]
    allowed = allowed_sender_domains(result["sender_domains"])
    if address and address.rpartition("@")[2].lower() not in allowed:
        problems["sender_address"] = [
            Message(
                "Emails may be sent from these domains only: {domains}.",
                domains=", ".join(sorted(allowed)),
            )
        ]
    return problems


def allowed_sender_domains(tenant_domains: Sequence[str]) -> set[str]:
    """The domains emails may come from: MAIL_FROM's, the deployment's
    (DATACAPT_MAIL_SENDER_DOMAINS) and those operators allowed the tenant."""
    config = current_app.config
    own = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2].lower()
    return {own, *config["DATACAPT_MAIL_SENDER_DOMAINS"], *tenant_domains} - {""}
