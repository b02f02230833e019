"""What each kind of template holds: how its content is checked (the owning module's write
schema, then the form engine), taken from a study's piece, and copied into a study.

A template's content never carries identities (uuids): a copy gets new ones. Its rules
name only its own questions, since it goes into designs that do not have the others.
"""

from __future__ import annotations

import copy
import dataclasses
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from datacapt.toolkit import (
    SUPPORTED_LANGUAGES,
    Action,
    BlockSchema,
    Channel,
    Message,
    Question,
    Study,
    block_questions,
    build_permission,
    conflict,
    db,
    design_problems,
    engine_questions,
    forbidden,
    invalid,
    not_found,
    plugin_enabled,
    study_permissions,
)
from plugins.ecrf.api import (
    Block,
    Ecrf,
    EcrfWriteSchema,
    Section,
    SectionSchema,
    SubSection,
    SubSectionSchema,
    design,
    save_design,
)
from plugins.templates.errors import TemplatesCodes
from plugins.templates.models import TemplateKind

#: A problem of a content: where (a dotted path from the content's top), and what.
Problem = tuple[str, str | Message]


@dataclasses.dataclass(frozen=True)
class Target:
    """Where a copy goes in the study's eCRF design: the section of a subsection, the
    subsection of a question, the position among its siblings (None: last)."""

    section: uuid.UUID | None = None
    subsection: uuid.UUID | None = None
    position: int | None = None


class MessageTextSchema(ma.Schema):
    subject = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    body = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20_000))


class MessageTemplateContentSchema(ma.Schema):
    """An email or SMS text per language, English required."""

    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Channel)))
    texts = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf(SUPPORTED_LANGUAGES)),
        values=ma.fields.Nested(MessageTextSchema),
        required=True,
    )

    @ma.validates_schema
    def _english_and_subjects(self, data, **_kwargs):
        if "en" not in data["texts"]:
            raise ma.ValidationError("The English text is required.", "texts")
        if data["channel"] == Channel.EMAIL and not all(
            t["subject"] for t in data["texts"].values()
        ):
            raise ma.ValidationError("An email needs a subject in every language.", "texts")


class QuestionContentSchema(BlockSchema):
    @ma.validates_schema
    def _a_question(self, data, **_kwargs):
        if data["kind"] != "question":
            raise ma.ValidationError("A single question template holds a question.", "kind")


def without_identities(value: Any) -> Any:
    """The content with every ``uuid`` taken out (a copy gets new ones)."""
    if isinstance(value, Mapping):
        return {k: without_identities(v) for k, v in value.items() if k != "uuid"}
    if isinstance(value, list):
        return [without_identities(item) for item in value]
    return value


def error_paths(errors: Any, path: str) -> list[Problem]:
    """marshmallow's nested messages as (path, message) pairs."""
    if isinstance(errors, Mapping):
        found: list[Problem] = []
        for key, value in errors.items():
            inner = path if key == "_schema" else f"{path}.{key}" if path else str(key)
            found += error_paths(value, inner)
        return found
    if isinstance(errors, list) and all(isinstance(item, str) for item in errors):
        return [(path, message) for message in errors]
    if isinstance(errors, list):
        return [p for item in errors for p in error_paths(item, path)]
    return [(path, str(errors))]


def _marked(value: Any, path: str, places: dict[str, str]) -> Any:
    """A copy of the content whose question blocks carry a made-up uuid, and where each
    lies (``places``, by that uuid): the engine's problems name their block by it."""
    if isinstance(value, Mapping):
        marked = {
            key: _marked(item, f"{path}.{key}" if path else str(key), places)
            for key, item in value.items()
        }
        if value.get("kind") == "question":
            marked["uuid"] = str(uuid.uuid4())
            places[marked["uuid"]] = path
        return marked
    if isinstance(value, list):
        return [
            _marked(item, f"{path}.{index}" if path else str(index), places)
            for index, item in enumerate(value)
        ]
    return value


# The optional modules are imported where used, as their templates need them.


def _questionnaire_schema() -> type[ma.Schema]:
    from plugins.epro.api import QuestionnaireWriteSchema

    return QuestionnaireWriteSchema


def _consent_schema() -> type[ma.Schema]:
    from plugins.econsent.api import ConsentDocumentWriteSchema

    return ConsentDocumentWriteSchema


