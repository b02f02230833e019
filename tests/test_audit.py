"""The audit trail: every tracked change recorded in its transaction, reasons, append-only,
tamper evidence (chain and recorded heads), concurrency, the API, and plugin listeners."""

from __future__ import annotations

import csv
import io
import threading

import pytest
import sqlalchemy as sa

from datacapt.audit.jobs import record_chain_heads
from datacapt.audit.models import AuditRecord
from datacapt.audit.recorder import (
    Actor,
    AuditedWriteMismatch,
    ReasonPolicy,
    RowChange,
    acting_as,
    write_audited,
)
from datacapt.audit.verify import verify_chain
from datacapt.database import db, unit_of_work
from datacapt.plugins import PluginManifest, hookimpl
from datacapt.studies.models import Study, StudyCenter
from datacapt.tenancy import tenant_context


def records(app, tenant, **filters) -> list[AuditRecord]:
    with app.app_context(), tenant_context(tenant):
        statement = sa.select(AuditRecord).filter_by(**filters).order_by(AuditRecord.sequence)
        found = list(db.session.execute(statement).scalars())
        db.session.expunge_all()
        return found


@pytest.mark.requirement("P11-11.10e", "A11-9", "A11-12", "E6-4.2.2")
def test_every_tracked_change_is_recorded_with_who_when_what_and_values(app, client_as, tenant):
    admin = client_as(tenant)
    study = admin.post("/api/studies/", json={"reference": "AUD-1", "name": "Before"}).json
    admin.patch(
        f"/api/studies/{study['uuid']}", json={"name": "After"}, headers={"X-Request-Id": "req-42"}
    )
    admin.delete(f"/api/studies/{study['uuid']}")
    trail = records(app, tenant, object_type="studies", object_id=study["uuid"])
    assert [r.action for r in trail] == ["create", "update", "soft_delete"]
    created, updated, deleted = trail
    assert created.changes["reference"] == [None, "AUD-1"] and created.study_id == study["uuid"]
    assert updated.changes == {"name": ["Before", "After"]}
    assert updated.actor_type == "user" and updated.actor_id == str(admin.user.uuid)
    assert updated.actor_name == "Test Administrator" and updated.request_id == "req-42"
    assert updated.client_ip == "127.0.0.1" and updated.created_at.utcoffset().total_seconds() == 0
    assert deleted.changes["deleted_at"][0] is None and deleted.changes["deleted_at"][1]


@pytest.mark.requirement("A11-12", "GDPR-32")
def test_secrets_are_redacted_and_access_events_are_audited(app, client_as, client_for, tenant):
    user = client_as(tenant, "viewer")
    user.post(
        "/api/users/me/password",
        json={"current_password": user.user.password, "new_password": "Silver-Lantern-Harbour-88"},
    )
    client_for(tenant).post(
        "/api/auth/login", json={"email": user.user.email, "password": "wrong password here"}
    )
    password_changes = [
        r
        for r in records(app, tenant, object_type="users", action="update")
        if "password_hash" in r.changes
    ]
    assert password_changes and all(
        r.changes["password_hash"] == ["[redacted]", "[redacted]"] for r in password_changes
    )
    events = [r.changes["kind"][1] for r in records(app, tenant, object_type="security_events")]
    assert {"login_succeeded", "password_changed", "login_failed"} <= set(events)
    failed = [
        r
        for r in records(app, tenant, object_type="security_events")
        if r.changes["kind"][1] == "login_failed"
    ][-1]
    assert failed.actor_type == "anonymous"


@pytest.mark.requirement("A11-10", "A11-12")
def test_role_settings_and_module_changes_are_audited(app, client_as, operator, tenant):
    admin = client_as(tenant)
    admin.post("/api/roles/", json={"name": "auditor", "permissions": ["audit_trails.access"]})
    admin.patch("/api/tenant/settings", json={"max_failed_logins": 4})
    runner = app.test_cli_runner()
    runner.invoke(
        args=["plugins", "enable", tenant.schema_name, "hello", "--operator", operator.email],
        input=f"{operator.password}\n",
    )
    assert records(app, tenant, object_type="roles", action="create")[-1].changes["name"] == [
        None,
        "auditor",
    ]
    assert records(app, tenant, object_type="tenant_settings")[-1].changes == {
        "max_failed_logins": [5, 4]
    }
    (toggle,) = records(app, tenant, object_type="plugin")
    assert (toggle.action, toggle.object_id, toggle.actor_type, toggle.actor_id) == (
        "enable",
        "hello",
        "operator",
        operator.email,
    )


