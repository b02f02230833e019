"""No request, job or command reads or writes another tenant's schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from datacapt.database import db
from datacapt.database.session import NO_TENANT_SCHEMA
from datacapt.jobs import enqueue
from datacapt.tenancy import current_tenant, tenant_context
from tests.notes_app import Note


def _texts(client) -> list[str]:
    response = client.get("/api/notes/")
    assert response.status_code == 200, response.json
    return [note["text"] for note in response.json]


@pytest.mark.requirement("A11-7", "E6-4.3.3", "GDPR-32")
def test_same_primary_key_in_two_tenants_never_crosses(app, client_for, tenant, other_tenant):
    a, b = client_for(tenant), client_for(other_tenant)
    note_a = a.post("/api/notes/", json={"text": "from A"}).json
    note_b = b.post("/api/notes/", json={"text": "from B"}).json

    with app.app_context(), tenant_context(tenant):
        id_a = db.session.execute(sa.select(Note.id)).scalar_one()
    with app.app_context(), tenant_context(other_tenant):
        id_b = db.session.execute(sa.select(Note.id)).scalar_one()
    assert id_a == id_b == 1  # the same primary key exists in both schemas

    assert _texts(a) == ["from A"]
    assert _texts(b) == ["from B"]
    assert a.get(f"/api/notes/{note_b['uuid']}").status_code == 404
    assert b.get(f"/api/notes/{note_a['uuid']}").status_code == 404
    assert a.delete(f"/api/notes/{note_b['uuid']}").status_code == 404
    assert _texts(b) == ["from B"]


@pytest.mark.requirement("E6-4.3.3")
def test_isolation_holds_after_commit_and_across_requests(client_for, tenant, other_tenant):
    a, b = client_for(tenant), client_for(other_tenant)
    for i in range(3):
        a.post("/api/notes/", json={"text": f"a{i}"})
        b.post("/api/notes/", json={"text": f"b{i}"})
    assert _texts(a) == ["a0", "a1", "a2"]
    assert _texts(b) == ["b0", "b1", "b2"]


def test_session_keeps_its_tenant_after_commit_and_rollback(app, tenant, other_tenant):
    with app.app_context(), tenant_context(tenant):
        db.session.add(Note(text="committed"))
        db.session.commit()
        db.session.add(Note(text="rolled back"))
        db.session.rollback()
        # After commit and rollback the session reconnects: still the same schema.
        db.session.add(Note(text="after rollback"))
        db.session.commit()
        texts = db.session.execute(sa.select(Note.text).order_by(Note.id)).scalars().all()
    assert texts == ["committed", "after rollback"]
    with app.app_context(), tenant_context(other_tenant):
        assert db.session.execute(sa.select(sa.func.count()).select_from(Note)).scalar() == 0


@pytest.mark.requirement("A11-7", "E6-4.3.5")
def test_exception_mid_request_leaves_nothing_and_next_request_is_clean(client_for, tenant):
    a = client_for(tenant)
    response = a.post("/api/notes/fail-after-write")
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
    assert _texts(a) == []
    a.post("/api/notes/", json={"text": "next"})
    assert _texts(a) == ["next"]


def test_nested_tenant_contexts_use_separate_sessions(app, tenant, other_tenant):
    with app.app_context(), tenant_context(tenant):
        outer = db.session()
        db.session.add(Note(text="outer, uncommitted"))
        with tenant_context(other_tenant):
            assert db.session() is not outer
            assert current_tenant().schema_name == other_tenant.schema_name
            assert db.session.execute(sa.select(sa.func.count()).select_from(Note)).scalar() == 0
        assert db.session() is outer
        assert current_tenant().schema_name == tenant.schema_name
        db.session.commit()
    with app.app_context(), tenant_context(other_tenant):
        assert db.session.execute(sa.select(sa.func.count()).select_from(Note)).scalar() == 0


@pytest.mark.requirement("GDPR-32")
def test_tenant_table_without_tenant_fails_instead_of_falling_back(app):
    with app.app_context():
        try:
            db.session.execute(sa.select(Note)).all()
        except sa.exc.ProgrammingError as exc:
            assert NO_TENANT_SCHEMA in str(exc)
        else:
            raise AssertionError("a tenant query without a tenant must fail")
        finally:
            db.session.rollback()


def add_note(text: str) -> str:
    db.session.add(Note(text=text))
    db.session.flush()
    return current_tenant().schema_name


def test_jobs_run_in_the_tenant_they_name(app, tenant, other_tenant):
    with app.app_context(), tenant_context(tenant):
        enqueue(add_note, "by job", tenant=other_tenant)
        db.session.commit()  # the job is sent when the enqueuing transaction commits
        # The caller's tenant is untouched by the job it started.
        assert db.session.execute(sa.select(sa.func.count()).select_from(Note)).scalar() == 0
    with app.app_context(), tenant_context(other_tenant):
        assert db.session.execute(sa.select(Note.text)).scalars().all() == ["by job"]
