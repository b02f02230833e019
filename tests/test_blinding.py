"""Blinding: blinded fields leave as null, blinded values in texts and error details as
[blinded], to callers without the permission of their kind; the audit trail keeps the
permission with every blinded field, events included."""

from __future__ import annotations

import json
from types import SimpleNamespace

import marshmallow as ma
import pytest
import sqlalchemy as sa
from flask import g

from datacapt.audit.models import AuditRecord
from datacapt.audit.recorder import record_event
from datacapt.blinding import MASK, BlindedValue, Blinding, may_see
from datacapt.blinding.schemas import BlindingSchema, blinded
from datacapt.database import db, unit_of_work
from datacapt.i18n import Message
from datacapt.tenancy import tenant_context
from plugins.subjects.models import PERSONAL_DATA, SubjectPersonalData

ARM = Blinding("arm", "trial.view_arms")


class KitSchema(BlindingSchema):
    number = ma.fields.String()
    arm = blinded(ma.fields.String(metadata={"description": "The kit's arm."}), ARM)


class ParcelSchema(BlindingSchema):
    label = ma.fields.String()
    kits = ma.fields.List(ma.fields.Nested(KitSchema))
    counts = blinded(ma.fields.Dict(), ARM)


class OpenLabelSchema(KitSchema):
    def reveals(self, kind: Blinding, obj: object) -> bool:
        return super().reveals(kind, obj) or getattr(obj, "open_label", False)


def _kit(number: str, arm: str, **more: object) -> SimpleNamespace:
    return SimpleNamespace(number=number, arm=arm, **more)


@pytest.mark.requirement("E6-4.1")
def test_blinded_fields_are_null_to_callers_without_the_permission(app):
    parcel = SimpleNamespace(label="P1", kits=[_kit("K1", "A"), _kit("K2", "B")], counts={"A": 1})
    with app.test_request_context():
        g.study_permissions = frozenset({"trial.access"})
        assert not may_see(ARM)
        assert ParcelSchema().dump(parcel) == {
            "label": "P1",
            "kits": [{"number": "K1", "arm": None}, {"number": "K2", "arm": None}],
            "counts": None,
        }
        assert KitSchema(many=True).dump([_kit("K3", "A")]) == [{"number": "K3", "arm": None}]
    with app.test_request_context():
        g.study_permissions = frozenset({"trial.view_arms"})
        assert ParcelSchema().dump(parcel)["kits"][1] == {"number": "K2", "arm": "B"}
        assert ParcelSchema().dump(parcel)["counts"] == {"A": 1}


def test_a_schema_may_reveal_more_than_the_permission_never_less(app):
    with app.test_request_context():
        g.study_permissions = frozenset()
        shown = OpenLabelSchema(many=True).dump([_kit("K1", "A", open_label=True), _kit("K2", "B")])
        assert shown == [{"number": "K1", "arm": "A"}, {"number": "K2", "arm": None}]


def test_blinded_fields_say_so_in_the_api_description():
    field = KitSchema().fields["arm"]
    assert field.allow_none is True
    assert field.metadata["x-blinded"] == "trial.view_arms"
    assert field.metadata["description"] == (
        "The kit's arm. Blinded: null unless the caller holds trial.view_arms."
    )


def test_outside_a_request_nothing_blinded_is_seen(app):
    with app.app_context():
        assert not may_see(ARM)
        assert str(BlindedValue(ARM, "A")) == MASK


def test_the_platform_role_decides_outside_a_study(app):
    with app.test_request_context():
        g.principal = SimpleNamespace(platform_permissions=frozenset({"trial.view_arms"}))
        assert may_see(ARM)
        g.principal = SimpleNamespace(platform_permissions=frozenset())
        assert not may_see(ARM)


@pytest.mark.requirement("E6-4.1")
def test_blinded_values_in_texts_and_error_details_render_for_the_caller(app):
    message = Message("Kit {kit} holds {arm}.", kit="K1", arm=BlindedValue(ARM, "A"))
    details = {"arm": BlindedValue(ARM, "A"), "kit": "K1"}
    with app.test_request_context():
        g.study_permissions = frozenset()
        assert str(message) == "Kit K1 holds [blinded]."
        assert json.loads(app.json.dumps(details)) == {"arm": MASK, "kit": "K1"}
        assert f"{BlindedValue(ARM, 'A'):>10}" == f"{MASK:>10}"
    with app.test_request_context():
        g.study_permissions = frozenset({"trial.view_arms"})
        assert str(message) == "Kit K1 holds A."
        assert json.loads(app.json.dumps(details)) == {"arm": "A", "kit": "K1"}


@pytest.mark.requirement("E6-4.1")
def test_an_event_on_a_sensitive_field_keeps_its_permission(
    app, tenant, enable_plugins, client_as, make_study
):
    """record_event marks the fields its object declares sensitive (personal data here, a
    blinded arm in the randomizations plugin), so audit reads redact them too."""
    enable_plugins(tenant, "subjects")
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", reference="BLIND-EVENT")
    added = manager.post(
        "/api/subjects/",
        json={"center": study.centers["PAR"], "personal_data": {"first_name": "Ada"}},
        headers=study.headers,
    )
    assert added.status_code == 201, added.json
    with app.app_context(), tenant_context(tenant), unit_of_work():
        data = db.session.execute(sa.select(SubjectPersonalData)).scalar_one()
        record_event("reveal", data, {"first_name": [None, "Ada"], "language": [None, "en"]})
    with app.app_context(), tenant_context(tenant):
        event = db.session.execute(
            sa.select(AuditRecord).where(AuditRecord.action == "reveal")
        ).scalar_one()
        assert event.sensitive == {PERSONAL_DATA.permission: ["first_name"]}
