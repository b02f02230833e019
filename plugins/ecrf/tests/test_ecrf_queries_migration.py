"""Revision 0006_ecrf: the queries kept so far become automatic data-point queries of their
study and subject's center, assigned to that center, opened when created; the downgrade keeps them
and refuses while queries on sections or subjects exist."""

from __future__ import annotations

from typing import Any

import pytest

from datacapt.testing import CORE_TENANT_LINEAGE, downgrade_lineage, migrate_schema, plugin_set
from plugins.ecrf.tests.designs import BMI_WITH_WARNING, question, save_design

DESIGN = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {
                    "title": {"en": "Base"},
                    "blocks": [
                        question("weight", "decimal", options={"precision": 1}),
                        question("height", "decimal", options={"precision": 2}),
                        BMI_WITH_WARNING,
                    ],
                }
            ],
        }
    ]
}


def rows(db_engine, schema: str, query: str) -> list[tuple]:
    with db_engine.begin() as connection:
        connection.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
        result = connection.exec_driver_sql(query)
        return [tuple(row) for row in result] if result.returns_rows else []


def test_queries_carry_over_to_the_workflow_and_back(
    app, db_engine, enable_plugins, client_as, join_study, make_study, tenant
):
    enable_plugins(tenant, "ecrf")
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", reference="MIG-Q")
    design: Any = save_design(manager, study.headers, DESIGN).json
    investigator = join_study(study.headers, tenant, "investigator")
    subject: Any = investigator.post(
        "/api/subjects/", json={"center": study.centers["PAR"]}, headers=study.headers
    ).json
    path = f"/api/ecrf/subjects/{subject['uuid']}/sections/{design['sections'][0]['uuid']}"
    for version, weight in enumerate(("130", "70", "140")):
        saved = investigator.put(
            path,
            json={"answers": {"weight": weight, "height": "1.70"}},
            headers={**study.headers, "If-Match": f'"{version}"', "Reason-For-Change": "Typo"},
        )
        assert saved.status_code == 200, saved.json
    with app.app_context():
        ecrf = plugin_set().get("ecrf").lineage
    assert ecrf is not None
    schema = tenant.schema_name

    downgrade_lineage(db_engine, schema, ecrf, "0005_ecrf")
    assert rows(db_engine, schema, "SELECT to_regclass('ecrf_query_messages')") == [(None,)]
    assert rows(db_engine, schema, "SELECT code, status FROM ecrf_queries ORDER BY id") == [
        ("bmi", "closed"),
        ("bmi", "open"),
    ]

    outcome = migrate_schema(db_engine, schema, [CORE_TENANT_LINEAGE, ecrf])
    assert outcome.status == "upgraded", outcome.error
    carried = rows(
        db_engine,
        schema,
        "SELECT s.reference, c.code, q.target, q.origin, q.assignee_role, q.status,"
        " q.closed_automatically, q.closed_modified, q.opened_at = q.created_at"
        " FROM ecrf_queries q JOIN studies s ON s.id = q.study_id"
        " JOIN study_centers c ON c.id = q.assignee_center_id AND c.id = q.center_id"
        " ORDER BY q.id",
    )
    assert carried == [
        ("MIG-Q", "PAR", "data_point", "automatic", "investigator", "closed", True, False, True),
        ("MIG-Q", "PAR", "data_point", "automatic", "investigator", "open", False, False, True),
    ]
    read: Any = investigator.get(path, headers=study.headers)
    assert [(q["code"], q["status"]) for q in read.json["queries"]] == [("bmi", "open")]

    rows(db_engine, schema, "UPDATE ecrf_queries SET code = NULL, target = 'subject'")
    with pytest.raises(RuntimeError, match="queries on sections or subjects"):
        downgrade_lineage(db_engine, schema, ecrf, "0005_ecrf")
    assert rows(db_engine, schema, "SELECT count(*) FROM ecrf_query_messages") == [(0,)]
