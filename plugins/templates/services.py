"""The library's rules: templates and their versions (each written once), a study's piece
saved as a template, a template copied into a study, and where studies use an outdated
version."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from datacapt.toolkit import (
    Message,
    Study,
    contains_text,
    db,
    get_by_uuid,
    invalid,
    not_found,
    studies_granting,
    study_query,
)
from plugins.templates import kinds
from plugins.templates.differences import difference
from plugins.templates.errors import TemplatesCodes
from plugins.templates.models import Template, TemplateUse, TemplateVersion
from plugins.templates.permissions import ACCESS

NO_SUCH_TEMPLATE = Message("No such template.")


def list_templates(filters: Mapping[str, Any]) -> sa.Select:
    statement = sa.select(Template).order_by(sa.func.lower(Template.name), Template.id)
    if filters.get("kind"):
        statement = statement.where(Template.kind == filters["kind"])
    if filters.get("tag"):
        statement = statement.where(Template.tags.contains([filters["tag"]]))
    if filters.get("search"):
        statement = statement.where(
            contains_text(filters["search"], Template.name, Template.description)
        )
    return statement


def get_template(template_uuid: Any, lock: bool = False) -> Template:
    """The template; ``lock``: held until the transaction ends (its next version number)."""
    if not lock:
        return get_by_uuid(Template, template_uuid, NO_SUCH_TEMPLATE)
    found = db.session.execute(
        sa.select(Template).where(Template.uuid == template_uuid).with_for_update()
    ).scalar_one_or_none()
    if found is None:
        raise not_found(NO_SUCH_TEMPLATE)
    return found


def get_version(template: Template, number: int | None = None) -> TemplateVersion:
    """One version of the template (None: its latest)."""
    version = db.session.execute(
        sa.select(TemplateVersion).where(
            TemplateVersion.template_id == template.id,
            TemplateVersion.number == (template.latest if number is None else number),
        )
    ).scalar_one_or_none()
    if version is None:
        raise not_found(Message("The template has no such version."))
    return version


def create_template(
    data: Mapping[str, Any], content: dict[str, Any], template_uuid: uuid.UUID | None = None
) -> Template:
    """A template with its first version, of content already checked."""
    template = Template(
        uuid=template_uuid or uuid.uuid4(),
        name=data["name"],
        kind=data["kind"],
        description=data.get("description", ""),
        tags=sorted(set(data.get("tags", []))),
        latest=1,
    )
    db.session.add(template)
    db.session.flush()
    db.session.add(
        TemplateVersion(
            template_id=template.id, number=1, note=data.get("note", ""), content=content
        )
    )
    db.session.flush()
    return template


def add_version(template: Template, content: dict[str, Any], note: str) -> TemplateVersion:
    """The next version of a template locked by the caller, of content already checked."""
    template.latest += 1
    version = TemplateVersion(
        template_id=template.id, number=template.latest, note=note, content=content
    )
    db.session.add(version)
    db.session.flush()
    return version


def update_template(template: Template, data: Mapping[str, Any]) -> Template:
    for field in ("name", "description"):
        if field in data:
            setattr(template, field, data[field])
    if "tags" in data:
        template.tags = sorted(set(data["tags"]))
    db.session.flush()
    return template


def save_from_study(study: Study, data: Mapping[str, Any]) -> TemplateVersion:
    """A study's piece kept in the library: a new template, or the next version of the one
    named (of the same kind)."""
    content = kinds.checked_content(
        data["kind"], kinds.study_piece(study, data["kind"], data.get("piece"))
    )
    if data.get("template") is None:
        if not data.get("name"):
            raise invalid(
                TemplatesCodes.TEMPLATE_CONTENT_INVALID,
                Message("Name the new template."),
                field="name",
            )
        return get_version(create_template(data, content))
    template = get_template(data["template"], lock=True)
    if template.kind != data["kind"]:
        raise invalid(
            TemplatesCodes.TEMPLATE_CONTENT_INVALID,
            Message("The template holds another kind of piece."),
            field="kind",
        )
    return add_version(template, content, data.get("note", ""))


def insert(study: Study, data: Mapping[str, Any]) -> TemplateUse:
    """A copy of a template version (its latest by default) put into the study, and the
    link kept between the piece made and the version."""
    template = get_template(data["template"])
    version = get_version(template, data.get("version"))
    target = kinds.Target(data.get("section"), data.get("subsection"), data.get("position"))
    piece = kinds.insert_copy(study, template.kind, version.content, target)
    # A whole design keeps the eCRF's identity: one emptied and filled again from a
    # template is now a copy of that one.
    use = db.session.execute(
        sa.select(TemplateUse).where(
            TemplateUse.study_id == study.id, TemplateUse.piece_uuid == piece
        )
    ).scalar_one_or_none()
    if use is None:
        use = TemplateUse(study_id=study.id, piece_uuid=piece)
        db.session.add(use)
    use.version_id = version.id
    db.session.flush()
    db.session.refresh(use)
    return use


def study_uses(study: Study) -> sa.Select:
    """The templates the study uses, newest first."""
    return (
        study_query(TemplateUse, study)
        .options(selectinload(TemplateUse.version).selectinload(TemplateVersion.template))
        .order_by(TemplateUse.created_at.desc(), TemplateUse.id.desc())
    )


def uses_of(template: Template, outdated_only: bool) -> list[TemplateUse]:
    """Where the template is used, in the studies where the caller may read templates:
    the oldest versions first."""
    studies = studies_granting(ACCESS)
    statement = (
        sa.select(TemplateUse)
        .join(TemplateVersion, TemplateVersion.id == TemplateUse.version_id)
        .where(TemplateVersion.template_id == template.id, TemplateUse.study_id.in_(list(studies)))
        .options(selectinload(TemplateUse.study), selectinload(TemplateUse.version))
        .order_by(TemplateVersion.number, TemplateUse.created_at, TemplateUse.id)
    )
    if outdated_only:
        statement = statement.where(TemplateVersion.number < template.latest)
    return list(db.session.execute(statement).scalars())


def use_report(use: TemplateUse, latest: TemplateVersion | None = None) -> dict[str, Any]:
    """A use with the version it copied, the template's latest and, when it is outdated,
    the difference between the two."""
    template = use.version.template
    outdated = use.version.number < template.latest
    newest = latest or (get_version(template) if outdated else use.version)
    return {
        "uuid": use.uuid,
        "template": template,
        "study": use.study,
        "piece": use.piece_uuid,
        "version": use.version.number,
        "latest": template.latest,
        "outdated": outdated,
        "present": kinds.piece_present(use.study_id, template.kind, use.piece_uuid),
        "inserted_at": use.created_at,
        "difference": difference(use.version.content, newest.content) if outdated else None,
    }
