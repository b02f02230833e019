"""Every module holding records about subjects answers the GDPR inventory: each kind it
keeps, counted among the subject's participations."""

from __future__ import annotations

import importlib

from datacapt.toolkit import subject_records
from plugins.subject_repository import api
from plugins.subject_repository.tests.conftest import Panel

KINDS = {
    "ecrf": ["ecrf.answers"],
    "epro": ["epro.occurrences"],
    "econsent": ["econsent.consents"],
    "econsult": ["econsult.rooms"],
    "calendar_app": ["calendar_app.appointments", "calendar_app.appointment_requests"],
    "payments": ["payments.orders"],
    "monitoring": ["monitoring.verifications", "monitoring.signatures"],
}


def test_each_module_answers_the_inventory(panel: Panel, enable_plugins):
    enable_plugins(panel.tenant, *KINDS)
    with panel.inside():
        subject = api.register_volunteer(
            first_name="Ada", last_name="L", email="ada@example.org", source="test"
        )
        for plugin, kinds in KINDS.items():
            hooks = importlib.import_module(f"plugins.{plugin}.plugin")
            answered = hooks.datacapt_subject_records(subject_id=subject.id)
            assert [(r.kind, r.count) for r in answered] == [(kind, 0) for kind in kinds]
        # Kinds without a record are left out of what the subject is told.
        assert set(subject_records(subject.id)) == {"subjects", "subject_repository"}
