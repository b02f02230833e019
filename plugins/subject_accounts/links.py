"""Registration links: the public ways into the panel, per tenant or per study's
recruitment campaign, with their URL and QR code."""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping
from typing import Any

import segno
import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    ErrorCode,
    Message,
    Study,
    db,
    digest,
    get_by_uuid,
    utcnow,
)
from plugins.subject_accounts import messages
from plugins.subject_accounts.errors import SubjectAccountsCodes
from plugins.subject_accounts.models import RegistrationLink


def list_links() -> sa.Select:
    return sa.select(RegistrationLink).order_by(RegistrationLink.id)


def get_link(link_uuid: uuid.UUID) -> RegistrationLink:
    return get_by_uuid(RegistrationLink, link_uuid, Message("No such registration link."))


def create_link(data: Mapping[str, Any]) -> RegistrationLink:
    study = (
        get_by_uuid(Study, data["study"], Message("No such study.")) if data.get("study") else None
    )
    link_uuid = uuid.uuid4()
    link = RegistrationLink(
        uuid=link_uuid,
        name=data["name"],
        study_id=study.id if study else None,
        expires_at=data.get("expires_at"),
        token_hash=digest(messages.registration_token(str(link_uuid))),
    )
    db.session.add(link)
    db.session.flush()
    return link


def update_link(link: RegistrationLink, changes: Mapping[str, Any]) -> RegistrationLink:
    for name in ("name", "active", "expires_at"):
        if name in changes:
            setattr(link, name, changes[name])
    db.session.flush()
    return link


def link_url(link: RegistrationLink) -> str:
    return messages.registration_url(messages.registration_token(str(link.uuid)))


def qr_code_svg(link: RegistrationLink) -> str:
    """The QR code of the link's URL, as an SVG document (to print on a flyer)."""
    out = io.BytesIO()
    segno.make(link_url(link), error="m").save(out, kind="svg", scale=4, xmldecl=False)
    return out.getvalue().decode()


def registration_link_for(token: str) -> RegistrationLink:
    """The open link of ``token``; 401 for a token that opens nothing (unknown, closed or
    expired: one answer, which says nothing of which)."""
    link = db.session.execute(
        sa.select(RegistrationLink).where(RegistrationLink.token_hash == digest(token))
    ).scalar_one_or_none()
    if link is None or not link.active or (link.expires_at and link.expires_at <= utcnow()):
        raise DatacaptException(
            ErrorCode.UNAUTHORIZED,
            SubjectAccountsCodes.REGISTRATION_LINK_INVALID,
            Message("This registration link is not valid."),
        )
    return link
