"""Schemas of authentication and user endpoints. Write schemas refuse unknown fields, so a
client cannot set what it may not (email, role, status of its own account)."""

from __future__ import annotations

import marshmallow as ma

from datacapt.identity.models import UserStatus
from datacapt.permissions.schemas import RoleSimpleSchema
from datacapt.tenancy.languages import offered_language


class UserReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    email = ma.fields.String()
    first_name = ma.fields.String()
    last_name = ma.fields.String()
    status = ma.fields.String()
    language = ma.fields.String()
    platform_role = ma.fields.Nested(RoleSimpleSchema)
    last_login_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class UserSearchSchema(ma.Schema):
    search = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(list(UserStatus)))


class ProfileUpdateSchema(ma.Schema):
    first_name = ma.fields.String(validate=ma.validate.Length(max=100))
    last_name = ma.fields.String(validate=ma.validate.Length(max=100))
    language = ma.fields.String(validate=offered_language)


class UserUpdateSchema(ProfileUpdateSchema):
    platform_role = ma.fields.String(metadata={"description": "Role name"})
    status = ma.fields.String(
        validate=ma.validate.OneOf([UserStatus.ACTIVE, UserStatus.DEACTIVATED])
    )


class LoginWriteSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=254))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=1024)
    )


class LoginReadSchema(ma.Schema):
    token = ma.fields.String()
    user = ma.fields.Nested(UserReadSchema)
    expires_at = ma.fields.DateTime(
        metadata={"description": "The token stops working then at the latest (UTC)"}
    )
    idle_timeout_minutes = ma.fields.Integer(
        metadata={"description": "It stops working sooner after this long without a request"}
    )


class PasswordChangeWriteSchema(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True)
    new_password = ma.fields.String(required=True, load_only=True)


class PasswordResetWriteSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=254))


class PasswordResetReadSchema(ma.Schema):
    status = ma.fields.String(
        metadata={"description": "accepted, whether or not an account has this email"}
    )


class PasswordResetConfirmWriteSchema(ma.Schema):
    token = ma.fields.String(required=True, load_only=True)
    password = ma.fields.String(required=True, load_only=True)


class StudyPermissionsSchema(ma.Schema):
    study = ma.fields.UUID()
    reference = ma.fields.String()
    role = ma.fields.Nested(RoleSimpleSchema)
    permissions = ma.fields.List(ma.fields.String())
    all_centers = ma.fields.Boolean()
    centers = ma.fields.List(ma.fields.UUID())


class PermissionsReadSchema(ma.Schema):
    platform = ma.fields.List(ma.fields.String())
    studies = ma.fields.List(ma.fields.Nested(StudyPermissionsSchema))
