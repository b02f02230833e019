"""Designs and their versions: a draft is saved whole (If-Match) and simulated, then
approved (the password again; the test environment opens) and put live (production opens).
A live design changes only by a new version, with a reason; the newest approved or live
version randomizes in the test environment, the live one in production."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    InternalCodes,
    Message,
    Study,
    acting_user,
    confirm_password,
    conflict,
    current_reason,
    db,
    document_etag,
    get_in_study,
    invalid,
    lock_document,
    not_found,
    reason_required,
    require_current,
    study_query,
    utcnow,
)
from plugins.randomizations import config as design_config
from plugins.randomizations import lists
from plugins.randomizations.errors import RandomizationCodes
from plugins.randomizations.methods.sequences import sequence_config
from plugins.randomizations.models import (
    IMPORTED_METHODS,
    Design,
    DesignVersion,
    Environment,
    KeyEntry,
    Method,
    Simulation,
    SimulationStatus,
    Slot,
    VersionStatus,
)

VERSION_DOCUMENT = "randomization_design_version"
RANDOMIZING = {
    Environment.PRODUCTION: (VersionStatus.LIVE,),
    Environment.TEST: (VersionStatus.APPROVED, VersionStatus.LIVE),
}


def list_designs(study: Study) -> sa.Select:
    return study_query(Design, study).order_by(Design.code)


def get_design(study: Study, design_uuid: Any) -> Design:
    return get_in_study(Design, design_uuid, Message("No such randomization design."), study=study)


def create_design(study: Study, data: Mapping[str, Any]) -> Design:
    """A design with its first version, a draft."""
    taken = db.session.execute(
        sa.select(Design.id).where(
            Design.study_id == study.id, sa.func.lower(Design.code) == data["code"].lower()
        )
    ).first()
    if taken:
        raise conflict(
            InternalCodes.CONFLICT,
            Message("Another design of the study has this code."),
            field="code",
        )
    stored = design_config.checked(data["method"], data["config"], study)
    design = Design(
        study_id=study.id,
        code=data["code"],
        name=data["name"],
        method=data["method"],
        blinded=data["blinded"],
    )
    db.session.add(design)
    db.session.flush()
    db.session.add(DesignVersion(study_id=study.id, design_id=design.id, number=1, config=stored))
    if design.method in IMPORTED_METHODS:
        lists.create_imported_lists(design)
    db.session.flush()
    return design


def create_sequence_design(
    study: Study, code: str, name: str, count: int, scheme: str, factors: list[Any] | None = None
) -> Design:
    """A blinded permuted-block design whose arms are the sequences of ``count`` products
    over as many zones (``methods.sequences``): a split-body study draws them per subject."""
    try:
        config = sequence_config(count, scheme, factors=factors)
    except ValueError as error:
        raise invalid(
            RandomizationCodes.RANDOMIZATION_DESIGN_INVALID,
            Message("These products do not fit the scheme: {problem}.", problem=str(error)),
            field="scheme",
        ) from error
    return create_design(
        study,
        {"code": code, "name": name, "method": Method.BLOCKS, "blinded": True, "config": config},
    )


def get_version(design: Design, number: int) -> DesignVersion:
    version = db.session.execute(
        sa.select(DesignVersion).where(
            DesignVersion.design_id == design.id, DesignVersion.number == number
        )
    ).scalar_one_or_none()
    if version is None:
        raise not_found(Message("The design has no such version."))
    return version


def version_etag(version: DesignVersion) -> str:
    return document_etag(VERSION_DOCUMENT, version.uuid, version.revision)


def draft_only(version: DesignVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise conflict(
            RandomizationCodes.DESIGN_VERSION_NOT_DRAFT,
            Message(
                "This version is {status}: it no longer changes. A new version of the design"
                " changes it.",
                status=version.status,
            ),
            status=version.status,
        )


def save_version(study: Study, version: DesignVersion, config: Mapping[str, Any]) -> DesignVersion:
    """The draft's parameters, replaced whole, based on the revision read (If-Match)."""
    lock_document(VERSION_DOCUMENT, version.uuid)
    db.session.refresh(version)
    require_current(version_etag(version))
    draft_only(version)
    version.config = design_config.checked(version.design.method, config, study)
    version.revision += 1
    db.session.flush()
    return version


