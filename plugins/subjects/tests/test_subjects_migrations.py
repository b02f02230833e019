"""Revision 0003_subjects: the study id patterns move from study_subject_settings to the
core's study_plugin_settings and back, other modules' study settings untouched."""

from __future__ import annotations

from datacapt.testing import CORE_TENANT_LINEAGE, downgrade_lineage, migrate_schema, plugin_set

SETTINGS = "/api/plugins/subjects/study-settings"


def rows(db_engine, schema: str, query: str) -> list[tuple]:
    with db_engine.begin() as connection:
        connection.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
        result = connection.exec_driver_sql(query)
        return [tuple(row) for row in result] if result.returns_rows else []


def test_patterns_move_to_the_study_settings_and_back(
    app, db_engine, enable_plugins, client_as, make_study, tenant
):
    enable_plugins(tenant, "subjects")
    admin = client_as(tenant)
    named = make_study(admin, "PAR", reference="MIG-1")
    plain = make_study(admin, reference="MIG-2")
    admin.patch(SETTINGS, json={"id_pattern": "{study}-{seq:04}"}, headers=named.headers)
    with app.app_context():
        subjects = plugin_set().get("subjects").lineage
    assert subjects is not None
    schema = tenant.schema_name
    rows(  # another module's setting in a study, which the revision leaves alone
        db_engine,
        schema,
        "INSERT INTO study_plugin_settings (uuid, study_id, plugin, settings)"
        " SELECT gen_random_uuid(), id, 'other', '{\"x\": 1}' FROM studies"
        " WHERE reference = 'MIG-2'",
    )

    downgrade_lineage(db_engine, schema, subjects, "0002_subjects")
    assert rows(
        db_engine,
        schema,
        "SELECT s.reference, p.id_pattern FROM study_subject_settings p"
        " JOIN studies s ON s.id = p.study_id",
    ) == [("MIG-1", "{study}-{seq:04}")]
    assert rows(db_engine, schema, "SELECT plugin, settings FROM study_plugin_settings") == [
        ("other", {"x": 1})
    ]

    outcome = migrate_schema(db_engine, schema, [CORE_TENANT_LINEAGE, subjects])
    assert outcome.status == "upgraded", outcome.error
    assert rows(db_engine, schema, "SELECT to_regclass('study_subject_settings')") == [(None,)]
    assert admin.get(SETTINGS, headers=named.headers).json == {"id_pattern": "{study}-{seq:04}"}
    assert admin.get(SETTINGS, headers=plain.headers).json == {"id_pattern": "{center}-{seq:03}"}
    subject = admin.post(
        "/api/subjects/", json={"center": named.centers["PAR"]}, headers=named.headers
    )
    assert subject.json["study_subject_id"] == "MIG-1-0001"
    assert rows(db_engine, schema, "SELECT plugin FROM study_plugin_settings ORDER BY id") == [
        ("other",),
        ("subjects",),
    ]
