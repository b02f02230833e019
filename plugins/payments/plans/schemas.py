"""What the plan endpoints read and write. Amounts are decimal strings ("50.00"): never
floats; their decimals are checked against the currency by plans/terms.py."""

from __future__ import annotations

import marshmallow as ma

from plugins.payments.plans.models import PlanKind, VersionStatus


def _amount(description: str, **options) -> ma.fields.Decimal:
    return ma.fields.Decimal(
        as_string=True, allow_nan=False, metadata={"description": description}, **options
    )


class PlanVisitTermsSchema(ma.Schema):
    section = ma.fields.UUID(
        required=True, metadata={"description": "The eCRF section that is the visit"}
    )
    amount = _amount("Paid once the visit is done", required=True)
    travel = _amount(
        "Travel expenses for the visit, a line of its own (kind travel)",
        load_default=None,
        allow_none=True,
    )


class PerVisitTermsSchema(ma.Schema):
    visits = ma.fields.List(
        ma.fields.Nested(PlanVisitTermsSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=200),
    )
    completion_bonus = _amount(
        "Paid when the participation is completed", load_default=None, allow_none=True
    )


class PerStudyTermsSchema(ma.Schema):
    amount = _amount("Paid when the participation is completed", required=True)
    pro_rata = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "A withdrawn participant is paid amount x visits done / visits"
            " (the sections listed in visits)"
        },
    )
    visits = ma.fields.List(
        ma.fields.UUID(),
        load_default=list,
        validate=ma.validate.Length(max=200),
        metadata={"description": "The eCRF sections that are the planned visits (pro rata)"},
    )


TERMS_SCHEMAS: dict[str, type[ma.Schema]] = {
    PlanKind.PER_VISIT: PerVisitTermsSchema,
    PlanKind.PER_STUDY: PerStudyTermsSchema,
}


class PlanVersionWriteSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(PlanKind)))
    currency = ma.fields.String(
        required=True,
        validate=ma.validate.Regexp(r"^[A-Z]{3}$"),
        metadata={"description": "ISO 4217 code"},
    )
    terms = ma.fields.Dict(
        required=True,
        metadata={
            "description": "per_visit: visits [{section, amount, travel}], completion_bonus;"
            " per_study: amount, pro_rata, visits [section uuids]"
        },
    )

    @ma.validates_schema
    def _terms_of_kind(self, data, **_kwargs):
        schema = TERMS_SCHEMAS.get(data.get("kind", ""))
        if schema is None or not isinstance(data.get("terms"), dict):
            return
        try:
            data["terms"] = schema().load(data["terms"])
        except ma.ValidationError as error:
            raise ma.ValidationError({"terms": error.messages}) from error


class PaymentPlanWriteSchema(ma.Schema):
    code = ma.fields.String(
        required=True, validate=[ma.validate.Length(min=1, max=20), ma.validate.Regexp(r"^\S+$")]
    )
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    version = ma.fields.Nested(
        PlanVersionWriteSchema,
        required=True,
        metadata={"description": "Its first version, a draft"},
    )


class PaymentPlanUpdateSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class PlanApprovalSchema(ma.Schema):
    approval_reference = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "The approving body's reference (the ethics committee's)"},
    )
    approval_date = ma.fields.Date(
        required=True, metadata={"description": "The approving body's date, not in the future"}
    )


class PlanVersionReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    number = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": list(VersionStatus)})
    revision = ma.fields.Integer(metadata={"description": "Moves on at each save (the ETag)"})
    kind = ma.fields.String(metadata={"enum": list(PlanKind)})
    currency = ma.fields.String()
    terms = ma.fields.Dict()
    approval_reference = ma.fields.String(allow_none=True)
    approval_date = ma.fields.Date(allow_none=True)
    approved_at = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "What happens from then on is paid under it"}
    )
    created_at = ma.fields.AwareDateTime()


class PaymentPlanReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    code = ma.fields.String()
    name = ma.fields.String()
    versions = ma.fields.List(ma.fields.Nested(PlanVersionReadSchema))
