"""Private iCalendar feeds: a staff member's own (made and revoked by them), read by
calendar applications at their URL without a login."""

from __future__ import annotations

from flask import Response, request

from datacapt.toolkit import AUTHENTICATED, ApiView, Blueprint, acting_user
from plugins.calendar_app.feeds import services
from plugins.calendar_app.feeds.ical import feed_document
from plugins.calendar_app.feeds.models import Feed
from plugins.calendar_app.feeds.schemas import FeedReadSchema

ICS = "text/calendar"

blp = Blueprint(
    "calendar_feeds",
    __name__,
    url_prefix="/api/calendar/feeds",
    description="Calendar: private iCalendar feeds",
)


def feed_answer(feed: Feed, token: str, root: str) -> dict:
    return {
        "uuid": feed.uuid,
        "created_at": feed.created_at,
        "url": f"{root.rstrip('/')}{blp.url_prefix}/{token}.ics",
    }


@blp.route("/mine")
class MyFeed(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"default": AUTHENTICATED}

    @blp.response(201, FeedReadSchema)
    def post(self):
        """A new private feed of the caller's appointments (and the events they see): its
        URL is in this answer only; an earlier URL stops working."""
        return feed_answer(*services.make_feed(user=acting_user()), request.url_root)

    @blp.response(204)
    def delete(self):
        """Revoke the caller's feed: its URL answers 404."""
        services.revoke(user=acting_user())


@blp.route("/<string:token>.ics")
class FeedDocument(ApiView):
    PUBLIC = True  # calendar applications cannot log in: the URL's secret is the credential

    @blp.response(200, {"type": "string"}, content_type=ICS, description="An iCalendar document")
    def get(self, token):
        """The feed of a live token (404 once revoked, as for a token never given)."""
        return Response(feed_document(services.live_feed(token)), mimetype=ICS)
