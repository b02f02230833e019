"""Private iCalendar feeds: a staff member's or a resource's, at an unguessable URL that
needs no login (calendar applications cannot log in), revoked at will."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import AuditContext, Audited, BaseModel, Study, TenantModel, User, db
from plugins.calendar_app.resources.models import Resource


class Feed(TenantModel, BaseModel, Audited):
    """Only the token's digest is kept: the URL is shown once, when the feed is made."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        sa.CheckConstraint(
            "(resource_id IS NULL) <> (user_id IS NULL)", name="calendar_feed_owner"
        ),
    )
    audit_exclude = frozenset({"token_digest"})

    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id), index=True)
    user: Mapped[User | None] = relationship(lazy="joined")
    resource_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Resource.id), index=True)
    resource: Mapped[Resource | None] = relationship(lazy="joined")
    #: A resource's feed: the study it was made in, whose appointments and events it
    #: details; another study's appointments there show as busy time only.
    study_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Study.id))
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    revoked_at: Mapped[dt.datetime | None]

    def audit_context(self) -> AuditContext:
        if self.resource_id is not None:
            return db.session.get_one(Resource, self.resource_id).audit_context()
        return AuditContext()


MODELS: list[type] = [Feed]
