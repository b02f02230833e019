"""A subject's chat link: a token derived from the secret key (each email can carry it
again while only its hash is stored), renewed by staff when it leaked."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import current_tenant, db, derived_secret, digest, frontend_url
from plugins.chat.models import ChatLink
from plugins.subjects.api import SubjectInStudy


def link_token(participation_uuid: uuid.UUID | str, generation: int) -> str:
    return derived_secret(
        f"chat-link:{current_tenant().schema_name}:{participation_uuid}:{generation}"
    )


def subject_link(token: str) -> str:
    """The frontend's page of a subject's chat (it sends the token as Chat-Token)."""
    return f"{frontend_url()}/chat/{token}"


def link_of(participation: SubjectInStudy) -> ChatLink | None:
    return db.session.execute(
        sa.select(ChatLink).where(ChatLink.subject_in_study_id == participation.id)
    ).scalar_one_or_none()


def ensure_link(participation: SubjectInStudy) -> ChatLink:
    """The subject's link, made at its first use (by one of two requests making it at
    once: the other finds it)."""
    link = link_of(participation)
    if link is not None:
        return link
    try:
        with db.session.begin_nested():
            link = ChatLink(
                participation=participation,
                subject_in_study_id=participation.id,
                generation=1,
                token_hash=digest(link_token(participation.uuid, 1)),
            )
            db.session.add(link)
            db.session.flush()
    except sa.exc.IntegrityError:
        link = link_of(participation)
        assert link is not None
    return link


def renew_link(participation: SubjectInStudy) -> str:
    """A new token for the subject (the previous one opens nothing any more): answered once."""
    link = link_of(participation)
    if link is None:
        link = ensure_link(participation)
    else:
        db.session.refresh(link, with_for_update=True)
        link.generation += 1
        link.token_hash = digest(link_token(participation.uuid, link.generation))
        db.session.flush()
    return link_token(participation.uuid, link.generation)


def participation_for_token(token: str) -> SubjectInStudy | None:
    link = db.session.execute(
        sa.select(ChatLink).where(ChatLink.token_hash == digest(token))
    ).scalar_one_or_none()
    return link.participation if link else None
