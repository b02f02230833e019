"""Schemas of the randomizations API. What reveals an arm (an assignment's arm, a slot's,
the counts per arm) is a blinded field: ``null`` to callers without view_arms."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from datacapt.toolkit import Blinding, BlindingSchema, acting_user, blinded
from plugins.randomizations.config import ARM_CODE, ConfigSchema
from plugins.randomizations.models import (
    Assignment,
    Environment,
    Method,
    SimulationStatus,
    UnblindingStatus,
    VersionStatus,
)
from plugins.randomizations.permissions import ARM


def _environment(required: bool = False) -> ma.fields.String:
    if required:
        return ma.fields.String(required=True, validate=ma.validate.OneOf(list(Environment)))
    return ma.fields.String(
        load_default=Environment.PRODUCTION, validate=ma.validate.OneOf(list(Environment))
    )


def _arm_name(assignment: Assignment) -> str | None:
    arms = {arm["code"]: arm["name"] for arm in assignment.version.config["arms"]}
    return arms.get(assignment.arm)


class DesignWriteSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=ARM_CODE)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    method = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Method)))
    blinded = ma.fields.Boolean(
        load_default=True, metadata={"description": "False: open-label, arms shown to all"}
    )
    config = ma.fields.Nested(ConfigSchema, required=True)


class VersionSummarySchema(ma.Schema):
    number = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": list(VersionStatus)})
    reason = ma.fields.String(allow_none=True)
    approved_at = ma.fields.AwareDateTime(allow_none=True)
    live_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class DesignReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    code = ma.fields.String()
    name = ma.fields.String()
    method = ma.fields.String(metadata={"enum": list(Method)})
    blinded = ma.fields.Boolean()
    versions = ma.fields.List(ma.fields.Nested(VersionSummarySchema))
    created_at = ma.fields.AwareDateTime()


class SimulationWriteSchema(ma.Schema):
    trials = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=10000))
    subjects = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=10000))
    population = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Dict(
            keys=ma.fields.String(),
            values=ma.fields.Float(validate=ma.validate.Range(min=0, max=1_000_000)),
        ),
        load_default=dict,
        metadata={
            "description": "Weights of each factor's levels ({factor: {level: weight}});"
            " a factor left out has its levels alike"
        },
    )

    seed = ma.fields.String(
        validate=ma.validate.Regexp(r"^[0-9a-f]{64}$", error="64 lower-case hexadecimal digits."),
        metadata={"description": "To run an earlier simulation again; a fresh one by default"},
    )

    @ma.validates_schema
    def _bounded(self, data: dict[str, Any], **_: Any) -> None:
        if data["trials"] * data["subjects"] > 2_000_000:
            raise ma.ValidationError("At most 2,000,000 simulated subjects in all.", "trials")


class SimulationReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    seed = ma.fields.String()
    revision = ma.fields.Integer(metadata={"description": "The version's revision simulated"})
    status = ma.fields.String(metadata={"enum": list(SimulationStatus)})
    trials = ma.fields.Integer()
    subjects = ma.fields.Integer()
    progress = ma.fields.Integer(metadata={"description": "Trials done"})
    population = ma.fields.Dict()
    result = ma.fields.Dict(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    finished_at = ma.fields.AwareDateTime(allow_none=True)


class ListImportReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    kind = ma.fields.String(metadata={"enum": ["list", "key"]})
    file_name = ma.fields.String()
    sha256 = ma.fields.String()
    rows = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()


class VersionReadSchema(VersionSummarySchema):
    uuid = ma.fields.UUID()
    revision = ma.fields.Integer()
    config = ma.fields.Nested(ConfigSchema)
    simulation = ma.fields.Nested(
        SimulationReadSchema,
        allow_none=True,
        metadata={"description": "The newest finished simulation of this revision"},
    )


class VersionWriteSchema(ma.Schema):
    config = ma.fields.Nested(ConfigSchema, required=True)


class PasswordSchema(ma.Schema):
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=200))


class EnvironmentSchema(ma.Schema):
    environment = _environment()


class RequiredEnvironmentSchema(ma.Schema):
    environment = _environment(required=True)


class StratumReadSchema(BlindingSchema):
    key = ma.fields.String()
    levels = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    number = ma.fields.Integer(allow_none=True, metadata={"description": "None until first used"})
    capacity = ma.fields.Integer(allow_none=True, metadata={"description": "None: minimization"})
    used = ma.fields.Integer()
    remaining = ma.fields.Integer(allow_none=True)
    warning = ma.fields.Boolean(metadata={"description": "At or under the warning threshold"})
    per_arm = blinded(ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer()), ARM)


class SlotReadSchema(BlindingSchema):
    sequence = ma.fields.String()
    stratum = ma.fields.String()
    position = ma.fields.Integer()
    arm = blinded(ma.fields.String(), ARM)
    treatment_code = ma.fields.String(allow_none=True)
    block = blinded(ma.fields.Integer(), ARM)
    block_size = blinded(ma.fields.Integer(), ARM)
    version = ma.fields.Integer()
    taken = ma.fields.Boolean()


class ListCheckSchema(ma.Schema):
    number = ma.fields.Integer()
    algorithm = ma.fields.String()
    seed = ma.fields.String(allow_none=True)
    slots_checked = ma.fields.Integer()
    assignments_checked = ma.fields.Integer()
    mismatches = ma.fields.List(ma.fields.Dict())


class ListVerificationReadSchema(ma.Schema):
    """The regenerated lists and replayed assignments of an environment, compared."""

    environment = ma.fields.String()
    consistent = ma.fields.Boolean()
    lists = ma.fields.List(ma.fields.Nested(ListCheckSchema))


class RandomizeSchema(ma.Schema):
    design = ma.fields.UUID(required=True)
    environment = _environment()


class AssignmentSearchSchema(ma.Schema):
    design = ma.fields.UUID()
    environment = ma.fields.String(validate=ma.validate.OneOf(list(Environment)))
    subject = ma.fields.UUID()


class AssignmentReadSchema(BlindingSchema):
    uuid = ma.fields.UUID()
    design = ma.fields.UUID(attribute="design.uuid")
    design_code = ma.fields.String(attribute="design.code")
    version = ma.fields.Integer(attribute="version.number")
    environment = ma.fields.String()
    subject = ma.fields.UUID(attribute="participation.uuid")
    study_subject_id = ma.fields.String(attribute="participation.study_subject_id")
    center = ma.fields.UUID(attribute="participation.center.uuid")
    number = ma.fields.String(metadata={"description": "The randomization number"})
    treatment_code = ma.fields.String(allow_none=True)
    arm = blinded(ma.fields.String(), ARM)
    arm_name = blinded(ma.fields.Function(_arm_name), ARM)
    levels = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    randomized_at = ma.fields.AwareDateTime(attribute="created_at")
    voided_at = ma.fields.AwareDateTime(allow_none=True)
    void_reason = ma.fields.String(allow_none=True)

    def reveals(self, kind: Blinding, obj: Any) -> bool:
        """An open-label design's arms are for everyone who sees the assignment."""
        return super().reveals(kind, obj) or not obj.design.blinded


