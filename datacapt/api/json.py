"""JSON encoding of the API: ISO 8601 timestamps; UUIDs, Decimals and Messages as strings;
a value that renders itself for the caller (``__json__``, a blinded value) as it says."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from flask.json.provider import DefaultJSONProvider

from datacapt.i18n import Message


class DatacaptJSONProvider(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, uuid.UUID | decimal.Decimal | Message):
            return str(o)
        render = getattr(o, "__json__", None)
        if callable(render):
            return render()
        return DefaultJSONProvider.default(o)
