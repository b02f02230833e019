"""The payments plugin's tenant settings (``flask plugins settings SCHEMA payments``)."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import current_settings


class TenantSettingsSchema(ma.Schema):
    """Missing keys take these defaults."""

    four_eyes = ma.fields.Boolean(
        load_default=True,
        metadata={"description": "Whoever changed an order's amount may not validate that order"},
    )


def four_eyes() -> bool:
    return bool(current_settings("payments")["four_eyes"])
