"""A payee as written and read: bank details and a structured postal address (the field
lengths of ISO 20022's postal address)."""

from __future__ import annotations

import marshmallow as ma


def _text(maximum: int, **options) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(min=1, max=maximum), **options)


def _optional(maximum: int) -> ma.fields.String:
    return _text(maximum, load_default=None, allow_none=True)


class PayeeSchema(ma.Schema):
    holder_name = _text(140, required=True, metadata={"description": "The account holder"})
    iban = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=50),
        metadata={"description": "Spaces allowed; answered in its electronic form"},
    )
    bic = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=11))
    street_name = _optional(70)
    building_number = _optional(16)
    postal_code = _optional(16)
    town_name = _text(35, required=True)
    country = ma.fields.String(
        required=True,
        validate=ma.validate.Regexp(r"^[A-Z]{2}$"),
        metadata={"description": "ISO 3166-1 alpha-2"},
    )


class PayeeReadSchema(PayeeSchema):
    modified_at = ma.fields.AwareDateTime()
