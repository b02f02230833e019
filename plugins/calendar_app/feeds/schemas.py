"""What the feed endpoints answer."""

from __future__ import annotations

import marshmallow as ma


class FeedReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    url = ma.fields.String(
        metadata={"description": "The private URL: shown this once, it needs no login"}
    )
    created_at = ma.fields.AwareDateTime()
