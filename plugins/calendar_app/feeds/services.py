"""Feeds: made (the URL's token shown once, any earlier feed of the owner revoked),
revoked, and read by their token alone."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from datacapt.toolkit import Message, Study, User, db, digest, not_found, utcnow
from plugins.calendar_app.feeds.models import Feed
from plugins.calendar_app.resources.models import Resource

NO_SUCH_FEED = Message("No such feed.")
#: The status of a user who may sign in (a deactivated or locked one's feed stops too).
ACTIVE_USER = "active"


def _owned(user: User | None, resource: Resource | None) -> sa.ColumnElement[bool]:
    if resource is not None:
        return Feed.resource_id == resource.id
    assert user is not None
    return Feed.user_id == user.id


def revoke(user: User | None = None, resource: Resource | None = None) -> int:
    """Every live feed of the owner: its URL answers 404 from now on."""
    live = (
        db.session.execute(sa.select(Feed).where(_owned(user, resource), Feed.revoked_at.is_(None)))
        .scalars()
        .all()
    )
    for feed in live:
        feed.revoked_at = utcnow()
    db.session.flush()
    return len(live)


def make_feed(
    user: User | None = None, resource: Resource | None = None, study: Study | None = None
) -> tuple[Feed, str]:
    """A new feed and its token (the only time the token is known); a resource's is made in
    a study, the one it details."""
    revoke(user, resource)
    token = secrets.token_urlsafe(32)
    feed = Feed(
        user_id=user.id if user else None,
        resource_id=resource.id if resource else None,
        study_id=study.id if study and resource else None,
        token_digest=digest(token),
    )
    db.session.add(feed)
    db.session.flush()
    return feed, token


def live_feed(token: str) -> Feed:
    """The feed of a token, unless revoked or its owner's account no longer active (404 as
    for a token never given)."""
    feed = db.session.execute(
        sa.select(Feed).where(Feed.token_digest == digest(token), Feed.revoked_at.is_(None))
    ).scalar_one_or_none()
    if feed is None or (feed.user is not None and feed.user.status != ACTIVE_USER):
        raise not_found(NO_SUCH_FEED)
    return feed
