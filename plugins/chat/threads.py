"""Threads as staff see them: a subject thread by everyone allowed to talk with subjects
at its center, a staff thread by its participants only (at the centers they see); their
opening, closing and reopening, and who takes part."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    StudyCenter,
    User,
    acting_user,
    centers_of_study,
    db,
    forbidden,
    invalid,
    one_or_404,
    study_members,
    study_permissions,
    study_query,
    utcnow,
    visible_center_ids,
)
from plugins.chat import permissions
from plugins.chat.errors import ChatCodes
from plugins.chat.models import ChatParticipant, ChatThread, ThreadKind, ThreadStatus
from plugins.subjects.api import get_subject

NO_SUCH_THREAD = Message("No such thread.")


def visible_threads(study: Study, user: User) -> sa.Select:
    """The threads of the study the caller sees, the latest active first."""
    mine = ChatThread.participants.any(ChatParticipant.user_id == user.id)
    if permissions.SUBJECTS in study_permissions():
        seen = sa.or_(ChatThread.kind == ThreadKind.SUBJECT, mine)
    else:
        seen = sa.and_(ChatThread.kind == ThreadKind.STAFF, mine)
    return (
        study_query(ChatThread, study)
        .where(seen)
        .order_by(
            sa.func.coalesce(ChatThread.last_message_at, ChatThread.created_at).desc(),
            ChatThread.id.desc(),
        )
    )


def list_threads(
    study: Study, kind: str | None = None, status: str | None = None, subject: Any = None
) -> sa.Select:
    statement = visible_threads(study, acting_user())
    if kind:
        statement = statement.where(ChatThread.kind == kind)
    if status:
        statement = statement.where(ChatThread.status == status)
    if subject is not None:
        statement = statement.where(ChatThread.participation.has(uuid=subject))
    return statement


def lock(thread: ChatThread) -> None:
    """Hold the thread's row until the transaction ends (posts and receipts one at a time),
    and read it again as it now stands."""
    db.session.execute(sa.select(ChatThread.id).where(ChatThread.id == thread.id).with_for_update())
    db.session.refresh(thread)


def get_thread(study: Study, thread_uuid: Any, for_update: bool = False) -> ChatThread:
    thread = one_or_404(
        visible_threads(study, acting_user()).where(ChatThread.uuid == thread_uuid),
        NO_SUCH_THREAD,
    )
    if for_update:
        lock(thread)
    return thread


def _staff(
    study: Study, center: StudyCenter | None, opener: User, user_uuids: Iterable[Any]
) -> list[User]:
    """The opener and the named users, each of the study's team seeing the thread's center."""
    members = {user.uuid: user for user in study_members(study, center=center)}
    wanted = dict.fromkeys([opener.uuid, *user_uuids])
    unknown = [str(user_uuid) for user_uuid in wanted if user_uuid not in members]
    if unknown:
        raise invalid(
            ChatCodes.CHAT_PARTICIPANT_INVALID,
            Message("Participants are members of the study's team who see the thread's center."),
            field="participants",
            users=unknown,
        )
    return [members[user_uuid] for user_uuid in wanted]


def _center(study: Study, center_uuid: Any) -> StudyCenter | None:
    """A staff thread's center: one of the study's that the caller sees."""
    if center_uuid is None:
        visible = visible_center_ids()
        if visible is not None:
            raise invalid(
                ChatCodes.CHAT_INVALID,
                Message("Name the center of the thread: you do not see every center."),
                field="center",
            )
        return None
    (center,) = centers_of_study(study, [center_uuid], field="center")
    visible = visible_center_ids()
    if visible is not None and center.id not in visible:
        raise invalid(
            ChatCodes.CHAT_INVALID, Message("You do not see this center."), field="center"
        )
    return center


def open_thread(study: Study, data: Mapping[str, Any]) -> ChatThread:
    """A new thread, with the caller and the named staff (and the subject, for a subject
    thread, at the subject's center)."""
    opener = acting_user()
    if data["kind"] == ThreadKind.SUBJECT:
        if permissions.SUBJECTS not in study_permissions():
            raise forbidden(
                ChatCodes.CHAT_NOT_ALLOWED,
                Message("You are not allowed to talk with subjects in this study."),
            )
        if data.get("subject") is None:
            raise invalid(
                ChatCodes.CHAT_INVALID, Message("Name the subject of the thread."), field="subject"
            )
        participation = get_subject(study, data["subject"])
        center: StudyCenter | None = participation.center
    else:
        participation = None
        center = _center(study, data.get("center"))
    thread = ChatThread(
        study_id=study.id,
        kind=data["kind"],
        title=data["title"],
        status=ThreadStatus.OPEN,
        center=center,
        center_id=center.id if center else None,
        participation=participation,
        subject_in_study_id=participation.id if participation else None,
        opened_by_id=opener.id,
    )
    db.session.add(thread)
    db.session.flush()
    for user in _staff(study, center, opener, data.get("participants", [])):
        db.session.add(ChatParticipant(thread=thread, thread_id=thread.id, user_id=user.id))
    if participation is not None:
        db.session.add(ChatParticipant(thread=thread, thread_id=thread.id, user_id=None))
    db.session.flush()
    db.session.refresh(thread)
    return thread


def add_participants(study: Study, thread: ChatThread, user_uuids: Iterable[Any]) -> ChatThread:
    """More staff in the thread (those already in stay as they are)."""
    present = {p.user_id for p in thread.participants}
    for user in _staff(study, thread.center, acting_user(), user_uuids):
        if user.id not in present:
            db.session.add(ChatParticipant(thread=thread, thread_id=thread.id, user_id=user.id))
    db.session.flush()
    db.session.refresh(thread)
    return thread


def set_status(thread: ChatThread, status: ThreadStatus) -> ChatThread:
    """Close a thread (no new message; retention may then remove its old ones) or reopen it;
    asking for the status it has changes nothing."""
    if thread.status == status:
        return thread
    thread.transition_to(status)
    thread.closed_at = utcnow() if status == ThreadStatus.CLOSED else None
    db.session.flush()
    return thread
