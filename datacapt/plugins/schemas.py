"""Schemas of the plugin endpoints."""

from __future__ import annotations

import marshmallow as ma

from datacapt.api.schemas import ReasonForChangeSchema


class PluginStateReadSchema(ma.Schema):
    name = ma.fields.String(attribute="plugin.manifest.name")
    version = ma.fields.String(attribute="plugin.manifest.version")
    title = ma.fields.String(attribute="plugin.manifest.title")
    description = ma.fields.String(attribute="plugin.manifest.description")
    requires = ma.fields.List(ma.fields.String(), attribute="plugin.manifest.requires")
    permissions = ma.fields.Method("_permissions")
    enabled = ma.fields.Boolean()
    enabled_at = ma.fields.AwareDateTime(attribute="row.enabled_at", allow_none=True)
    enabled_by = ma.fields.String(attribute="row.enabled_by", allow_none=True)
    disabled_at = ma.fields.AwareDateTime(attribute="row.disabled_at", allow_none=True)

    def _permissions(self, state) -> dict[str, list[str]]:
        return {c: sorted(actions) for c, actions in state.plugin.permissions.items()}


class PluginToggleWriteSchema(ma.Schema):
    with_deps = ma.fields.Boolean(load_default=False)


class ToggleResultReadSchema(ma.Schema):
    changed = ma.fields.List(ma.fields.String())
    warnings = ma.fields.List(ma.fields.String())


class PluginSettingsSchema(ma.Schema):
    """Any keys: the plugin's own settings schema validates them (and says which)."""

    class Meta:
        unknown = ma.INCLUDE

    @ma.post_dump(pass_original=True)
    def _as_they_are(self, _data: dict, original: dict, **_kwargs: object) -> dict:
        return dict(original)


class StudySettingsWriteSchema(ReasonForChangeSchema):
    """Any keys (the plugin's study settings schema validates them), and the reason for
    change where there is no Reason-For-Change header."""

    class Meta:
        unknown = ma.INCLUDE
