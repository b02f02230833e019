"""Applications: a volunteer applies with the form's answers and is pre-screened at once
(an exclusion rule of the form, or the clinical study's wash-out, ends the application
with its reason); beyond the target, applicants wait on a list, in order; staff move
applications along their statuses; the applicant follows theirs by the token of a link."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Channel,
    DatacaptException,
    ErrorCode,
    Level,
    Message,
    Study,
    asks_for_answer,
    clean_answers,
    client_address,
    conflict,
    db,
    digest,
    enforce_limit,
    evaluate_form,
    get_in_study,
    invalid,
    is_answered,
    notify,
    record_event,
    study_query,
)
from plugins.recruitment import messages, panel, waiting_list
from plugins.recruitment.errors import RecruitmentCodes
from plugins.recruitment.models import (
    ENDED_STATUSES,
    ApplicationStatus,
    CampaignInvitation,
    RecruitmentApplication,
    RecruitmentStudy,
    SlotBooking,
    VisitSlot,
)
from plugins.recruitment.studies import is_open_now, questions

NOT_FOUND = Message("No such application.")


def _checked_answers(recruitment: RecruitmentStudy, given: Mapping[str, Any]) -> dict[str, Any]:
    by_code = {question.code: question for question in questions(recruitment)}
    cleaned = clean_answers(by_code, given, Message("Not a question of this form."))
    state = evaluate_form(list(by_code.values()), cleaned)
    missing = [
        question.code
        for question in by_code.values()
        if asks_for_answer(question, state) and not is_answered(state.answers.get(question.code))
    ]
    if missing:
        raise invalid(
            RecruitmentCodes.RECRUITMENT_INVALID,
            Message("Some required questions are not answered."),
            missing=missing,
        )
    return state.answers


def _exclusion(recruitment: RecruitmentStudy, answers: Mapping[str, Any]) -> str | None:
    """The pre-screening rules that exclude these answers, as the reason kept."""
    state = evaluate_form(questions(recruitment), dict(answers))
    found = [f"{f.code}: {f.message}" for f in state.findings if f.level == Level.EXCLUSION]
    return "; ".join(found) or None


def _pre_screen(application: RecruitmentApplication, study: Study) -> None:
    recruitment = application.recruitment
    reason = _exclusion(recruitment, application.answers)
    if reason is None:
        washout = panel.refusal(application.subject, study)
        reason = f"wash-out: {washout}" if washout else None
    if reason is not None:
        application.transition_to(ApplicationStatus.NOT_ELIGIBLE)
        application.reason = reason
        return
    # Counted before this one joins them.
    waiting = waiting_list.places_taken(recruitment) >= recruitment.target
    application.transition_to(ApplicationStatus.PRE_SCREENED)
    application.waiting_list = waiting


def apply(
    recruitment: RecruitmentStudy,
    answers: Mapping[str, Any],
    *,
    personal: Mapping[str, Any] | None = None,
    invitation: CampaignInvitation | None = None,
) -> tuple[RecruitmentApplication, str | None]:
    """The application (pre-screened already) and the token of its link, given once. A
    public application (no invitation) with the email of one made already sends that one's
    link to the email again and gives no token."""
    if not is_open_now(recruitment):
        raise conflict(
            RecruitmentCodes.RECRUITMENT_CLOSED, Message("This recruitment is not open.")
        )
    cleaned = _checked_answers(recruitment, answers)
    subject = invitation.subject if invitation is not None else panel.volunteer(personal or {})
    waiting_list.lock(recruitment)
    already = db.session.execute(
        sa.select(RecruitmentApplication).where(
            RecruitmentApplication.recruitment_id == recruitment.id,
            RecruitmentApplication.subject_id == subject.id,
        )
    ).scalar_one_or_none()
    if already is not None and invitation is None:
        # Whoever typed the email is not known to own it: its owner gets their link again.
        tell(already, messages.RECEIVED)
        return already, None
    if already is not None:
        raise conflict(
            RecruitmentCodes.RECRUITMENT_ALREADY_APPLIED,
            Message("You have already applied to this study."),
        )
    public_id = uuid.uuid4()
    token = messages.application_token(public_id)
    study = db.session.get(Study, recruitment.study_id)
    assert study is not None
    application = RecruitmentApplication(
        uuid=public_id,
        study_id=recruitment.study_id,
        recruitment=recruitment,
        subject=subject,
        status=ApplicationStatus.APPLIED,
        answers=cleaned,
        token_hash=digest(token),
        invitation_id=invitation.id if invitation is not None else None,
    )
    db.session.add(application)
    db.session.flush()
    _pre_screen(application, study)
    db.session.flush()
    tell(application, messages.RECEIVED)
    return application, token


def tell(application: RecruitmentApplication, template: str, **params: Any) -> None:
    notify(
        template,
        Channel.EMAIL,
        panel.recipient(application.subject_id, Channel.EMAIL),
        {"title": application.recruitment.title, "application": str(application.uuid), **params},
        study_id=application.study_id,
    )


def list_applications(recruitment: RecruitmentStudy, filters: Mapping[str, Any]) -> sa.Select:
    statement = (
        study_query(RecruitmentApplication)
        .where(RecruitmentApplication.recruitment_id == recruitment.id)
        .order_by(RecruitmentApplication.created_at)
    )
    if filters.get("status"):
        statement = statement.where(RecruitmentApplication.status == filters["status"])
    if filters.get("waiting_list") is not None:
        statement = statement.where(
            RecruitmentApplication.waiting_list.is_(filters["waiting_list"])
        )
    return statement


def get_application(study: Study, application_uuid: Any) -> RecruitmentApplication:
    return get_in_study(RecruitmentApplication, application_uuid, NOT_FOUND, study=study)


def read_application(application: RecruitmentApplication) -> RecruitmentApplication:
    """The application as staff read it, answers and all: the read is audited."""
    record_event("read", application)
    db.session.flush()
    return application


def locked_application(application: RecruitmentApplication) -> RecruitmentApplication:
    """The application again, its row locked until commit, as it stands now."""
    return db.session.execute(
        sa.select(RecruitmentApplication)
        .where(RecruitmentApplication.id == application.id)
        .with_for_update(of=RecruitmentApplication)
        .execution_options(populate_existing=True)
    ).scalar_one()


def change_status(
    application: RecruitmentApplication, status: str, reason: str | None
) -> RecruitmentApplication:
    """Staff move an application on; ending one needs its reason, including one needs a
    place under the target; a scheduled visit is set by booking a slot."""
    recruitment = waiting_list.lock(application.recruitment)
    application = locked_application(application)
    if status == ApplicationStatus.SCHEDULED:
        raise invalid(
            RecruitmentCodes.RECRUITMENT_INVALID,
            Message("An application is scheduled by booking a slot."),
            field="status",
        )
    if status in ENDED_STATUSES and not reason:
        raise invalid(
            RecruitmentCodes.RECRUITMENT_INVALID,
            Message("Say why the application ends."),
            field="reason",
        )
    if status == ApplicationStatus.INCLUDED and application.waiting_list:
        raise conflict(
            RecruitmentCodes.RECRUITMENT_TARGET_REACHED,
            Message("The applicant is on the waiting list: the target is reached."),
            target=recruitment.target,
        )
    application.transition_to(status)
    if status in ENDED_STATUSES:
        application.reason = reason
        release_booking(application)
        db.session.flush()
        waiting_list.fill_places(recruitment)
    db.session.flush()
    return application


def application_for_token(token: str | None) -> RecruitmentApplication:
    """The application a link's token opens (its row locked); else 401, each miss counted
    against the client's address."""
    application = (
        db.session.execute(
            sa.select(RecruitmentApplication)
            .where(RecruitmentApplication.token_hash == digest(token))
            .with_for_update(of=RecruitmentApplication)
        ).scalar_one_or_none()
        if token
        else None
    )
    if application is None:
        refuse_link()
    assert application is not None
    return application


