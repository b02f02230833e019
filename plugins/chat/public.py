"""The subject's access to their threads from the token of their chat link, in the
``Chat-Token`` header, without a login. Tokens that open nothing count against the
client's address (the core's limit of subject links, under a name of its own)."""

from __future__ import annotations

from flask import g

from datacapt.toolkit import (
    DatacaptException,
    ErrorCode,
    Message,
    Study,
    client_address,
    db,
    enforce_limit,
)
from plugins.chat.errors import ChatCodes
from plugins.chat.links import participation_for_token
from plugins.subjects.api import SubjectInStudy

TOKEN_HEADER = "Chat-Token"


def participation_of(token: str | None) -> SubjectInStudy:
    """The subject the token opens; else 401 (429 after too many from one address)."""
    participation = participation_for_token(token[:200]) if token else None
    if participation is None:
        enforce_limit(
            "epro-token",
            "chat",
            client_address(),
            internal=ChatCodes.CHAT_TOO_MANY_ATTEMPTS,
            message=Message("Too many links that open nothing: try again later."),
        )
        raise DatacaptException(
            ErrorCode.UNAUTHORIZED,
            ChatCodes.CHAT_LINK_INVALID,
            Message("This chat link is not valid."),
        )
    # What the subject does is audited under their study.
    g.study = db.session.get(Study, participation.study_id)
    return participation
