"""Study references and center codes are unique whatever their case, in the service and
in the database."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from datacapt.database import db
from datacapt.migrating import tenant_lineages
from datacapt.migrating.runner import migrate_schema
from datacapt.studies.models import Study, StudyCenter
from datacapt.tenancy import tenant_context


def test_a_study_reference_differing_only_by_case_is_taken(client_as, tenant):
    admin = client_as(tenant)
    assert (
        admin.post("/api/studies/", json={"reference": "WALK-001", "name": "W"}).status_code == 201
    )
    refused = admin.post("/api/studies/", json={"reference": "walk-001", "name": "w"})
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["details"] == {"existing": "WALK-001"} and "reference" in error["fields"]
    french = admin.post(
        "/api/studies/", json={"reference": "Walk-001", "name": "w"}, headers={"Language": "fr"}
    )
    assert (
        french.json["error"]["message"] == "Une étude avec cette référence existe déjà : WALK-001."
    )
    assert [s["reference"] for s in admin.get("/api/studies/").json] == ["WALK-001"]


def test_a_center_code_differing_only_by_case_is_taken_on_create_and_rename(client_as, tenant):
    admin = client_as(tenant)

    def create(code: str):
        return admin.post("/api/centers/", json={"code": code, "name": code, "country": "FR"})

    paris = create("PAR").json
    lyon = create("LYO").json
    refused = create("par")
    assert refused.status_code == 409 and refused.json["error"]["details"] == {"existing": "PAR"}
    renamed = admin.patch(f"/api/centers/{lyon['uuid']}", json={"code": "Par"})
    assert renamed.status_code == 409 and renamed.json["error"]["details"] == {"existing": "PAR"}
    # A center may change the case of its own code.
    own = admin.patch(f"/api/centers/{paris['uuid']}", json={"code": "par"})
    assert own.status_code == 200 and own.json["code"] == "par"
    assert sorted(c["code"] for c in admin.get("/api/centers/").json) == ["LYO", "par"]


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Study, {"reference": "case-1", "name": "x", "description": "", "status": "draft"}),
        (StudyCenter, {"code": "case-1", "name": "x", "country": "FR"}),
    ],
)
def test_the_database_refuses_a_value_differing_only_by_case(app, tenant, model, values):
    column = "reference" if model is Study else "code"
    with app.app_context(), tenant_context(tenant):
        db.session.add(model(**values))
        db.session.commit()
        db.session.add(model(**{**values, column: values[column].upper()}))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_the_migration_names_codes_that_already_clash_and_changes_nothing(app, db_engine, tenant):
    schema = tenant.schema_name
    with db_engine.begin() as connection:
        connection.execute(sa.text(f'DROP INDEX "{schema}".study_centers_code_lower_key'))
        connection.execute(sa.text(f'DROP INDEX "{schema}".studies_reference_lower_key'))
        connection.execute(
            sa.text(
                f'INSERT INTO "{schema}".study_centers (uuid, created_at, modified_at, code,'
                " name, country) VALUES (gen_random_uuid(), now(), now(), 'WALK-001', 'a',"
                " 'FR'), (gen_random_uuid(), now(), now(), 'walk-001', 'b', 'FR')"
            )
        )
        connection.execute(
            sa.text(f"UPDATE \"{schema}\".alembic_version SET version_num = '0006_tenant'")
        )
    with app.app_context():
        outcome = migrate_schema(db_engine, schema, tenant_lineages())
    assert outcome.status == "failed"
    assert "study_centers.code differs only by case in: WALK-001, walk-001." in outcome.error
    with db_engine.connect() as connection:
        version = connection.execute(
            sa.text(f'SELECT version_num FROM "{schema}".alembic_version')
        ).scalar_one()
    assert version == "0006_tenant"


def test_a_code_another_request_commits_meanwhile_is_a_conflict_not_an_error(
    client_as, db_engine, tenant
):
    """Both requests pass the service's check; the database's unique index decides, and
    the loser gets 409, as if the check had seen the winner."""
    admin = client_as(tenant)
    schema = tenant.schema_name
    with db_engine.connect() as winner:
        winner.begin()
        winner.execute(
            sa.text(
                f'INSERT INTO "{schema}".study_centers (uuid, created_at, modified_at, code,'
                " name, country) VALUES (gen_random_uuid(), now(), now(), 'RACE', 'w', 'FR')"
            )
        )
        # The request's insert waits on the index until the winner commits.
        timer = threading.Timer(0.5, winner.commit)
        timer.start()
        loser = admin.post("/api/centers/", json={"code": "race", "name": "l", "country": "FR"})
        timer.join()
    assert loser.status_code == 409, loser.json
    assert loser.json["error"]["internal_name"] == "CONFLICT"
    assert [c["code"] for c in admin.get("/api/centers/").json] == ["RACE"]