class UnblindingWriteSchema(PasswordSchema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class RefusalSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class UnblindingReadSchema(BlindingSchema):
    uuid = ma.fields.UUID()
    assignment = ma.fields.UUID(attribute="assignment.uuid")
    subject = ma.fields.UUID(attribute="assignment.participation.uuid")
    study_subject_id = ma.fields.String(attribute="assignment.participation.study_subject_id")
    design_code = ma.fields.String(attribute="assignment.design.code")
    number = ma.fields.String(attribute="assignment.number")
    status = ma.fields.String(metadata={"enum": list(UnblindingStatus)})
    reason = ma.fields.String()
    requester_name = ma.fields.String()
    requested_at = ma.fields.AwareDateTime(attribute="created_at")
    decider_name = ma.fields.String(allow_none=True)
    decided_at = ma.fields.AwareDateTime(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)
    revealed_at = ma.fields.AwareDateTime(allow_none=True)
    arm = blinded(ma.fields.String(attribute="assignment.arm"), ARM)
    arm_name = blinded(ma.fields.Function(lambda u: _arm_name(u.assignment)), ARM)

    def reveals(self, kind: Blinding, obj: Any) -> bool:
        """Once revealed, the arm is shown to its requester, in this unblinding."""
        if super().reveals(kind, obj):
            return True
        return obj.status == UnblindingStatus.REVEALED and obj.requested_by_id == acting_user().id