def refuse_link() -> None:
    """A link that opens nothing: counted per client address (429 past the limit), 401."""
    enforce_limit(
        "epro-token",
        "recruitment",
        client_address(),
        internal=RecruitmentCodes.RECRUITMENT_TOO_MANY_ATTEMPTS,
        message=Message("Too many links that open nothing: try again later."),
    )
    raise DatacaptException(
        ErrorCode.UNAUTHORIZED,
        RecruitmentCodes.RECRUITMENT_LINK_INVALID,
        Message("This link is not valid."),
    )


def release_booking(application: RecruitmentApplication) -> SlotBooking | None:
    """The application's booking removed (audited) and its place given back to the slot,
    under the slot's row lock; the booking it had, if any."""
    booking = db.session.execute(
        sa.select(SlotBooking).where(SlotBooking.application_id == application.id)
    ).scalar_one_or_none()
    if booking is None:
        return None
    slot = locked_slot(booking.slot_id)
    slot.booked -= 1
    db.session.delete(booking)
    db.session.flush()
    return booking


def locked_slot(slot_id: int) -> VisitSlot:
    """The slot as it stands now, its row locked until commit: bookings of one slot are
    counted one at a time."""
    return db.session.execute(
        sa.select(VisitSlot)
        .where(VisitSlot.id == slot_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
