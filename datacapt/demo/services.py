"""The demo tenant: created once, kept at head, with every loaded module enabled, a demo
study with two centers, one user per default role (listed in the README) and each
module's example data (its ``datacapt_demo_data`` hook)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from datacapt.database import db, unit_of_work
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.identity.services import create_user, find_user, get_role
from datacapt.migrating import migrate_tenants
from datacapt.migrating.runner import Progress, silent
from datacapt.permissions.defaults import DEFAULT_ROLES, INVESTIGATOR
from datacapt.plugins.services import enable_plugin, plugin_set, tenant_lineage_plan
from datacapt.studies.models import Study, StudyCenter, StudyCenterAssociation, StudyUser
from datacapt.tenancy.context import tenant_context
from datacapt.tenancy.services import create_tenant, find_tenant, get_tenant, update_tenant_settings

DEMO_SCHEMA = "demo"
DEMO_NAME = "Demo Clinical Research"
DEMO_DOMAINS = ("localhost", "127.0.0.1")
DEMO_PASSWORD = "Clinical-Evidence-Matters-42"
DEMO_STUDY = "DEMO-001"
DEMO_CENTERS = (
    ("PAR-01", "Hôpital Saint-Antoine, Paris", "FR"),
    ("LYO-02", "Centre Léon Bérard, Lyon", "FR"),
)


def demo_email(role: str) -> str:
    return f"{role.replace('_', '.')}@demo.example.org"


@dataclass(frozen=True)
class DemoSeed:
    created: bool
    enabled: list[str]
    warnings: list[str]
    users: list[str]


DEMO_BRANDING = {
    "brand_name": "Demo Trials",
    "primary_color": "#1a73e8",
    "secondary_color": "#f1f3f4",
    "retention_days": {"closed_chats": 3650, "export_files": 30},
}


def seed_demo(actor: str, progress: Progress = silent) -> DemoSeed:
    """Create (or migrate) the demo tenant, enable every plugin, add its study and users;
    each of these is a step of ``progress``."""
    names = list(plugin_set().plugins)
    with progress("seeding the demo", len(names) + 2) as advance:
        created = find_tenant(DEMO_SCHEMA) is None
        if created:
            create_tenant(DEMO_SCHEMA, DEMO_NAME, DEMO_DOMAINS)
        else:
            plan = tenant_lineage_plan([get_tenant(DEMO_SCHEMA)])
            db.session.remove()
            report = migrate_tenants(db.engine, plan)
            if not report.ok:
                raise DatacaptException(
                    ErrorCode.INTERNAL_ERROR,
                    InternalCodes.INTERNAL_ERROR,
                    f"Migrating the demo tenant failed: {report.failed[0].error}",
                )
        advance("tenant created" if created else "tenant at head")
        enabled: list[str] = []
        warnings: list[str] = []
        for name in names:
            result = enable_plugin(DEMO_SCHEMA, name, actor, with_deps=True)
            enabled.extend(result.changed)
            warnings.extend(result.warnings)
            advance(f"module {name}")
        # The demo data is the tenant's own transaction, apart from the command's.
        with tenant_context(DEMO_SCHEMA), unit_of_work():
            update_tenant_settings(DEMO_BRANDING)  # as a customer's frontend would show it
            study, users = _seed_study_and_users()
            for name in names:
                plugin_set().call(name, "datacapt_demo_data", study=study)
        advance("study, users and data")
    return DemoSeed(created, enabled, warnings, users)


def _get_or_add(model, lookup: dict, **values):
    found = db.session.execute(sa.select(model).filter_by(**lookup)).scalar_one_or_none()
    if found is None:
        found = model(**lookup, **values)
        db.session.add(found)
        db.session.flush()
    return found


def _seed_study_and_users() -> tuple[Study, list[str]]:
    study = _get_or_add(
        Study, {"reference": DEMO_STUDY}, name="Demo study: hypertension follow-up", description=""
    )
    centers = [
        _get_or_add(StudyCenter, {"code": code}, name=name, country=country)
        for code, name, country in DEMO_CENTERS
    ]
    for center in centers:
        _get_or_add(StudyCenterAssociation, {"study_id": study.id, "center_id": center.id})
    created = []
    for role_name in DEFAULT_ROLES:
        email = demo_email(role_name)
        user = find_user(email)
        if user is None:
            role = get_role(role_name)
            user = create_user(
                email, "Demo", role_name.replace("_", " ").title(), role, DEMO_PASSWORD
            )
            created.append(email)
        restricted = role_name == INVESTIGATOR  # an investigator sees the first site only
        member = _get_or_add(
            StudyUser,
            {"study_id": study.id, "user_id": user.id},
            role_id=user.platform_role_id,
            all_centers=not restricted,
        )
        if restricted and not member.centers:
            member.centers = [centers[0]]
    db.session.flush()
    return study, created