def new_version(design: Design) -> DesignVersion:
    """A draft made from the newest version, with the request's reason for change."""
    reason = current_reason()
    if not reason:
        raise reason_required([DesignVersion.__tablename__])
    lock_document("randomization_design", design.uuid)
    newest = design.versions[-1]
    if newest.status == VersionStatus.DRAFT:
        raise conflict(
            RandomizationCodes.DRAFT_VERSION_EXISTS,
            Message(
                "Version {number} is a draft: change it rather than start another.",
                number=newest.number,
            ),
            version=newest.number,
        )
    version = DesignVersion(
        study_id=design.study_id,
        design_id=design.id,
        number=newest.number + 1,
        config=dict(newest.config),
        reason=reason,
    )
    db.session.add(version)
    db.session.flush()
    db.session.refresh(design)
    return version


def _not_ready(message: Message, **details: Any) -> DatacaptException:
    return conflict(RandomizationCodes.DESIGN_NOT_READY, message, **details)


def _simulated(version: DesignVersion) -> bool:
    return (
        db.session.execute(
            sa.select(Simulation.id).where(
                Simulation.version_id == version.id,
                Simulation.revision == version.revision,
                Simulation.status == SimulationStatus.DONE,
            )
        ).first()
        is not None
    )


def _imported_problems(design: Design, version: DesignVersion) -> list[str]:
    """What an imported design lacks once ``version``'s parts count: slots in each
    environment, and (double-blind) every treatment code's arm."""
    missing = []
    for environment in Environment:
        rlist = lists.current_list(design, environment)
        assert rlist is not None
        slots = db.session.execute(
            sa.select(sa.func.count(Slot.id)).where(Slot.list_id == rlist.id)
        ).scalar_one()
        if not slots:
            missing.append(f"{environment}_list")
        if design.method == Method.DOUBLE_BLIND:
            unkeyed = db.session.execute(
                sa.select(sa.func.count(Slot.id)).where(
                    Slot.list_id == rlist.id,
                    ~sa.exists().where(
                        KeyEntry.list_id == rlist.id, KeyEntry.treatment_code == Slot.treatment_code
                    ),
                )
            ).scalar_one()
            if unkeyed:
                missing.append(f"{environment}_key")
    return missing


def approve(study: Study, version: DesignVersion, password: str) -> DesignVersion:
    """The draft approved by the caller, who gives their password again."""
    user = acting_user()
    confirm_password(user, password, "randomization design approval")
    return mark_approved(study, version, user.id)


def mark_approved(study: Study, version: DesignVersion, approver_id: int | None) -> DesignVersion:
    """The draft, checked again against the eCRF and simulated at its revision, approved:
    the test environment randomizes with it."""
    lock_document(VERSION_DOCUMENT, version.uuid)
    db.session.refresh(version)
    draft_only(version)
    design = version.design
    version.config = design_config.rechecked(design.method, version.config, study)
    if not _simulated(version):
        raise _not_ready(
            Message("Run a simulation of this version as it is now before approving it."),
            missing=["simulation"],
        )
    if design.method in IMPORTED_METHODS:
        missing = _imported_problems(design, version)
        if missing:
            raise _not_ready(
                Message("The lists are not complete: {missing}.", missing=", ".join(missing)),
                missing=missing,
            )
    version.transition_to(VersionStatus.APPROVED)
    version.approved_by_id = approver_id
    version.approved_at = utcnow()
    lists.prepare_list(design, version, Environment.TEST)
    db.session.flush()
    return version


def go_live(version: DesignVersion) -> DesignVersion:
    """The approved version randomizes in production from now on; the versions before it
    retire (their assignments keep them)."""
    lock_document("randomization_design", version.design.uuid)
    db.session.refresh(version)
    if version.status != VersionStatus.APPROVED:
        raise _not_ready(
            Message(
                "Only an approved version goes live; this one is {status}.", status=version.status
            ),
            missing=["approval"],
        )
    for other in version.design.versions:
        if other.number < version.number and other.status in (
            VersionStatus.APPROVED,
            VersionStatus.LIVE,
        ):
            other.transition_to(VersionStatus.RETIRED)
    version.transition_to(VersionStatus.LIVE)
    version.live_at = utcnow()
    lists.prepare_list(version.design, version, Environment.PRODUCTION)
    db.session.flush()
    return version


def version_in(design: Design, environment: str) -> DesignVersion | None:
    """The version that randomizes in ``environment``, if any."""
    for version in reversed(design.versions):
        if version.status in RANDOMIZING[Environment(environment)]:
            return version
    return None


def randomizing_version(design: Design, environment: str) -> DesignVersion:
    """The version that randomizes in ``environment``: 409 when none does yet."""
    version = version_in(design, environment)
    if version is None:
        raise conflict(
            RandomizationCodes.DESIGN_NOT_LIVE,
            Message(
                "The design does not randomize in the {environment} environment yet.",
                environment=environment,
            ),
            environment=environment,
        )
    return version
