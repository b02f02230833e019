"""The demo study's languages."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.translations.demo import add_demo_languages
from plugins.translations.tests.conftest import SETTINGS


def test_the_demo_languages_are_set_once(app, tenant, enable_plugins, client_as, make_study):
    enable_plugins(tenant, "translations")
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", reference="DEMO-T")
    for _ in range(2):
        with app.app_context(), tenant_context(tenant), unit_of_work():
            row = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(study.uuid))
            ).scalar_one()
            add_demo_languages(row)
    settings: Any = manager.get(SETTINGS, headers=study.headers).json
    assert settings == {"default_language": "en", "languages": ["fr", "de"]}
    # A study that already offers languages keeps them.
    manager.patch(SETTINGS, json={"languages": ["it"]}, headers=study.headers)
    with app.app_context(), tenant_context(tenant), unit_of_work():
        add_demo_languages(
            db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(study.uuid))
            ).scalar_one()
        )
    kept: Any = manager.get(SETTINGS, headers=study.headers).json
    assert kept["languages"] == ["it"]
