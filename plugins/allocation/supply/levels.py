"""The stock levels of the centers: per kit type, center and inventory, a minimum that
triggers a resupply and a target it brings the stock up to. A level set or changed is
checked against the center's stock at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    InternalCodes,
    Message,
    Study,
    StudyCenter,
    db,
    get_in_study,
    invalid,
    study_centers,
    study_query,
)
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.kits.models import KitType
from plugins.allocation.supply import resupply
from plugins.allocation.supply.models import StockLevel

NOT_FOUND = Message("No such stock level.")


def _center_unknown(field: str) -> DatacaptException:
    return invalid(
        InternalCodes.CENTER_NOT_IN_STUDY, Message("This center is not in the study."), field=field
    )


def _kit_type_unknown(field: str) -> DatacaptException:
    return invalid(
        AllocationCodes.SUPPLY_KIT_TYPE_UNKNOWN,
        Message("The study has no such kit type."),
        field=field,
    )


def center_in_body(study: Study, center_uuid: Any, field: str = "center") -> StudyCenter:
    """A center of the study the caller sees, named in a body or a filter: 422 otherwise."""
    for center in study_centers(study):
        if center.uuid == center_uuid:
            return center
    raise _center_unknown(field)


def kit_type_in_body(study: Study, kit_type_uuid: Any, field: str = "kit_type") -> KitType:
    """A kit type of the study named in a body or a filter: 422 otherwise."""
    kit_type = db.session.execute(
        study_query(KitType, study).where(KitType.uuid == kit_type_uuid)
    ).scalar_one_or_none()
    if kit_type is None:
        raise _kit_type_unknown(field)
    return kit_type


def list_levels(study: Study, filters: Mapping[str, Any]) -> sa.Select:
    statement = (
        study_query(StockLevel, study)
        .join(StudyCenter, StudyCenter.id == StockLevel.center_id)
        .join(KitType, KitType.id == StockLevel.kit_type_id)
        .order_by(StockLevel.inventory, StudyCenter.code, KitType.code)
    )
    if "inventory" in filters:
        statement = statement.where(StockLevel.inventory == filters["inventory"])
    if "center" in filters:
        statement = statement.where(
            StockLevel.center_id == center_in_body(study, filters["center"]).id
        )
    if "kit_type" in filters:
        statement = statement.where(
            StockLevel.kit_type_id == kit_type_in_body(study, filters["kit_type"]).id
        )
    return statement


def get_level(study: Study, level_uuid: Any) -> StockLevel:
    return get_in_study(StockLevel, level_uuid, NOT_FOUND, study=study)


def set_levels(study: Study, items: Sequence[Mapping[str, Any]]) -> list[StockLevel]:
    """Each level set (made or changed), then each center concerned checked."""
    centers = {center.uuid: center for center in study_centers(study)}
    kit_types = {
        kit_type.uuid: kit_type for kit_type in db.session.scalars(study_query(KitType, study))
    }
    named = []
    for item in items:
        if item["center"] not in centers:
            raise _center_unknown("levels")
        if item["kit_type"] not in kit_types:
            raise _kit_type_unknown("levels")
        named.append((centers[item["center"]], kit_types[item["kit_type"]], item))
    # Centers locked in one order, so that two changes of several levels never deadlock.
    for center_id, inventory in sorted({(c.id, item["inventory"]) for c, _, item in named}):
        resupply.lock_center(study, center_id, inventory)
    levels = []
    for center, kit_type, item in named:
        level = db.session.execute(
            sa.select(StockLevel).where(
                StockLevel.study_id == study.id,
                StockLevel.inventory == item["inventory"],
                StockLevel.center_id == center.id,
                StockLevel.kit_type_id == kit_type.id,
            )
        ).scalar_one_or_none()
        if level is None:
            level = StockLevel(
                study_id=study.id,
                center_id=center.id,
                kit_type_id=kit_type.id,
                inventory=item["inventory"],
            )
            db.session.add(level)
        level.minimum, level.target = item["minimum"], item["target"]
        levels.append(level)
    db.session.flush()
    checked = {(center.id, item["inventory"]): center for center, _, item in named}
    for key in sorted(checked):
        resupply.check_center(study, checked[key], key[1])
    return levels


def delete_level(study: Study, level: StockLevel) -> None:
    """The center no longer keeps this kit type: its episode closes if nothing else is low."""
    center, inventory = level.center, level.inventory
    resupply.lock_center(study, center.id, inventory)
    db.session.delete(level)
    db.session.flush()
    resupply.check_center(study, center, inventory)
