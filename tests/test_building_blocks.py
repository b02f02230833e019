"""BaseModel, soft delete, status transitions and change tracking."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from datacapt.database import db
from datacapt.errors import DatacaptException, InternalCodes
from datacapt.tenancy import tenant_context
from tests.notes_app import Note


@pytest.fixture
def in_tenant(app, tenant):
    with app.app_context(), tenant_context(tenant):
        yield


def test_base_model_fills_public_uuid_and_utc_timestamps(in_tenant):
    note = Note(text="x")
    db.session.add(note)
    db.session.commit()
    assert note.uuid is not None and note.id is not None
    assert note.created_at.utcoffset() == dt.timedelta(0)
    created, modified = note.created_at, note.modified_at
    note.text = "y"
    db.session.commit()
    assert note.created_at == created
    assert note.modified_at > modified


def test_soft_deleted_rows_are_hidden_kept_and_restorable(api_client):
    note = api_client.post("/api/notes/", json={"text": "keep me"}).json
    assert api_client.delete(f"/api/notes/{note['uuid']}").status_code == 204
    assert api_client.get("/api/notes/").json == []
    assert api_client.get(f"/api/notes/{note['uuid']}").status_code == 404
    restored = api_client.post(f"/api/notes/{note['uuid']}/restore")
    assert restored.status_code == 200
    assert [n["uuid"] for n in api_client.get("/api/notes/").json] == [note["uuid"]]


def test_soft_delete_never_removes_the_row(in_tenant):
    note = Note(text="x")
    db.session.add(note)
    db.session.commit()
    note.soft_delete()
    db.session.commit()
    db.session.expunge_all()
    assert db.session.execute(sa.select(Note)).scalars().all() == []
    kept = db.session.execute(sa.select(Note).execution_options(include_deleted=True)).scalar_one()
    assert kept.is_deleted and kept.text == "x"
    schema = db.session().tenant_schema
    assert db.session.execute(sa.text(f'SELECT count(*) FROM "{schema}".notes')).scalar() == 1


def test_status_transitions_follow_the_declared_map(api_client):
    note = api_client.post("/api/notes/", json={"text": "t"}).json
    url = f"/api/notes/{note['uuid']}"
    assert api_client.patch(url, json={"status": "final"}).json["status"] == "final"
    assert api_client.patch(url, json={"status": "draft"}).status_code == 409
    assert api_client.patch(url, json={"status": "archived"}).json["status"] == "archived"


def test_direct_assignment_cannot_bypass_transitions(in_tenant):
    note = Note(text="x")
    db.session.add(note)
    db.session.commit()
    note.status = "archived"
    with pytest.raises(DatacaptException) as raised:
        db.session.commit()
    assert raised.value.internal_code == InternalCodes.ILLEGAL_STATUS_TRANSITION
    db.session.rollback()
    assert db.session.get(Note, note.id).status == "draft"


def test_tracked_changes_report_old_and_new_values(in_tenant):
    note = Note(text="before")
    db.session.add(note)
    db.session.commit()
    assert note.tracked_changes == {}
    note.text = "after"
    note.transition_to("final")
    assert note.tracked_changes == {"text": ("before", "after"), "status": ("draft", "final")}
    db.session.commit()
    assert note.tracked_changes == {}
