"""A study's depots, and the kits waiting at each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    InternalCodes,
    Message,
    Study,
    conflict,
    db,
    get_in_study,
    invalid,
    lock_document,
    study_query,
)
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.supply.models import Depot

NOT_FOUND = Message("No such depot.")


def list_depots(study: Study) -> sa.Select:
    return study_query(Depot, study).order_by(Depot.code)


def get_depot(study: Study, depot_uuid: Any) -> Depot:
    return get_in_study(Depot, depot_uuid, NOT_FOUND, study=study)


def depot_in_body(study: Study, depot_uuid: Any) -> Depot:
    """A depot of the study named in a request's body: 422 on ``depot`` otherwise."""
    depot = db.session.execute(
        study_query(Depot, study).where(Depot.uuid == depot_uuid)
    ).scalar_one_or_none()
    if depot is None:
        raise invalid(
            AllocationCodes.SUPPLY_DEPOT_UNKNOWN,
            Message("The study has no such depot."),
            field="depot",
        )
    return depot


def _code_free(study: Study, code: str) -> None:
    lock_document("allocation_depot_codes", study.id)  # two creations of one code queue up
    taken = db.session.execute(
        sa.select(Depot.id).where(
            Depot.study_id == study.id, sa.func.lower(Depot.code) == code.lower()
        )
    ).first()
    if taken:
        raise conflict(
            InternalCodes.CONFLICT,
            Message("Another depot of the study has this code."),
            field="code",
        )


def create_depot(study: Study, data: Mapping[str, Any]) -> Depot:
    _code_free(study, data["code"])
    depot = Depot(study_id=study.id, code=data["code"], name=data["name"])
    db.session.add(depot)
    db.session.flush()
    return depot


def update_depot(study: Study, depot: Depot, data: Mapping[str, Any]) -> Depot:
    if "code" in data and data["code"].lower() != depot.code.lower():
        _code_free(study, data["code"])
    for name in ("code", "name"):
        if name in data:
            setattr(depot, name, data[name])
    db.session.flush()
    return depot
