"""A study's payment plans and their versions: drafts change, an approved version never
does, and what happens after its approval is paid under it. Services flush, the request
commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    InternalCodes,
    Message,
    Study,
    acting_user,
    conflict,
    db,
    document_etag,
    get_in_study,
    invalid,
    lock_document,
    not_found,
    require_current,
    study_query,
    utcnow,
)
from plugins.payments.errors import PaymentCodes
from plugins.payments.plans import terms
from plugins.payments.plans.models import PaymentPlan, PlanVersion, VersionStatus

PLAN_DOCUMENT = "payment_plan"
VERSION_DOCUMENT = "payment_plan_version"


def version_etag(version: PlanVersion) -> str:
    return document_etag(VERSION_DOCUMENT, version.uuid, version.revision)


def list_plans(study: Study) -> sa.Select:
    return study_query(PaymentPlan, study).order_by(PaymentPlan.code)


def get_plan(study: Study, plan_uuid: Any) -> PaymentPlan:
    return get_in_study(PaymentPlan, plan_uuid, Message("No such payment plan."), study=study)


def get_version(plan: PaymentPlan, number: int) -> PlanVersion:
    version = db.session.execute(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.number == number)
    ).scalar_one_or_none()
    if version is None:
        raise not_found(Message("The plan has no such version."))
    return version


def create_plan(study: Study, data: Mapping[str, Any]) -> PaymentPlan:
    """A plan with its first version, a draft."""
    lock_document(PLAN_DOCUMENT, f"{study.uuid}:{data['code'].lower()}")
    taken = db.session.execute(
        sa.select(PaymentPlan.id).where(
            PaymentPlan.study_id == study.id,
            sa.func.lower(PaymentPlan.code) == data["code"].lower(),
        )
    ).first()
    if taken:
        raise conflict(
            InternalCodes.CONFLICT,
            Message("Another plan of the study has this code."),
            field="code",
        )
    plan = PaymentPlan(study_id=study.id, code=data["code"], name=data["name"])
    db.session.add(plan)
    db.session.flush()
    _add_version(study, plan, 1, data["version"], at="version.")
    return plan


def rename_plan(plan: PaymentPlan, name: str) -> PaymentPlan:
    plan.name = name
    db.session.flush()
    return plan


def _add_version(
    study: Study, plan: PaymentPlan, number: int, data: Mapping[str, Any], at: str = ""
) -> PlanVersion:
    version = PlanVersion(
        study_id=study.id,
        plan_id=plan.id,
        number=number,
        kind=data["kind"],
        currency=data["currency"],
        terms=terms.checked(study, data["kind"], data["currency"], data["terms"], at),
        status=VersionStatus.DRAFT,
    )
    db.session.add(version)
    db.session.flush()
    db.session.refresh(plan)
    return version


def _draft_only(version: PlanVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise conflict(
            PaymentCodes.PLAN_VERSION_NOT_DRAFT,
            Message(
                "Version {number} is approved: it no longer changes. A new version of the plan"
                " changes it.",
                number=version.number,
            ),
            status=version.status,
        )


def new_version(study: Study, plan: PaymentPlan, data: Mapping[str, Any]) -> PlanVersion:
    """The next version, a draft; refused while one is a draft already."""
    lock_document(PLAN_DOCUMENT, plan.uuid)
    db.session.refresh(plan)
    newest = plan.versions[-1]
    if newest.status == VersionStatus.DRAFT:
        raise conflict(
            PaymentCodes.DRAFT_PLAN_VERSION_EXISTS,
            Message(
                "Version {number} is a draft: change it rather than start another.",
                number=newest.number,
            ),
            version=newest.number,
        )
    return _add_version(study, plan, newest.number + 1, data)


def save_version(study: Study, version: PlanVersion, data: Mapping[str, Any]) -> PlanVersion:
    """A draft's kind, currency and terms, replaced whole, based on the revision read
    (If-Match)."""
    lock_document(PLAN_DOCUMENT, version.plan.uuid)
    db.session.refresh(version)
    require_current(version_etag(version))
    _draft_only(version)
    version.kind = data["kind"]
    version.currency = data["currency"]
    version.terms = terms.checked(study, data["kind"], data["currency"], data["terms"])
    version.revision += 1
    db.session.flush()
    return version


def delete_version(version: PlanVersion) -> None:
    """A draft version is dropped (audited); the first one goes with its plan."""
    plan = version.plan
    lock_document(PLAN_DOCUMENT, plan.uuid)
    db.session.refresh(version)
    _draft_only(version)
    db.session.delete(version)
    db.session.flush()
    if version.number == 1:
        db.session.delete(plan)
        db.session.flush()


def approve_version(version: PlanVersion, data: Mapping[str, Any]) -> PlanVersion:
    """The draft as approved (by the ethics committee, on a date not in the future), as
    the approver read it (If-Match): it never changes again, and pays what happens from
    now on."""
    lock_document(PLAN_DOCUMENT, version.plan.uuid)
    db.session.refresh(version)
    require_current(version_etag(version))
    _draft_only(version)
    if data["approval_date"] > dt.datetime.now(dt.UTC).date():
        raise invalid(
            InternalCodes.VALIDATION_FAILED,
            Message("An approval date is not in the future."),
            field="approval_date",
        )
    version.approval_reference = data["approval_reference"]
    version.approval_date = data["approval_date"]
    version.approved_at = utcnow()
    version.approved_by_id = acting_user().id
    version.status = VersionStatus.APPROVED
    version.revision += 1
    db.session.flush()
    return version


def current_versions(study: Study) -> list[PlanVersion]:
    """Each plan's newest approved version: what pays what happens now."""
    newest = (
        sa.select(PlanVersion.plan_id, sa.func.max(PlanVersion.number).label("number"))
        .where(PlanVersion.study_id == study.id, PlanVersion.status == VersionStatus.APPROVED)
        .group_by(PlanVersion.plan_id)
        .subquery()
    )
    return list(
        db.session.execute(
            sa.select(PlanVersion)
            .join(
                newest,
                sa.and_(
                    PlanVersion.plan_id == newest.c.plan_id, PlanVersion.number == newest.c.number
                ),
            )
            .order_by(PlanVersion.plan_id)
        ).scalars()
    )
