"""What other modules use of the panel (its api): registration once per email, profile
answers checked by the form engine, consents, GDPR requests and wash-out refusals."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from datacapt.toolkit import DatacaptException, db
from plugins.subject_repository import api
from plugins.subject_repository import panel as panel_services
from plugins.subject_repository.tests.conftest import Panel
from plugins.subjects.api import Subject

BLOCKS = [
    {
        "kind": "question",
        "code": "skin_type",
        "type": "single_choice",
        "label": {"en": "Skin"},
        "options": {
            "choices": [
                {"value": "dry", "label": {"en": "Dry"}},
                {"value": "oily", "label": {"en": "Oily"}},
            ]
        },
    },
    {
        "kind": "question",
        "code": "phototype",
        "type": "integer",
        "label": {"en": "Phototype"},
        "options": {"min": 1, "max": 6},
    },
]


def _register(email: str, **more) -> Subject:
    return api.register_volunteer(
        first_name="Ada", last_name="Lovelace", email=email, source="test", **more
    )


def test_one_volunteer_per_email_with_profile_and_consents(panel: Panel):
    with panel.inside():
        panel_services.save_profile_form(BLOCKS)
        subject = _register("ada@example.org")
        again = _register(" ADA@example.org ")
        assert again.id == subject.id
        assert api.update_volunteer_profile(subject, {"skin_type": "dry", "phototype": 3}) == {
            "skin_type": "dry",
            "phototype": 3,
        }
        with pytest.raises(DatacaptException) as refused:
            api.update_volunteer_profile(subject, {"phototype": 9, "unknown": 1})
        assert refused.value.internal_code == 7432
        assert set(refused.value.fields or {}) == {"phototype", "unknown"}
        assert api.volunteer_profile(subject) == {"skin_type": "dry", "phototype": 3}
        api.give_consent(subject, "contact_for_studies")
        api.give_consent(subject, "contact_for_studies")
        api.give_consent(subject, "newsletter")
        api.withdraw_consent(subject, "newsletter")
        consents = {(c.purpose, c.withdrawn_at is None) for c in api.volunteer_consents(subject)}
        assert consents == {("contact_for_studies", True), ("newsletter", False)}
        matching = api.matching_volunteers(
            {"profile": [{"question": "skin_type", "op": "eq", "value": "dry"}], "contact": True}
        )
        assert list(db.session.execute(matching).scalars()) == [subject.id]
        other = _register("bob@example.org")
        assert other.id != subject.id
        everyone = set(db.session.execute(api.matching_volunteers({})).scalars())
        assert everyone == {subject.id, other.id}
        for_contact = api.matching_volunteers({}, for_contact=True)
        assert set(db.session.execute(for_contact).scalars()) == {subject.id}
        access = api.request_access(subject, by_subject=True)
        assert access.status == "completed" and access.file_uuid is not None
        erasure = api.request_erasure(subject, "I move abroad", by_subject=True)
        assert erasure.status == "pending"
        with pytest.raises(DatacaptException), db.session.begin_nested():
            api.request_erasure(subject, "twice", by_subject=True)
        assert db.session.execute(sa.select(sa.func.count()).select_from(Subject)).scalar() == 2
