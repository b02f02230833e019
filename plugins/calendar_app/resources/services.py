"""Resources of the study's centers: added, renamed, taken out of use; read in any study
of their center (a room serves every study of its site)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    InternalCodes,
    Message,
    Study,
    centers_of_study,
    conflict,
    db,
    not_found,
    study_centers,
)
from plugins.calendar_app.resources.models import Resource

NO_SUCH_RESOURCE = Message("No such resource.")


def seen_center_ids(study: Study) -> set[int]:
    """The study's centers the caller sees."""
    return {center.id for center in study_centers(study)}


def _seen_centers(study: Study) -> sa.ColumnElement[bool]:
    return Resource.center_id.in_(seen_center_ids(study))


def list_resources(study: Study, kind: str | None) -> sa.Select:
    query = sa.select(Resource).where(_seen_centers(study))
    if kind:
        query = query.where(Resource.kind == kind)
    return query.order_by(Resource.name, Resource.id)


def get_resource(study: Study, resource_uuid: uuid.UUID) -> Resource:
    resource = db.session.execute(
        sa.select(Resource).where(Resource.uuid == resource_uuid, _seen_centers(study))
    ).scalar_one_or_none()
    if resource is None:
        raise not_found(NO_SUCH_RESOURCE)
    return resource


def _refuse_taken_name(center_id: int, name: str, resource_id: int | None = None) -> None:
    taken = sa.select(Resource.id).where(Resource.center_id == center_id, Resource.name == name)
    if resource_id is not None:
        taken = taken.where(Resource.id != resource_id)
    if db.session.execute(taken).first() is not None:
        raise conflict(
            InternalCodes.CONFLICT,
            Message("Another resource of the center has this name."),
            field="name",
        )


def add_resource(study: Study, data: Mapping[str, Any]) -> Resource:
    (center,) = centers_of_study(study, [data["center"]], field="center")
    if center.id not in seen_center_ids(study):
        raise not_found(Message("No such center."))
    _refuse_taken_name(center.id, data["name"])
    resource = Resource(center_id=center.id, kind=data["kind"], name=data["name"], active=True)
    db.session.add(resource)
    db.session.flush()
    return resource


def change_resource(resource: Resource, data: Mapping[str, Any]) -> Resource:
    if "name" in data:
        _refuse_taken_name(resource.center_id, data["name"], resource.id)
        resource.name = data["name"]
    if "active" in data:
        resource.active = data["active"]
    db.session.flush()
    return resource
