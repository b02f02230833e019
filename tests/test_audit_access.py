"""Who reads what of the audit trail, in the list and the CSV export alike: studies the
caller belongs to, the centers they see, tenant records with the platform permission,
personal data only with its permission; a subject's whole data history; filters checked
before an export starts."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa

from datacapt.audit import access
from datacapt.database import db, unit_of_work
from datacapt.identity.services import get_role
from datacapt.migrating.lineages import CORE_TENANT_LINEAGE
from datacapt.studies.models import Study, StudyUser
from datacapt.tenancy import tenant_context
from datacapt.testing.database import downgrade_lineage
from plugins.ecrf.tests.designs import question, save_design

DESIGN = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {"title": {"en": "Base"}, "blocks": [question("weight"), question("height")]}
            ],
        }
    ]
}


def trail(client, **filters) -> list[dict]:
    """Every record the list gives ``client`` for ``filters`` (following the cursor)."""
    found, after = [], None
    while True:
        query = {**filters, "limit": 500, **({"after": after} if after else {})}
        response = client.get("/api/audit-trails/", query_string=query)
        assert response.status_code == 200, response.json
        found += response.json["records"]
        after = response.json["next_cursor"]
        if after is None:
            return found


def exported(client, **filters) -> list[dict]:
    response = client.get("/api/audit-trails/export", query_string=filters)
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    for row in rows:
        row["changes"] = json.loads(row["changes"])
    return rows


@pytest.fixture
def trial(enable_plugins, client_as, make_study, join_study, tenant):
    """A study with Paris and Lyon, one subject at each, an eCRF with data at Paris."""
    enable_plugins(tenant, "ecrf")
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="AUD-ACCESS")
    headers = study.headers
    design = save_design(manager, headers, DESIGN).json
    investigator = join_study(headers, tenant, "investigator")
    subjects = {}
    for code, name in (("PAR", "Martin"), ("LYO", "Durand")):
        created = investigator.post(
            "/api/subjects/",
            json={
                "center": study.centers[code],
                "personal_data": {
                    "first_name": "Ada",
                    "last_name": name,
                    "email": f"{name.lower()}@example.org",
                    "birth_date": "1980-05-17",
                },
            },
            headers=headers,
        )
        assert created.status_code == 201, created.json
        subjects[code] = created.json["uuid"]
    section = design["sections"][0]["uuid"]
    url = f"/api/ecrf/subjects/{subjects['PAR']}/sections/{section}"
    etag = investigator.get(url, headers=headers).headers["ETag"]
    first = investigator.put(
        url, json={"answers": {"weight": 80}}, headers={**headers, "If-Match": etag}
    )
    assert first.status_code == 200, first.json
    corrected = investigator.put(
        url,
        json={"answers": {"weight": 70}},
        headers={**headers, "If-Match": first.headers["ETag"], "Reason-For-Change": "Typo"},
    )
    assert corrected.status_code == 200, corrected.json
    admin = client_as(tenant)
    custom = admin.post(
        "/api/roles/",
        json={
            "name": "pd_auditor",
            "permissions": [
                "studies.access",
                "audit_trails.access",
                "audit_trails.export",
                "subjects.access",
                "subjects.view_personal_data",
            ],
        },
    )
    assert custom.status_code == 201, custom.json
    return {
        "admin": admin,
        "study": study,
        "manager": manager,
        "investigator": investigator,
        "subjects": subjects,
        "section": section,
        "member": lambda role, centers=None: join_study(headers, tenant, role, centers),
    }


PERSONAL = ("first_name", "last_name", "email", "birth_date")


def personal_records(records: list[dict]) -> list[dict]:
    return [r for r in records if r["object_type"] == "subject_personal_data" and r["changes"]]


@pytest.mark.requirement("GDPR-25")
def test_personal_data_in_the_trail_needs_the_personal_data_permission(trial):
    study = trial["study"].uuid
    for reader in (trial["member"]("monitor"), trial["member"]("data_manager")):
        records = personal_records(trail(reader, study=study))
        assert len(records) == 2
        for record in records:
            assert all(record["changes"][f] == ["[redacted]", "[redacted]"] for f in PERSONAL)
            assert record["changes"]["language"] == [None, "en"]  # not personal data
        assert "Martin" not in json.dumps(trail(reader, study=study))
    rows = personal_records(exported(reader, study=study))
    assert len(rows) == 2 and all(r["changes"]["email"] == ["[redacted]"] * 2 for r in rows)
    assert "Martin" not in json.dumps(exported(reader))
    # Who may read personal data reads it in the trail as well.
    auditor = trial["member"]("pd_auditor")
    for records in (trail(auditor, study=study), exported(auditor, study=study)):
        shown = personal_records(records)
        assert {r["changes"]["last_name"][1] for r in shown} == {"Martin", "Durand"}
        assert {r["changes"]["birth_date"][1] for r in shown} == {"1980-05-17"}


@pytest.mark.requirement("P11-11.10g")
def test_a_study_s_trail_is_read_only_by_its_members_with_the_permission(trial, client_as, tenant):
    study = trial["study"].uuid
    for outsider in (client_as(tenant, "monitor"), client_as(tenant, "data_manager")):
        refused = outsider.get("/api/audit-trails/", query_string={"study": study})
        assert refused.status_code == 403
        assert refused.json["error"]["internal_name"] == "USER_DOES_NOT_BELONG_TO_STUDY"
        assert (
            outsider.get("/api/audit-trails/export", query_string={"study": study}).status_code
            == 403
        )
        everything = trail(outsider)
        assert everything and all(r["study_id"] is None for r in everything)
        assert "Martin" not in json.dumps(everything)
    outsider = client_as(tenant, "data_manager")
    assert all(r["study_id"] == "" for r in exported(outsider))  # CSV: empty for none
    # A member whose study role has no audit permission gets nothing of the study.
    investigator = trial["investigator"]
    refused = investigator.get("/api/audit-trails/", query_string={"study": study})
    assert refused.status_code == 403 and refused.json["error"]["internal_name"] == (
        "PERMISSION_DENIED"
    )
    monitor = trial["member"]("monitor")
    assert monitor.get("/api/audit-trails/export").status_code == 403  # no export permission


def test_tenant_records_need_the_platform_permission(trial, client_as, tenant, join_study):
    """A member reading the study's trail through their study role, whose platform role
    has no audit permission, sees no tenant-level record (users, centers, roles)."""
    study = trial["study"]
    member = join_study(study.headers, tenant, "viewer")
    # Only a member who holds what the monitor role grants may give it.
    lead = join_study(study.headers, tenant, "administrator")
    promoted = lead.patch(
        f"/api/study-users/{_membership(trial, member)}",
        json={"role": "monitor"},
        headers=study.headers,
    )
    assert promoted.status_code == 200, promoted.json
    records = trail(member)
    assert records and {r["study_id"] for r in records} == {study.uuid}
    platform_monitor = trial["member"]("monitor")
    assert any(r["study_id"] is None for r in trail(platform_monitor))


def _membership(trial, member) -> str:
    team = trial["manager"].get("/api/study-users/", headers=trial["study"].headers).json
    (row,) = [m for m in team if m["user"] == str(member.user.uuid)]
    return row["uuid"]


def test_a_member_limited_to_a_center_reads_only_that_center_s_subjects(trial):
    study = trial["study"]
    paris_only = trial["member"]("pd_auditor", [study.centers["PAR"]])
    for records in (trail(paris_only, study=study.uuid), exported(paris_only)):
        subjects = {r["subject_id"] for r in records if r["subject_id"]}
        assert subjects == {trial["subjects"]["PAR"]}
        assert "Durand" not in json.dumps(records) and "Martin" in json.dumps(records)
        assert {r["center_id"] or None for r in records} == {None, study.centers["PAR"]}
    lyon = trial["subjects"]["LYO"]
    assert trail(paris_only, subject=lyon) == []


def test_an_api_key_reads_only_the_studies_it_reaches(trial, client_for, tenant, make_study):
    admin = trial["admin"]
    other = make_study(admin, reference="AUD-OTHER")
    key = admin.post(
        "/api/api-keys/",
        json={
            "name": "audit robot",
            "permissions": ["audit_trails.access", "audit_trails.export"],
            "studies": [other.uuid],
        },
    ).json["key"]
    robot = client_for(tenant)
    robot.environ_base["HTTP_API_KEY"] = key
    records = trail(robot)
    assert records and {r["study_id"] for r in records} == {other.uuid}
    assert (
        robot.get("/api/audit-trails/", query_string={"study": trial["study"].uuid}).status_code
        == 403
    )
    assert {r["study_id"] for r in exported(robot)} == {other.uuid}


def test_an_api_key_reads_the_trail_within_its_creator_s_current_rights(
    trial, app, client_for, tenant, make_study
):
    admin = trial["admin"]
    other = make_study(admin, reference="AUD-CREATOR")
    key = admin.post(
        "/api/api-keys/",
        json={"name": "robot", "permissions": ["audit_trails.access"], "all_studies": True},
    ).json["key"]
    robot = client_for(tenant)
    robot.environ_base["HTTP_API_KEY"] = key
    # The creator is not in the trial's study: neither is its key.
    assert other.uuid in {r["study_id"] for r in trail(robot)}
    assert trial["study"].uuid not in {r["study_id"] for r in trail(robot)}
    with app.app_context(), tenant_context(tenant), unit_of_work():
        study = db.session.execute(sa.select(Study).where(Study.uuid == other.uuid)).scalar_one()
        member = db.session.execute(
            sa.select(StudyUser).where(
                StudyUser.study_id == study.id, StudyUser.user_id == admin.user.id
            )
        ).scalar_one()
        member.role_id = get_role("viewer").id
    # Its creator now reads no audit trail in that study: nor does the key.
    assert other.uuid not in {r["study_id"] for r in trail(robot)}


@pytest.mark.requirement("P11-11.10b", "E6-4.2.2", "GDPR-15")
def test_a_subject_s_whole_data_history_names_subject_section_and_question(trial):
    study, subject = trial["study"], trial["subjects"]["PAR"]
    history = trail(trial["member"]("pd_auditor"), subject=subject)
    kinds = [(r["object_type"], r["action"]) for r in history]
    assert ("subjects_in_studies", "create") in kinds
    assert ("subject_personal_data", "create") in kinds
    answers = [r for r in history if r["object_type"] == "ecrf_answers"]
    assert [(r["action"], r["changes"]["value"]) for r in answers] == [
        ("create", [None, 80]),
        ("update", [80, 70]),
    ]
    for record in answers:  # the update too, though it changes the value only
        assert (record["subject_id"], record["section_id"], record["question"]) == (
            subject,
            trial["section"],
            "weight",
        )
        assert record["center_id"] == study.centers["PAR"] and record["study_id"] == study.uuid
    assert answers[0]["changes"]["subject_in_study_id"] == [None, subject]  # a public id
    assert answers[1]["reason"] == "Typo"
    by_question = trail(trial["member"]("monitor"), study=study.uuid, question="weight")
    assert [r["sequence"] for r in by_question] == [r["sequence"] for r in answers]
    participation = next(r for r in history if r["object_type"] == "subjects_in_studies")
    assert participation["changes"]["study_id"] == [None, study.uuid]
    assert participation["changes"]["center_id"] == [None, study.centers["PAR"]]


def test_no_record_carries_an_internal_integer_id(trial):
    for record in trail(trial["member"]("pd_auditor")):
        for name, values in record["changes"].items():
            if name.endswith("_id"):
                assert not any(isinstance(v, int) for v in values), (record, name)


@pytest.mark.parametrize(
    "value",
    ["2026-01-01T00:00:00+16:00", "0246-01-01T00:00:00+00:00", "9999-12-31T23:00:00-05:00"],
)
@pytest.mark.parametrize("name", ["since", "until"])
def test_impossible_times_are_refused_before_an_export_starts(trial, name, value):
    reader = trial["member"]("data_manager")
    for path in ("/api/audit-trails/", "/api/audit-trails/export"):
        response = reader.get(path, query_string={name: value})
        assert response.status_code == 422 and response.is_json, path
        assert list(response.json["error"]["fields"]) == [name]


def test_an_export_that_fails_on_its_first_records_answers_an_error_not_a_file(trial, monkeypatch):
    def broken(self, record):
        raise RuntimeError("injected")

    monkeypatch.setattr(access.AuditReader, "present", broken)
    response = trial["member"]("data_manager").get("/api/audit-trails/export")
    assert response.status_code == 500 and response.is_json


def test_the_chain_still_verifies_with_context_and_a_forged_center_is_found(
    trial, app, db_engine, tenant
):
    runner = app.test_cli_runner()
    intact = runner.invoke(args=["audit", "verify", "--tenant", tenant.schema_name])
    assert intact.exit_code == 0, intact.output
    answer = next(
        r for r in trail(trial["member"]("monitor")) if r["object_type"] == "ecrf_answers"
    )
    table = f'"{tenant.schema_name}".audit_records'
    with db_engine.begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        connection.exec_driver_sql(
            f"UPDATE {table} SET center_id = '{trial['study'].centers['LYO']}'"
            f" WHERE sequence = {answer['sequence']}"
        )
        connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    forged = runner.invoke(args=["audit", "verify", "--tenant", tenant.schema_name])
    assert f"BROKEN at record {answer['sequence']}" in forged.output


@pytest.mark.requirement("A11-17", "E6-4.2.5")
def test_records_written_before_the_context_columns_verify_after_the_upgrade(
    app, db_engine, client_as, tenant
):
    from datacapt.migrating.runner import migrate_schema

    admin = client_as(tenant)
    downgrade_lineage(db_engine, tenant.schema_name, CORE_TENANT_LINEAGE, "0005_tenant")
    with db_engine.begin() as connection:  # a record as the previous audit_append wrote it
        connection.exec_driver_sql(
            f'SELECT "{tenant.schema_name}".audit_append(%(records)s::jsonb)',
            {"records": json.dumps([_old_record()])},
        )
    assert migrate_schema(db_engine, tenant.schema_name, [CORE_TENANT_LINEAGE]).status == (
        "upgraded"
    )
    admin.post("/api/centers/", json={"code": "NEW", "name": "New", "country": "FR"})
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--tenant", tenant.schema_name])
    assert result.exit_code == 0 and "chain intact" in result.output, result.output
    assert any(r["object_id"] == "old-format" for r in trail(admin))


def _old_record() -> dict:
    from datacapt.audit.chain import PAYLOAD_FIELDS

    fields = dict.fromkeys(PAYLOAD_FIELDS)
    fields.update(
        created_at="2026-11-30T10:00:00.000000+00:00",
        actor_type="system",
        actor_id="system",
        actor_name="system",
        object_type="study_centers",
        object_id="old-format",
        action="create",
        changes={"code": [None, "OLD"]},
    )
    # The payload as the code before the context columns made it.
    fields["payload"] = json.dumps(
        {name: fields[name] for name in PAYLOAD_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return fields


def test_a_row_and_its_parent_deleted_in_one_flush_name_each_other_by_public_id(
    app, tenant, client_as
):
    """The parent is gone from its table when the records are written: its public id
    comes from the session. The link's records belong to its study, which the admin
    reads as a member of it."""
    from datacapt.database import db
    from datacapt.studies.models import StudyCenter, StudyCenterAssociation
    from datacapt.tenancy import tenant_context

    admin = client_as(tenant)
    study_uuid = admin.post("/api/studies/", json={"reference": "FLUSH", "name": "Flush"}).json[
        "uuid"
    ]
    with app.app_context(), tenant_context(tenant):
        study = db.session.execute(
            sa.select(Study).where(sa.cast(Study.uuid, sa.String) == study_uuid)
        ).scalar_one()
        center = StudyCenter(code="GONE", name="Gone", country="FR")
        db.session.add(center)
        db.session.flush()
        link = StudyCenterAssociation(study_id=study.id, center_id=center.id)
        db.session.add(link)
        db.session.commit()
        center_uuid = str(center.uuid)
        db.session.delete(link)
        db.session.delete(center)
        db.session.commit()
    (record,) = [
        r
        for r in trail(admin, object_type="study_center_associations", action="delete")
        if r["changes"]["center_id"][0] == center_uuid
    ]
    assert record["changes"]["center_id"] == [center_uuid, None]
    assert record["study_id"] == study_uuid
