"""The allocation configuration, checked against the study's randomization: a rule names a
design with an approved or live version, one of its arms, a visit of the eCRF and a kit
type of the study."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    BlindedValue,
    Message,
    Study,
    conflict,
    db,
    forbidden,
    get_in_study,
    invalid,
    may_see,
    study_query,
)
from plugins.allocation.configuration.models import AllocationRule
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.kits.models import KitType
from plugins.ecrf.api import Ecrf, Section
from plugins.randomizations.api import ARM, Design

# The statuses of a randomization version whose arms are fixed (the randomizations
# plugin's VersionStatus values): a draft's may still change.
FIXED_VERSION_STATUSES = frozenset({"approved", "live"})


def design_arms(design: Design) -> list[str] | None:
    """The arms of the design's newest approved or live version (None: it has none)."""
    fixed = [version for version in design.versions if version.status in FIXED_VERSION_STATUSES]
    if not fixed:
        return None
    return [arm["code"] for arm in fixed[-1].config["arms"]]


def _design(study: Study, design_uuid: Any) -> Design:
    designs = list(db.session.scalars(sa.select(Design).where(Design.study_id == study.id)))
    if not designs:
        raise conflict(
            AllocationCodes.NO_RANDOMIZATION_DESIGN,
            Message(
                "The study has no randomization design yet: set the randomization up first,"
                " then map its arms to kit types."
            ),
        )
    design = next((d for d in designs if d.uuid == design_uuid), None)
    if design is None:
        raise invalid(
            AllocationCodes.ALLOCATION_RULE_INVALID,
            Message("The study has no such randomization design."),
            field="design",
        )
    return design


def study_section(study: Study, section_uuid: Any, field: str = "section") -> Section:
    section = db.session.execute(
        sa.select(Section)
        .join(Ecrf, Ecrf.id == Section.ecrf_id)
        .where(Ecrf.study_id == study.id, Section.uuid == section_uuid)
    ).scalar_one_or_none()
    if section is None:
        raise invalid(
            AllocationCodes.ALLOCATION_RULE_INVALID,
            Message("The study's eCRF has no such visit."),
            field=field,
        )
    return section


def _kit_type(study: Study, kit_type_uuid: Any) -> KitType:
    kit_type = db.session.execute(
        sa.select(KitType).where(KitType.study_id == study.id, KitType.uuid == kit_type_uuid)
    ).scalar_one_or_none()
    if kit_type is None:
        raise invalid(
            AllocationCodes.ALLOCATION_RULE_INVALID,
            Message("The study has no such kit type."),
            field="kit_type",
        )
    return kit_type


def refuse_unless_unblinded() -> None:
    """A rule maps an arm to a kit type: whoever writes it knows every dispensing's arm by
    its kit, so only who sees the arms writes the configuration."""
    if not may_see(ARM):
        raise forbidden(
            AllocationCodes.CONFIGURATION_BLINDED,
            Message(
                "The allocation configuration maps arms to kit types: writing it needs the"
                " unblinded view of arms."
            ),
        )


def create_rule(study: Study, data: dict[str, Any]) -> AllocationRule:
    """Arm and visit -> kit type; refused before the study has a randomization design,
    for a design without an approved version, an arm it lacks or a visit mapped already,
    and (first said once the randomization is there) for a caller blinded to the arms."""
    design = _design(study, data["design"])
    arms = design_arms(design)
    if arms is None:
        raise conflict(
            AllocationCodes.NO_RANDOMIZATION_DESIGN,
            Message(
                "The randomization design {design} has no approved version yet: its arms may"
                " still change. Approve it first.",
                design=design.code,
            ),
        )
    refuse_unless_unblinded()
    if data["arm"] not in arms:
        raise invalid(
            AllocationCodes.ALLOCATION_RULE_INVALID,
            Message(
                "The randomization design has no arm {arm}.", arm=BlindedValue(ARM, data["arm"])
            ),
            field="arm",
        )
    section = study_section(study, data["section"])
    kit_type = _kit_type(study, data["kit_type"])
    taken = db.session.execute(
        sa.select(AllocationRule.id).where(
            AllocationRule.design_id == design.id,
            AllocationRule.arm == data["arm"],
            AllocationRule.section_id == section.id,
        )
    ).first()
    if taken:
        raise conflict(
            AllocationCodes.ALLOCATION_RULE_INVALID,
            Message("This arm has its kit type at this visit already: change that rule."),
        )
    rule = AllocationRule(
        study_id=study.id,
        design_id=design.id,
        arm=data["arm"],
        section_id=section.id,
        kit_type_id=kit_type.id,
        kits=data["kits"],
    )
    db.session.add(rule)
    db.session.flush()
    return rule


def update_rule(study: Study, rule: AllocationRule, data: dict[str, Any]) -> AllocationRule:
    """Another kit type or number of kits for the rule's arm and visit (kits given stay)."""
    refuse_unless_unblinded()
    if "kit_type" in data:
        rule.kit_type_id = _kit_type(study, data["kit_type"]).id
    if "kits" in data:
        rule.kits = data["kits"]
    db.session.flush()
    db.session.refresh(rule)
    return rule


def list_rules(study: Study) -> sa.Select:
    return study_query(AllocationRule, study).order_by(AllocationRule.id)


def get_rule(study: Study, rule_uuid: Any) -> AllocationRule:
    return get_in_study(AllocationRule, rule_uuid, Message("No such allocation rule."), study=study)


def rules_of(design_ids: list[int], section_id: int) -> list[AllocationRule]:
    return list(
        db.session.scalars(
            sa.select(AllocationRule).where(
                AllocationRule.design_id.in_(design_ids), AllocationRule.section_id == section_id
            )
        )
    )
