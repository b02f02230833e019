"""The demo tenant's registration links: one for the panel, one for each study's campaign."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.subject_accounts import links
from plugins.subject_accounts.models import RegistrationLink


def add_demo_links(study: Study) -> None:
    if db.session.execute(sa.select(RegistrationLink.id).limit(1)).first() is None:
        links.create_link({"name": "Volunteer panel"})
    links.create_link({"name": f"Campaign {study.reference}", "study": study.uuid})