@dataclasses.dataclass(frozen=True)
class Kind:
    name: TemplateKind
    #: The write schema checking the content (the owning module's).
    schema: Callable[[], type[ma.Schema]]
    #: The module a study needs to receive a copy (None: it is inserted nowhere).
    plugin: str | None

    def questions(self, content: Mapping[str, Any]) -> list[Question]:
        """The content's questions, for the form engine's checks."""
        if self.name == TemplateKind.ECRF_SECTION:
            return engine_questions([content])
        if self.name == TemplateKind.ECRF_SUBSECTION:
            return engine_questions([{"subsections": [content]}])
        if self.name == TemplateKind.ECRF_QUESTION:
            return block_questions([content])
        if self.name == TemplateKind.ECRF_DESIGN:
            return engine_questions(content["sections"])
        if self.name == TemplateKind.EPRO_QUESTIONNAIRE:
            return block_questions(content["blocks"])
        if self.name == TemplateKind.CONSENT_DOCUMENT:
            return block_questions(content["version"]["blocks"])
        return []

    def problems(self, raw: Any) -> tuple[dict[str, Any] | None, list[Problem]]:
        """The content as stored, or None with every problem."""
        if not isinstance(raw, Mapping):
            return None, [("", "Not an object.")]
        schema = self.schema()()
        try:
            loaded = schema.load(without_identities(raw))
        except ma.ValidationError as error:
            return None, error_paths(error.messages, "")
        content = without_identities(schema.dump(loaded))
        places: dict[str, str] = {}
        questions = self.questions(_marked(content, "", places))
        found: list[Problem] = [
            (
                ".".join(p for p in (places.get(str(problem.block)), problem.field) if p),
                problem.message,
            )
            for problem in design_problems(questions)
        ]
        return (None, found) if found else (content, [])


KINDS = {
    kind.name: kind
    for kind in (
        Kind(TemplateKind.ECRF_SECTION, lambda: SectionSchema, "ecrf"),
        Kind(TemplateKind.ECRF_SUBSECTION, lambda: SubSectionSchema, "ecrf"),
        Kind(TemplateKind.ECRF_QUESTION, lambda: QuestionContentSchema, "ecrf"),
        Kind(TemplateKind.ECRF_DESIGN, lambda: EcrfWriteSchema, "ecrf"),
        Kind(TemplateKind.EPRO_QUESTIONNAIRE, _questionnaire_schema, "epro"),
        Kind(TemplateKind.CONSENT_DOCUMENT, _consent_schema, "econsent"),
        Kind(TemplateKind.MESSAGE_TEMPLATE, lambda: MessageTemplateContentSchema, None),
    )
}


def checked_content(kind: str, raw: Any) -> dict[str, Any]:
    """The content as stored, or 422 listing every problem with its path."""
    content, problems = KINDS[TemplateKind(kind)].problems(raw)
    if content is None:
        raise invalid(
            TemplatesCodes.TEMPLATE_CONTENT_INVALID,
            Message("The template's content has problems."),
            field="content",
            problems=[{"path": path, "message": message} for path, message in problems],
        )
    return content


# Taking a study's piece.

NO_SUCH_PIECE = Message("The study has no such piece.")


def _design_piece(study: Study, kind: TemplateKind, piece: uuid.UUID | None) -> dict[str, Any]:
    sections = design(study)["sections"]
    if kind == TemplateKind.ECRF_DESIGN:
        return {"sections": sections}
    subsections = [sub for section in sections for sub in section["subsections"]]
    candidates = {
        TemplateKind.ECRF_SECTION: sections,
        TemplateKind.ECRF_SUBSECTION: subsections,
        TemplateKind.ECRF_QUESTION: [
            block for sub in subsections for block in sub["blocks"] if block["kind"] == "question"
        ],
    }[kind]
    for candidate in candidates:
        if candidate["uuid"] == piece:
            return candidate
    raise not_found(NO_SUCH_PIECE)


# What one reads of a study's piece in its own module: saving it in the library shows it.
_READ_PERMISSIONS = {
    "ecrf": build_permission("ecrf_design", Action.ACCESS),
    "epro": build_permission("epro", Action.ACCESS),
    "econsent": build_permission("econsent", Action.ACCESS),
}


def study_piece(study: Study, kind: str, piece: uuid.UUID | None) -> dict[str, Any]:
    """The content of one of the study's pieces (its eCRF design: none to name), for a
    caller who may read it in its own module."""
    name = TemplateKind(kind)
    owner = KINDS[name].plugin
    if owner is None or not plugin_enabled(owner):
        raise conflict(
            TemplatesCodes.TEMPLATE_NOT_INSERTABLE,
            Message("This kind of template is not taken from a study here."),
            field="kind",
        )
    if _READ_PERMISSIONS[owner] not in study_permissions():
        raise forbidden(
            message=Message("You may not read this piece of the study in its own module.")
        )
    if piece is None and name != TemplateKind.ECRF_DESIGN:
        raise invalid(
            TemplatesCodes.TEMPLATE_TARGET_INVALID, Message("Name the piece."), field="piece"
        )
    if name == TemplateKind.EPRO_QUESTIONNAIRE:
        from plugins.epro.api import get_questionnaire

        questionnaire = get_questionnaire(study, piece)
        return {
            field: copy.deepcopy(getattr(questionnaire, field))
            for field in ("code", "title", "blocks", "channels", "schedule", "reminders", "active")
        }
    if name == TemplateKind.CONSENT_DOCUMENT:
        from plugins.econsent.api import get_document

        document = get_document(study, piece)
        latest = max(document.versions, key=lambda version: version.number)
        return {
            "code": document.code,
            "title": document.title,
            "version": {
                field: copy.deepcopy(getattr(latest, field))
                for field in ("languages", "blocks", "correct_answers", "optional_parts", "signers")
            },
        }
    return _design_piece(study, name, piece)