@pytest.mark.requirement("P11-11.10e", "A11-9", "E6-4.2.4")
def test_a_change_that_needs_a_reason_is_refused_without_one_and_writes_nothing(
    app, client_as, tenant, monkeypatch
):
    monkeypatch.setattr(Study, "audit_reason", ReasonPolicy.AFTER_CREATION)
    admin = client_as(tenant)
    study = admin.post(
        "/api/studies/", json={"reference": "AUD-2", "name": "Original"}
    ).json  # creation needs none
    before = len(records(app, tenant))
    refused = admin.patch(f"/api/studies/{study['uuid']}", json={"name": "Changed"})
    assert refused.status_code == 422
    assert refused.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    assert admin.get(f"/api/studies/{study['uuid']}").json["name"] == "Original"
    assert len(records(app, tenant)) == before
    ok = admin.patch(
        f"/api/studies/{study['uuid']}",
        json={"name": "Changed"},
        headers={"Reason-For-Change": "Typo in the protocol title"},
    )
    assert ok.status_code == 200
    assert records(app, tenant, object_id=study["uuid"])[-1].reason == "Typo in the protocol title"


@pytest.mark.parametrize(
    "statement", ["UPDATE {t} SET reason = 'x'", "DELETE FROM {t}", "TRUNCATE {t}"]
)
@pytest.mark.requirement("P11-11.10c", "P11-11.10e", "E6-4.2.7")
def test_the_database_refuses_to_change_or_remove_audit_records(
    db_engine, client_as, tenant, statement
):
    client_as(tenant)  # at least one record
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db_engine.begin() as connection:
        connection.exec_driver_sql(statement.format(t=f'"{tenant.schema_name}".audit_records'))


def tamper(db_engine, tenant, sql: str) -> None:
    """What a superuser could do behind the application's back."""
    table = f'"{tenant.schema_name}".audit_records'
    with db_engine.begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        connection.exec_driver_sql(sql.format(t=table))
        connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")


@pytest.mark.requirement("P11-11.10a", "P11-11.10e", "A11-7", "GDPR-32")
def test_verify_names_the_first_altered_record(app, db_engine, client_as, tenant):
    admin = client_as(tenant)
    for i in range(3):
        admin.post("/api/centers/", json={"code": f"V{i}", "name": "Site", "country": "FR"})
    runner = app.test_cli_runner()
    intact = runner.invoke(args=["audit", "verify", "--tenant", tenant.schema_name])
    assert intact.exit_code == 0 and "chain intact" in intact.output
    target = records(app, tenant, object_type="study_centers")[1].sequence
    tamper(
        db_engine,
        tenant,
        'UPDATE {t} SET changes = \'{{"name": [null, "Forged"]}}\' WHERE sequence = ' + str(target),
    )
    result = runner.invoke(args=["audit", "verify", "--tenant", tenant.schema_name])
    assert result.exit_code == 1
    assert f"BROKEN at record {target}: its content does not match its hash" in result.output


@pytest.mark.requirement("P11-11.10e", "A11-7")
def test_replacing_the_whole_table_is_found_through_the_recorded_heads(
    app, db_engine, client_as, tenant
):
    admin = client_as(tenant)
    admin.post("/api/centers/", json={"code": "H1", "name": "Site", "country": "FR"})
    with app.app_context(), unit_of_work():
        assert record_chain_heads() >= 1
    tamper(db_engine, tenant, "DELETE FROM {t}")  # then a fresh, self-consistent chain
    admin.post("/api/centers/", json={"code": "H2", "name": "Site", "country": "FR"})
    with app.app_context():
        report = verify_chain(db_engine, tenant.id, tenant.schema_name)
    assert not report.ok and "recorded outside the tenant" in report.problem


@pytest.mark.requirement("P11-11.10e")
def test_concurrent_writers_keep_one_valid_chain(app, db_engine, tenant):
    def write(worker: int) -> None:
        for i in range(8):
            with app.app_context(), tenant_context(tenant):
                db.session.add(StudyCenter(code=f"W{worker}-{i}", name="Site", country="FR"))
                db.session.commit()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = verify_chain(db_engine, tenant.id, tenant.schema_name)
    assert report.ok, report
    assert len(records(app, tenant, object_type="study_centers")) == 32
    assert [r.sequence for r in records(app, tenant)] == list(range(1, report.records + 1))


def _renamed(centers: list[StudyCenter], ids: list[int]) -> tuple[sa.Update, list[RowChange]]:
    """A set-based rename of the centers of ``ids``, and the changes of ``centers``."""
    write = sa.update(StudyCenter).where(StudyCenter.id.in_(ids)).values(name="Renamed")
    changes = [
        RowChange("update", str(c.uuid), {"name": (c.name, "Renamed")}, c.audit_context())
        for c in centers
    ]
    return write, changes


