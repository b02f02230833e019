"""Eligibility across studies: a study's category and its wash-out rules (its study
settings), applied to a volunteer's participations in the tenant's other studies.

A participation runs from its creation to its end: its last change once completed,
withdrawn or excluded, today while the subject is in screening or included."""

from __future__ import annotations

import dataclasses
import datetime as dt

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from datacapt.toolkit import Message, Study, db, study_settings, utcnow
from plugins.subjects.api import Subject, SubjectInStudy, SubjectStatus

PLUGIN = "subject_repository"
YEAR = dt.timedelta(days=365)
ENDED = (SubjectStatus.COMPLETED, SubjectStatus.WITHDRAWN, SubjectStatus.EXCLUDED)


class WashoutSettingsSchema(ma.Schema):
    """A study's category and wash-out rules (its subject_repository study settings)."""

    category = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(min=1, max=60),
        metadata={"description": "Studies of one category share the wash-out (e.g. 'sun care')."},
    )
    washout_days = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(min=1, max=3650),
        metadata={"description": "No participation in a study of the same category within them."},
    )
    max_studies_per_year = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(min=1, max=100),
        metadata={"description": "At most this many studies (of any category) in 365 days."},
    )


@dataclasses.dataclass(frozen=True)
class WashoutRules:
    study_id: int
    same_category: tuple[int, ...]  # the other studies of the study's category
    washout_days: int | None
    max_studies_per_year: int | None

    @property
    def empty(self) -> bool:
        return not (self.washout_days and self.same_category) and not self.max_studies_per_year


def rules_of(study: Study) -> WashoutRules:
    settings = study_settings(PLUGIN, study)
    category = settings["category"]
    same: tuple[int, ...] = ()
    if category and settings["washout_days"]:
        others = db.session.execute(sa.select(Study).where(Study.id != study.id)).scalars()
        same = tuple(
            other.id
            for other in others
            if (study_settings(PLUGIN, other)["category"] or "").casefold() == category.casefold()
        )
    return WashoutRules(study.id, same, settings["washout_days"], settings["max_studies_per_year"])


def participation_end(now: dt.datetime) -> sa.ColumnElement[dt.datetime]:
    """When a participation ended (``now`` for one running)."""
    return sa.case(
        (SubjectInStudy.status.in_(ENDED), SubjectInStudy.modified_at),
        else_=sa.literal(now, sa.DateTime(timezone=True)),
    )


def _recent_in_category(rules: WashoutRules, now: dt.datetime) -> sa.Select:
    since = now - dt.timedelta(days=rules.washout_days or 0)
    return sa.select(SubjectInStudy.subject_id).where(
        SubjectInStudy.study_id.in_(rules.same_category), participation_end(now) >= since
    )


def _studies_in_year(rules: WashoutRules, now: dt.datetime) -> sa.Select:
    return (
        sa.select(SubjectInStudy.subject_id)
        .where(SubjectInStudy.study_id != rules.study_id, participation_end(now) >= now - YEAR)
        .group_by(SubjectInStudy.subject_id)
        .having(sa.func.count() >= rules.max_studies_per_year)
    )


def eligible_clause(
    rules: WashoutRules, subject_id: InstrumentedAttribute[int]
) -> sa.ColumnElement[bool]:
    """A condition on ``subject_id`` (a subject's id): those the rules admit now."""
    now = utcnow()
    clauses: list[sa.ColumnElement[bool]] = []
    if rules.washout_days and rules.same_category:
        clauses.append(subject_id.not_in(_recent_in_category(rules, now)))
    if rules.max_studies_per_year:
        clauses.append(subject_id.not_in(_studies_in_year(rules, now)))
    return sa.and_(sa.true(), *clauses)


def washout_message(subject: Subject, study: Study) -> Message | None:
    """Why the volunteer may not take part in ``study`` now under its wash-out rules."""
    rules = rules_of(study)
    if rules.empty:
        return None
    now = utcnow()
    mine = sa.select(SubjectInStudy).where(
        SubjectInStudy.subject_id == subject.id, SubjectInStudy.study_id != study.id
    )
    if rules.washout_days and rules.same_category:
        since = now - dt.timedelta(days=rules.washout_days)
        last = db.session.execute(
            sa.select(sa.func.max(participation_end(now))).where(
                SubjectInStudy.subject_id == subject.id,
                SubjectInStudy.study_id.in_(rules.same_category),
            )
        ).scalar()
        if last is not None and last >= since:
            return Message(
                "Took part in a study of the same category until {last}: the wash-out of"
                " {days} days lets them take part from {from_date}.",
                last=last.date().isoformat(),
                days=rules.washout_days,
                from_date=(last + dt.timedelta(days=rules.washout_days)).date().isoformat(),
            )
    if rules.max_studies_per_year:
        count = db.session.execute(
            sa.select(sa.func.count()).select_from(
                mine.where(participation_end(now) >= now - YEAR).subquery()
            )
        ).scalar_one()
        if count >= rules.max_studies_per_year:
            return Message(
                "Took part in {count} studies in the last 365 days: this study admits at"
                " most {limit}.",
                count=count,
                limit=rules.max_studies_per_year,
            )
    return None


def washout_refusal(subject: Subject, study: Study) -> str | None:
    """The reason (in the current language) the volunteer may not take part in ``study``
    now under its wash-out rules; None when they may."""
    message = washout_message(subject, study)
    return message.render() if message else None


def history(subject: Subject) -> list[dict[str, object]]:
    """The volunteer's participations across the tenant's studies, the latest first (read
    from the subjects module: nothing copied)."""
    now = utcnow()
    rows = db.session.execute(
        sa.select(SubjectInStudy, Study, participation_end(now))
        .join(Study, Study.id == SubjectInStudy.study_id)
        .where(SubjectInStudy.subject_id == subject.id)
        .order_by(SubjectInStudy.created_at.desc(), SubjectInStudy.id.desc())
    ).all()
    return [
        {
            "study": study.uuid,
            "study_reference": study.reference,
            "category": study_settings(PLUGIN, study)["category"],
            "status": participation.status,
            "inclusion_date": participation.inclusion_date,
            "started_at": participation.created_at,
            "ended_at": None if participation.status not in ENDED else ended,
        }
        for participation, study, ended in rows
    ]
