"""Plugins' settings in each study, beside their per-tenant settings: validated by the
plugin's ``datacapt_study_settings_schema``, stored in the tenant (``study_plugin_settings``),
every change audited under its study (with a reason once the study left draft), read with
the schema's defaults for what was never set."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from datacapt.audit.recorder import current_reason, reason_required
from datacapt.database import db
from datacapt.plugins.gating import module_not_enabled
from datacapt.plugins.loader import LoadedPlugin
from datacapt.plugins.models import StudyPluginSettings
from datacapt.plugins.services import enabled_in_transaction, get_plugin, validated_settings
from datacapt.studies.models import Study, StudyStatus
from datacapt.tenancy.context import current_tenant


def _row(study: Study, name: str) -> StudyPluginSettings | None:
    return db.session.execute(
        sa.select(StudyPluginSettings).where(
            StudyPluginSettings.study_id == study.id, StudyPluginSettings.plugin == name
        )
    ).scalar_one_or_none()


def _settings(plugin: LoadedPlugin, row: StudyPluginSettings | None) -> dict[str, Any]:
    # A setting the plugin no longer has is ignored, and dropped at the next change.
    return validated_settings(
        plugin.name, plugin.study_settings_schema, row.settings if row else {}, ma.EXCLUDE
    )


def study_settings(name: str, study: Study) -> dict[str, Any]:
    """Plugin ``name``'s settings in ``study``, defaults included: what its code reads."""
    return _settings(get_plugin(name), _row(study, name))


def _enabled_plugin(name: str) -> LoadedPlugin:
    plugin = get_plugin(name)
    if name not in enabled_in_transaction(current_tenant().id):
        raise module_not_enabled(name)
    return plugin


def get_study_settings(name: str, study: Study) -> dict[str, Any]:
    """The settings of a module the tenant enabled (404 for one it did not)."""
    _enabled_plugin(name)
    return study_settings(name, study)


def update_study_settings(name: str, study: Study, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``changes`` over the current settings and store the result. Past its
    draft, a study's settings change only with a reason (the study's data depends on them)."""
    plugin = _enabled_plugin(name)
    row = _row(study, name)
    current = _settings(plugin, row)
    settings = validated_settings(name, plugin.study_settings_schema, {**current, **changes})
    if not changes or (row is not None and settings == row.settings):
        return settings  # nothing to store, nothing to audit
    if study.status != StudyStatus.DRAFT and current_reason() is None:
        raise reason_required({StudyPluginSettings.__tablename__})
    if row is None:
        row = StudyPluginSettings(study_id=study.id, plugin=name)
        db.session.add(row)
    row.settings = settings
    db.session.flush()
    return settings
