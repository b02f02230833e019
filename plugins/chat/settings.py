"""The chat plugin's tenant settings (``flask plugins settings SCHEMA chat``)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from datacapt.toolkit import current_settings

ATTACHMENT_TYPES = ["application/pdf", "image/png", "image/jpeg"]


class _TypeList(ma.fields.List):
    """Types as a list, or as one text separated by commas (as the CLI gives them)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if isinstance(value, str):
            value = [part.strip().lower() for part in value.split(",") if part.strip()]
        return super()._deserialize(value, attr, data, **kwargs)


class TenantSettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    attachment_types = _TypeList(
        ma.fields.String(validate=ma.validate.Length(min=3, max=100)),
        load_default=lambda: list(ATTACHMENT_TYPES),
        validate=ma.validate.Length(max=20),
        metadata={
            "description": "The types of file a message may carry (among those the platform's"
            " storage accepts)"
        },
    )
    online_minutes = ma.fields.Integer(
        load_default=5,
        validate=ma.validate.Range(min=0, max=24 * 60),
        metadata={
            "description": "Someone who read a thread this recently is online there: they get"
            " no email of its new messages"
        },
    )


def chat_settings() -> dict[str, Any]:
    return current_settings("chat")
