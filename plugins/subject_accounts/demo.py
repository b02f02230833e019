"""The demo tenant's registration links: one for the panel, one for each study's campaign
(each made once)."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.subject_accounts import links
from plugins.subject_accounts.models import RegistrationLink


def _has_link(study: Study | None) -> bool:
    where = (
        RegistrationLink.study_id.is_(None)
        if study is None
        else RegistrationLink.study_id == study.id
    )
    return (
        db.session.execute(sa.select(RegistrationLink.id).where(where).limit(1)).first() is not None
    )


def add_demo_links(study: Study) -> None:
    if not _has_link(None):
        links.create_link({"name": "Volunteer panel"})
    if not _has_link(study):
        links.create_link({"name": f"Campaign {study.reference}", "study": study.uuid})
