"""The zone catalogue, the designs (their randomization design made by the randomization
module, its arms the sequences of the design's products over its zones) and the eCRF
sections assessed per zone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    conflict,
    db,
    get_in_study,
    invalid,
    lock_document,
    study_query,
)
from plugins.ecrf.api import compiled_form, instance_section, open_instances
from plugins.product_database.api import StudyProduct
from plugins.randomizations.api import Assignment, Environment, create_sequence_design
from plugins.side_by_side.errors import SideBySideCodes
from plugins.side_by_side.models import (
    Allocation,
    Assessment,
    DesignProduct,
    DesignZone,
    SplitDesign,
    Zone,
)

#: The name ecrf sections assessed per zone are instanced by.
INSTANCED_BY = "side_by_side"


def list_zones(study: Study) -> sa.Select:
    return study_query(Zone, study).order_by(Zone.zone_set, Zone.code)


def get_zone(study: Study, zone_uuid: Any) -> Zone:
    return get_in_study(Zone, zone_uuid, Message("No such zone."), study=study)


def _code_taken(model: type[Zone] | type[SplitDesign], study: Study, code: str) -> bool:
    """Whether the code is taken, the study's codes of that kind held until commit (two
    requests adding one code go one after the other)."""
    lock_document(model.__tablename__, study.uuid)
    return (
        db.session.execute(
            sa.select(model.id).where(
                model.study_id == study.id, sa.func.lower(model.code) == code.lower()
            )
        ).first()
        is not None
    )


def add_zone(study: Study, data: Mapping[str, Any]) -> Zone:
    if _code_taken(Zone, study, data["code"]):
        raise conflict(
            SideBySideCodes.ZONE_CODE_TAKEN,
            Message("Another zone of the study has this code."),
            field="code",
        )
    zone = Zone(study_id=study.id, **data)
    db.session.add(zone)
    db.session.flush()
    return zone


def list_designs(study: Study) -> sa.Select:
    return study_query(SplitDesign, study).order_by(SplitDesign.code)


def get_design(study: Study, design_uuid: Any) -> SplitDesign:
    return get_in_study(
        SplitDesign, design_uuid, Message("No such side-by-side design."), study=study
    )


def _zones_of_set(study: Study, zone_set: str) -> tuple[list[Zone], Zone | None]:
    """The treated zones of a set (by code) and its control zone, if it has one."""
    zones = list(
        db.session.execute(
            sa.select(Zone)
            .where(Zone.study_id == study.id, Zone.zone_set == zone_set)
            .order_by(Zone.code)
        ).scalars()
    )
    controls = [zone for zone in zones if zone.control]
    if len(controls) > 1:
        raise invalid(
            SideBySideCodes.SIDE_BY_SIDE_INVALID,
            Message("A set of zones has one control zone at most."),
            field="zone_set",
        )
    return [zone for zone in zones if not zone.control], (controls[0] if controls else None)


def _study_products(study: Study, uuids: list[Any]) -> list[StudyProduct]:
    if len(set(uuids)) != len(uuids):
        raise invalid(
            SideBySideCodes.SIDE_BY_SIDE_INVALID,
            Message("A product is named twice."),
            field="products",
        )
    found = {
        product.uuid: product
        for product in db.session.execute(
            study_query(StudyProduct, study).where(StudyProduct.uuid.in_(uuids))
        ).scalars()
    }
    missing = [str(value) for value in uuids if value not in found]
    if missing:
        raise invalid(
            SideBySideCodes.SIDE_BY_SIDE_INVALID,
            Message("These are not products of the study: {missing}.", missing=", ".join(missing)),
            field="products",
        )
    return [found[value] for value in uuids]


def create_design(study: Study, data: Mapping[str, Any]) -> SplitDesign:
    """A design of the study's products over a set of zones, one product per treated
    zone; its randomization design (a draft, simulated, approved and put live in the
    randomization module) draws each subject's sequence."""
    if _code_taken(SplitDesign, study, data["code"]):
        raise conflict(
            SideBySideCodes.DESIGN_CODE_TAKEN,
            Message("Another side-by-side design of the study has this code."),
            field="code",
        )
    products = _study_products(study, data["products"])
    zones, control = _zones_of_set(study, data["zone_set"])
    if len(zones) != len(products):
        raise invalid(
            SideBySideCodes.SIDE_BY_SIDE_INVALID,
            Message(
                "The set has {zones} treated zones for {products} products: one product goes"
                " on each zone.",
                zones=len(zones),
                products=len(products),
            ),
            field="zone_set",
        )
    randomization = create_sequence_design(
        study, data["code"], data["name"], len(products), data["scheme"]
    )
    design = SplitDesign(
        study_id=study.id,
        code=data["code"],
        name=data["name"],
        scheme=data["scheme"],
        randomization_design_id=randomization.id,
        control_zone_id=control.id if control else None,
    )
    db.session.add(design)
    db.session.flush()
    for position, product in enumerate(products):
        db.session.add(
            DesignProduct(design_id=design.id, position=position, study_product_id=product.id)
        )
    for position, zone in enumerate(zones):
        db.session.add(DesignZone(design_id=design.id, position=position, zone_id=zone.id))
    db.session.flush()
    db.session.refresh(design)
    return design


def list_assessments(study: Study) -> sa.Select:
    return study_query(Assessment, study).order_by(Assessment.id)


def add_assessment(study: Study, data: Mapping[str, Any]) -> Assessment:
    """An eCRF section assessed once per zone of the design's subjects, its measurements
    in ``order`` (enforced or not); subjects randomized already count each zone in their
    progress from now on."""
    design = get_design(study, data["design"])
    form = compiled_form(study)
    section = form.section(data["section"])
    codes = form.section_codes[section["uuid"]]
    strangers = [code for code in data["order"] if code not in codes]
    if strangers or len(set(data["order"])) != len(data["order"]):
        raise invalid(
            SideBySideCodes.SIDE_BY_SIDE_INVALID,
            Message("The order lists questions of this section, each once."),
            field="order",
            questions=strangers,
        )
    # Marking the section locks the study's design first: two requests for one section
    # go one after the other, and the second finds the first's assessment.
    instance_section(study, section["uuid"], INSTANCED_BY)
    taken = db.session.execute(
        sa.select(Assessment.id).where(
            Assessment.study_id == study.id, Assessment.section_uuid == section["uuid"]
        )
    ).first()
    if taken:
        raise conflict(
            SideBySideCodes.SECTION_ASSESSED_ALREADY,
            Message("This section is assessed per zone already."),
            field="section",
        )
    assessment = Assessment(
        study_id=study.id,
        design_id=design.id,
        section_uuid=section["uuid"],
        order=list(data["order"]),
        enforce_order=data["enforce_order"],
    )
    db.session.add(assessment)
    db.session.flush()
    allocations = db.session.execute(
        sa.select(Allocation)
        .join(Assignment, Assignment.id == Allocation.assignment_id)
        .where(
            Allocation.design_id == design.id,
            Allocation.environment == Environment.PRODUCTION,
            Assignment.voided_at.is_(None),  # a voided allocation's zones take no new entry
        )
    ).scalars()
    zones: dict[Any, list[str]] = {}
    for allocation in allocations:
        zones.setdefault(allocation.participation, []).append(allocation.zone.code)
    for participation, codes_of in zones.items():
        open_instances(study, participation, section["uuid"], codes_of)
    return assessment