# Copying a template into a study.


def _target_invalid(message: Message, field: str) -> Exception:
    return invalid(TemplatesCodes.TEMPLATE_TARGET_INVALID, message, field=field)


def _place(siblings: list[Any], position: int | None) -> int:
    if position is None:
        return len(siblings)
    if not 0 <= position <= len(siblings):
        raise _target_invalid(
            Message("The position is beyond the last one ({last}).", last=len(siblings)),
            "position",
        )
    return position


def _parent(items: list[dict[str, Any]], wanted: uuid.UUID | None, field: str) -> dict[str, Any]:
    if wanted is None:
        raise _target_invalid(Message("Name where it goes."), field)
    for item in items:
        if item["uuid"] == wanted:
            return item
    raise _target_invalid(Message("The study's eCRF has no such element."), field)


def _insert_in_design(
    study: Study, kind: TemplateKind, content: dict[str, Any], target: Target
) -> uuid.UUID:
    sections = design(study)["sections"]
    if kind == TemplateKind.ECRF_DESIGN:
        if sections:
            raise conflict(
                TemplatesCodes.TEMPLATE_TARGET_INVALID,
                Message("A whole design goes only into an empty eCRF."),
            )
        save_design(study, {"sections": content["sections"]})
        return db.session.execute(
            sa.select(Ecrf.uuid).where(Ecrf.study_id == study.id)
        ).scalar_one()
    if kind == TemplateKind.ECRF_SECTION:
        siblings, key = sections, "sections"
        path: list[int] = []
    elif kind == TemplateKind.ECRF_SUBSECTION:
        section = _parent(sections, target.section, "section")
        siblings, key = section["subsections"], "subsections"
        path = [sections.index(section)]
    else:
        subsections = [(i, sub) for i, s in enumerate(sections) for sub in s["subsections"]]
        subsection = _parent([sub for _, sub in subsections], target.subsection, "subsection")
        index = next(i for i, sub in subsections if sub is subsection)
        siblings, key = subsection["blocks"], "blocks"
        path = [index, sections[index]["subsections"].index(subsection)]
    position = _place(siblings, target.position)
    siblings.insert(position, copy.deepcopy(content))
    saved = save_design(study, {"sections": sections})
    # The copy's identity, where it now lies in the saved design.
    container: Any = saved
    for step, name in zip(path, ("sections", "subsections"), strict=False):
        container = container[name][step]
    return container[key][position]["uuid"]


def insert_copy(study: Study, kind: str, content: dict[str, Any], target: Target) -> uuid.UUID:
    """Copy ``content`` into the study; the identity of the piece made."""
    name = TemplateKind(kind)
    owner = KINDS[name].plugin
    if owner is None or not plugin_enabled(owner):
        raise conflict(
            TemplatesCodes.TEMPLATE_NOT_INSERTABLE,
            Message("This kind of template is inserted nowhere here."),
        )
    if name == TemplateKind.EPRO_QUESTIONNAIRE:
        from plugins.epro.api import create_questionnaire

        return create_questionnaire(study, _questionnaire_schema()().load(content)).uuid
    if name == TemplateKind.CONSENT_DOCUMENT:
        from plugins.econsent.api import create_document

        return create_document(study, _consent_schema()().load(content)).uuid
    return _insert_in_design(study, name, content, target)


def piece_present(study_id: int, kind: str, piece: uuid.UUID) -> bool:
    """Whether the study still has the piece a copy made (its owner may remove it)."""
    name = TemplateKind(kind)
    in_study = Ecrf.study_id == study_id
    statement: sa.Select
    if name == TemplateKind.ECRF_DESIGN:
        statement = sa.select(Ecrf.id).where(in_study, Ecrf.uuid == piece)
    elif name == TemplateKind.ECRF_SECTION:
        statement = sa.select(Section.id).join(Ecrf).where(in_study, Section.uuid == piece)
    elif name == TemplateKind.ECRF_SUBSECTION:
        statement = (
            sa.select(SubSection.id)
            .join(Section)
            .join(Ecrf)
            .where(in_study, SubSection.uuid == piece)
        )
    elif name == TemplateKind.ECRF_QUESTION:
        statement = sa.select(Block.id).join(Ecrf).where(in_study, Block.uuid == piece)
    elif name == TemplateKind.EPRO_QUESTIONNAIRE:
        from plugins.epro.api import Questionnaire

        statement = sa.select(Questionnaire.id).where(
            Questionnaire.study_id == study_id, Questionnaire.uuid == piece
        )
    else:
        from plugins.econsent.api import ConsentDocument

        statement = sa.select(ConsentDocument.id).where(
            ConsentDocument.study_id == study_id, ConsentDocument.uuid == piece
        )
    return db.session.execute(statement).first() is not None
