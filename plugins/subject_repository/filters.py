"""Searching the panel: a filter on profile answers, consents, participation history and a
study's wash-out rules, run as one select; saved filters and the count they give."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    ErrorCode,
    Message,
    Question,
    QuestionType,
    Study,
    clean_answers,
    conflict,
    db,
    get_by_uuid,
    invalid,
)
from plugins.subject_repository import washout
from plugins.subject_repository.errors import SubjectRepositoryCodes
from plugins.subject_repository.models import (
    ConsentPurpose,
    PanelConsent,
    SavedFilter,
    Volunteer,
    VolunteerStatus,
)
from plugins.subject_repository.panel import profile_questions
from plugins.subjects.api import SubjectInStudy

OPERATORS = ("eq", "in", "has", "gte", "lte", "answered", "not_answered")
ORDERED_TYPES = {
    QuestionType.INTEGER,
    QuestionType.DECIMAL,
    QuestionType.SCALE,
    QuestionType.DATE,
    QuestionType.DATETIME,
    QuestionType.TIME,
}
NUMBER_TYPES = {QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.SCALE}
NO_SUCH_FILTER = Message("No such saved filter.")
UNKNOWN_QUESTION = Message("Not a profile question.")


class PanelProfileConditionSchema(ma.Schema):
    question = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))
    op = ma.fields.String(required=True, validate=ma.validate.OneOf(OPERATORS))
    value = ma.fields.Raw(load_default=None, allow_none=True)


class PanelFilterSpecSchema(ma.Schema):
    """What a panel search asks; every part optional, all of them must hold."""

    profile = ma.fields.List(
        ma.fields.Nested(PanelProfileConditionSchema),
        load_default=list,
        validate=ma.validate.Length(max=30),
        metadata={
            "description": "Conditions on profile answers: eq, in (a list), has (a choice of a"
            " multiple choice), gte, lte (numbers, dates, times), answered, not_answered."
        },
    )
    consents = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(list(ConsentPurpose))),
        load_default=list,
        metadata={"description": "Purposes the volunteer's standing consents must include."},
    )
    participated_in = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        validate=ma.validate.Length(max=50),
        metadata={"description": "Took part in at least one of these studies."},
    )
    not_participated_in = ma.fields.List(
        ma.fields.UUID(), load_default=list, validate=ma.validate.Length(max=50)
    )
    max_participations = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=1000)
    )
    eligible_for = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "A study whose wash-out rules the volunteers meet now."},
    )
    contact = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Only volunteers with a standing contact_for_studies consent."},
    )


def _refused(field: str, message: Message) -> DatacaptException:
    return invalid(SubjectRepositoryCodes.FILTER_INVALID, message, field=field)


def load_spec(given: Any) -> dict[str, Any]:
    """The filter as the schema reads it, or 422 FILTER_INVALID with its fields."""
    if not isinstance(given, Mapping):
        raise _refused("spec", Message("A filter is an object."))
    try:
        return PanelFilterSpecSchema().load(given)
    except ma.ValidationError as exc:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            SubjectRepositoryCodes.FILTER_INVALID,
            Message("The filter is refused."),
            fields=exc.normalized_messages(),
        ) from None


def _clean_value(question: Question, value: Any, field: str) -> Any:
    try:
        return clean_answers({question.code: question}, {question.code: value}, UNKNOWN_QUESTION)[
            question.code
        ]
    except DatacaptException as exc:
        messages = (exc.fields or {}).get(question.code) or [Message("Not an answer.")]
        raise _refused(field, messages[0]) from None


def _number(code: str) -> sa.ColumnElement[Any]:
    """The answer as a number where it is one (an answer stored before its question's type
    changed reads as no answer, never as an error)."""
    text = Volunteer.profile[code].astext
    return sa.case(
        (text.regexp_match(r"^-?[0-9]+(\.[0-9]+)?$"), sa.cast(text, sa.Numeric)), else_=None
    )


def _profile_clauses(conditions: list[dict[str, Any]]) -> list[sa.ColumnElement[bool]]:
    questions = profile_questions()
    contained: dict[str, Any] = {}  # eq and has together: one probe of the GIN index
    clauses: list[sa.ColumnElement[bool]] = []
    for index, condition in enumerate(conditions):
        field = f"profile.{index}"
        question = questions.get(condition["question"])
        if question is None:
            raise _refused(f"{field}.question", UNKNOWN_QUESTION)
        code, op, value = question.code, condition["op"], condition["value"]
        if op == "answered":
            clauses.append(Volunteer.profile.has_key(code))
        elif op == "not_answered":
            clauses.append(sa.not_(Volunteer.profile.has_key(code)))
        elif op == "eq":
            cleaned = _clean_value(question, value, f"{field}.value")
            if code in contained and contained[code] != cleaned:
                clauses.append(sa.false())
            contained[code] = cleaned
        elif op == "has":
            if question.type != QuestionType.MULTIPLE_CHOICE:
                raise _refused(f"{field}.op", Message("has reads a multiple choice question."))
            (choice,) = _clean_value(question, [value], f"{field}.value")
            contained.setdefault(code, [])
            if not isinstance(contained[code], list):
                raise _refused(f"{field}.op", Message("Compare a question one way."))
            contained[code].append(choice)
        elif op == "in":
            if not isinstance(value, list) or not 0 < len(value) <= 100:
                raise _refused(f"{field}.value", Message("A list of 1 to 100 answers."))
            cleaned_values = [_clean_value(question, v, f"{field}.value") for v in value]
            clauses.append(sa.or_(*(Volunteer.profile.contains({code: v}) for v in cleaned_values)))
        else:  # gte, lte
            if question.type not in ORDERED_TYPES:
                raise _refused(f"{field}.op", Message("Only numbers, dates and times compare."))
            cleaned = _clean_value(question, value, f"{field}.value")
            if question.type in NUMBER_TYPES:
                left: sa.ColumnElement[Any] = _number(code)
                right: Any = sa.cast(str(cleaned), sa.Numeric)
            else:
                left, right = Volunteer.profile[code].astext, str(cleaned)
            clauses.append(left >= right if op == "gte" else left <= right)
    if contained:
        clauses.insert(0, Volunteer.profile.contains(contained))
    return clauses


def _studies(uuids: list[uuid.UUID], field: str) -> list[int]:
    if not uuids:
        return []
    rows = db.session.execute(sa.select(Study.uuid, Study.id).where(Study.uuid.in_(uuids)))
    found = {study_uuid: study_id for study_uuid, study_id in rows}
    missing = [str(u) for u in uuids if u not in found]
    if missing:
        raise _refused(field, Message("No such study: {uuids}.", uuids=", ".join(missing)))
    return list(found.values())


def _standing(purpose: str) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        PanelConsent.volunteer_id == Volunteer.id,
        PanelConsent.purpose == purpose,
        PanelConsent.withdrawn_at.is_(None),
    )


def _spec_of(spec_or_saved: Any) -> dict[str, Any]:
    if isinstance(spec_or_saved, uuid.UUID | str) and not isinstance(spec_or_saved, Mapping):
        return load_spec(get_saved_filter(spec_or_saved).spec)
    return load_spec(spec_or_saved)


def _conditions(spec: dict[str, Any], for_contact: bool) -> list[sa.ColumnElement[bool]]:
    """The conditions on ``Volunteer`` rows that a read filter states."""
    conditions = [Volunteer.status == VolunteerStatus.ACTIVE, *_profile_clauses(spec["profile"])]
    purposes = set(spec["consents"])
    if for_contact or spec["contact"]:
        purposes.add(ConsentPurpose.CONTACT_FOR_STUDIES)
    conditions += [_standing(purpose) for purpose in sorted(purposes)]
    took_part = _studies(spec["participated_in"], "participated_in")
    if took_part:
        conditions.append(
            Volunteer.subject_id.in_(
                sa.select(SubjectInStudy.subject_id).where(SubjectInStudy.study_id.in_(took_part))
            )
        )
    not_there = _studies(spec["not_participated_in"], "not_participated_in")
    if not_there:
        conditions.append(
            Volunteer.subject_id.not_in(
                sa.select(SubjectInStudy.subject_id).where(SubjectInStudy.study_id.in_(not_there))
            )
        )
    if spec["max_participations"] is not None:
        count = (
            sa.select(sa.func.count())
            .where(SubjectInStudy.subject_id == Volunteer.subject_id)
            .scalar_subquery()
        )
        conditions.append(count <= spec["max_participations"])
    if spec["eligible_for"] is not None:
        (study_id,) = _studies([spec["eligible_for"]], "eligible_for")
        rules = washout.rules_of(db.session.get_one(Study, study_id))
        conditions.append(washout.eligible_clause(rules, Volunteer.subject_id))
    return conditions


def matching_volunteers(spec_or_saved_filter_uuid: Any, *, for_contact: bool = False) -> sa.Select:
    """The select of ``Subject.id`` (as ``Volunteer.subject_id``) of the volunteers a filter
    (a spec, or a saved filter's uuid) matches: never an erased volunteer, and with
    ``for_contact`` (or the spec's ``contact``) only those consenting to be contacted for
    studies; 422 FILTER_INVALID for a filter that cannot be read."""
    conditions = _conditions(_spec_of(spec_or_saved_filter_uuid), for_contact)
    return sa.select(Volunteer.subject_id).where(*conditions)


def matching_count(spec_or_saved_filter_uuid: Any) -> int:
    matching = matching_volunteers(spec_or_saved_filter_uuid).subquery()
    return db.session.execute(sa.select(sa.func.count()).select_from(matching)).scalar_one()


def search(spec_or_saved_filter_uuid: Any) -> sa.Select:
    """The volunteers a filter matches, as rows, by registration (the same conditions as
    ``matching_volunteers``, on the rows themselves: a page stops at its last match)."""
    conditions = _conditions(_spec_of(spec_or_saved_filter_uuid), False)
    return sa.select(Volunteer).where(*conditions).order_by(Volunteer.id)


# Saved filters --------------------------------------------------------------------------


def get_saved_filter(filter_uuid: Any) -> SavedFilter:
    return get_by_uuid(SavedFilter, filter_uuid, NO_SUCH_FILTER)


def saved_filters() -> sa.Select:
    return sa.select(SavedFilter).order_by(SavedFilter.name)


def _refuse_taken(name: str, current: SavedFilter | None) -> None:
    taken = sa.select(SavedFilter.id).where(SavedFilter.name == name)
    if current is not None:
        taken = taken.where(SavedFilter.id != current.id)
    if db.session.execute(taken).first():
        raise conflict(
            SubjectRepositoryCodes.FILTER_NAME_TAKEN,
            Message("Another saved filter has this name."),
            field="name",
        )


def _checked(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec as stored (JSON), once it reads and runs."""
    matching_volunteers(spec)
    return PanelFilterSpecSchema().dump(load_spec(spec))


def save_filter(name: str, spec: Mapping[str, Any]) -> SavedFilter:
    _lock_names()
    _refuse_taken(name, None)
    saved = SavedFilter(name=name, spec=_checked(spec))
    db.session.add(saved)
    db.session.flush()
    return saved


def change_filter(saved: SavedFilter, changes: Mapping[str, Any]) -> SavedFilter:
    if "name" in changes:
        _lock_names()
        _refuse_taken(changes["name"], saved)
        saved.name = changes["name"]
    if "spec" in changes:
        saved.spec = _checked(changes["spec"])
    db.session.flush()
    return saved


def remove_filter(saved: SavedFilter) -> None:
    db.session.delete(saved)
    db.session.flush()


def _lock_names() -> None:
    """Two saves of one name wait for each other, so the second is refused with 409."""
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(7434)))
