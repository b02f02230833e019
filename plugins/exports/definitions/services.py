"""Export definitions of a study: checked against its design and centers when written."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Message, Study, centers_of_study, conflict, db, get_in_study, invalid
from plugins.exports.definitions.models import ExportDefinition
from plugins.exports.errors import ExportsCodes
from plugins.exports.extract.design import known_codes, known_sections

NO_DEFINITION = Message("No such export definition.")


def list_definitions(study: Study) -> sa.Select:
    return (
        sa.select(ExportDefinition)
        .where(ExportDefinition.study_id == study.id)
        .order_by(ExportDefinition.name)
    )


def get_definition(study: Study, definition_uuid: Any) -> ExportDefinition:
    return get_in_study(ExportDefinition, definition_uuid, NO_DEFINITION, study=study)


def _checked(study: Study, data: dict[str, Any]) -> dict[str, Any]:
    """The definition's fields, each section, question and center known to the study."""
    sections = [str(u) for u in dict.fromkeys(data["sections"])]
    unknown = sorted(set(sections) - known_sections(study))
    if unknown:
        raise invalid(
            ExportsCodes.DEFINITION_INVALID,
            Message(
                "These sections are not in the study's eCRF: {sections}.",
                sections=", ".join(unknown),
            ),
            field="sections",
        )
    questions = list(dict.fromkeys(data["questions"]))
    unknown = sorted(set(questions) - known_codes(study))
    if unknown:
        raise invalid(
            ExportsCodes.DEFINITION_INVALID,
            Message(
                "These questions are not in the study's eCRF: {codes}.", codes=", ".join(unknown)
            ),
            field="questions",
        )
    centers = [str(center.uuid) for center in centers_of_study(study, data["centers"])]
    return {
        **data,
        "sections": sections,
        "questions": questions,
        "centers": centers,
        "statuses": list(dict.fromkeys(data["statuses"])),
        "extras": list(dict.fromkeys(data["extras"])),
    }


def _name_free(study: Study, name: str, definition: ExportDefinition | None = None) -> None:
    same_name = sa.select(ExportDefinition.id).where(
        ExportDefinition.study_id == study.id, ExportDefinition.name == name
    )
    if definition is not None:
        same_name = same_name.where(ExportDefinition.id != definition.id)
    taken = db.session.execute(same_name).first()
    if taken is not None:
        raise conflict(
            ExportsCodes.DEFINITION_NAME_TAKEN,
            Message("Another export definition of the study has this name."),
            field="name",
        )


def create_definition(study: Study, data: dict[str, Any]) -> ExportDefinition:
    fields = _checked(study, data)
    _name_free(study, fields["name"])
    definition = ExportDefinition(study_id=study.id, **fields)
    db.session.add(definition)
    db.session.flush()
    return definition


def update_definition(
    study: Study, definition: ExportDefinition, data: dict[str, Any]
) -> ExportDefinition:
    """Replace what the definition takes (runs already made keep what they took)."""
    fields = _checked(study, data)
    _name_free(study, fields["name"], definition)
    for name, value in fields.items():
        setattr(definition, name, value)
    db.session.flush()
    return definition