@pytest.mark.requirement("P11-11.10e")
def test_a_set_based_write_returns_its_rows_and_refuses_records_that_do_not_match_them(app, tenant):
    with app.app_context(), tenant_context(tenant), acting_as(Actor("system", "test", "Test")):
        centers = [StudyCenter(code=f"SB{i}", name=f"Site {i}", country="FR") for i in range(3)]
        db.session.add_all(centers)
        db.session.commit()
        ids = [center.id for center in centers]
        uuids = [str(center.uuid) for center in centers]

        write, changes = _renamed(centers[:2], ids[:2])
        assert sorted(write_audited(StudyCenter, write, changes)) == ids[:2]
        db.session.commit()
        # Records for two rows, a write of three; records for three, a write of two.
        for given, written in ((centers[:2], ids), (centers, ids[:2])):
            write, changes = _renamed(given, written)
            with pytest.raises(AuditedWriteMismatch, match="changed"):
                write_audited(StudyCenter, write, changes)
            db.session.rollback()
        names = db.session.execute(
            sa.select(StudyCenter.name).where(StudyCenter.id.in_(ids)).order_by(StudyCenter.id)
        ).scalars()
        assert list(names) == ["Renamed", "Renamed", "Site 2"]
    updates = [
        r
        for r in records(app, tenant, object_type="study_centers", action="update")
        if r.object_id in uuids
    ]
    assert sorted(r.object_id for r in updates) == sorted(uuids[:2])


@pytest.mark.requirement("P11-11.10b", "A11-8", "A11-9", "E6-4.2.3", "E6-4.2.7")
def test_the_trail_is_filtered_paged_by_cursor_and_exported(client_as, tenant):
    admin = client_as(tenant)
    for i in range(5):
        admin.post("/api/centers/", json={"code": f"P{i}", "name": f"Site {i}", "country": "FR"})
    first = admin.get("/api/audit-trails/?object_type=study_centers&limit=2").json
    assert [r["changes"]["code"][1] for r in first["records"]] == ["P0", "P1"]
    second = admin.get(
        f"/api/audit-trails/?object_type=study_centers&limit=2&after={first['next_cursor']}"
    ).json
    assert [r["changes"]["code"][1] for r in second["records"]] == ["P2", "P3"]
    last = admin.get(
        f"/api/audit-trails/?object_type=study_centers&limit=2&after={second['next_cursor']}"
    ).json
    assert len(last["records"]) == 1 and last["next_cursor"] is None
    mine = admin.get(
        f"/api/audit-trails/?actor={admin.user.uuid}&action=create&object_type=study_centers"
    ).json
    assert len(mine["records"]) == 5
    assert admin.get("/api/audit-trails/?since=not-a-date").status_code == 422
    export = admin.get("/api/audit-trails/export?object_type=study_centers")
    assert export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [row["action"] for row in rows] == ["create"] * 5 and '"P4"' in rows[-1]["changes"]


@pytest.mark.requirement("P11-11.10d")
def test_reading_the_trail_needs_its_permission(client_as, tenant):
    assert client_as(tenant, "viewer").get("/api/audit-trails/").status_code == 403
    assert client_as(tenant, "monitor").get("/api/audit-trails/").status_code == 200
    assert client_as(tenant, "monitor").get("/api/audit-trails/export").status_code == 403
    assert client_as(tenant, "data_manager").get("/api/audit-trails/export").status_code == 200


class Listener:
    def __init__(self, name: str, fail: bool = False) -> None:
        self.name, self.fail, self.seen = name, fail, []

    @hookimpl
    def datacapt_manifest(self):
        return PluginManifest(name=self.name, version="1", title=self.name)

    @hookimpl
    def datacapt_audit_event(self, tenant, record):
        if self.fail:
            raise RuntimeError("listener down")
        self.seen.append((tenant.schema_name, record["object_type"], record["action"]))


def test_plugin_listeners_hear_committed_records_of_their_tenants_only(
    app_with_plugins, enable_plugins, client_as, tenant, other_tenant
):
    listener, broken = Listener("listener"), Listener("broken", fail=True)
    plugin_app = app_with_plugins(listener, broken, plugins=())
    enable_plugins(tenant, "listener", "broken", on_app=plugin_app)
    client_as(tenant, on_app=plugin_app).post(
        "/api/centers/", json={"code": "L1", "name": "Site", "country": "FR"}
    )
    assert (tenant.schema_name, "study_centers", "create") in listener.seen
    client_as(other_tenant, on_app=plugin_app).post(
        "/api/centers/", json={"code": "L2", "name": "Site", "country": "FR"}
    )
    assert all(schema == tenant.schema_name for schema, _, _ in listener.seen)
    rolled_back = len(listener.seen)
    with plugin_app.app_context(), tenant_context(tenant):
        from datacapt.studies.models import StudyCenter

        db.session.add(StudyCenter(code="L3", name="Site", country="FR"))
        db.session.flush()
        db.session.rollback()
    assert len(listener.seen) == rolled_back  # nothing heard of what never committed
