"""The panel's tenant settings."""

from __future__ import annotations

import marshmallow as ma


class PanelSettingsSchema(ma.Schema):
    retention_years = ma.fields.Integer(
        load_default=5,
        validate=ma.validate.Range(min=1, max=50),
        metadata={"description": "A volunteer without activity for them is flagged for review."},
    )
