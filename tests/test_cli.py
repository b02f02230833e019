"""The operator CLI: flask tenants create | list | migrate | archive, flask demo seed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from datacapt.demo.services import DEMO_PASSWORD, DEMO_SCHEMA, demo_email
from datacapt.migrating.lineages import _EXTENSION_KEY
from datacapt.permissions.defaults import DEFAULT_ROLES
from datacapt.plugins.services import plugin_set
from datacapt.testing.database import drop_tenant
from tests.test_migrations import FLAKY


@pytest.fixture
def cli(app, db_engine):
    """Invoke a command; tenants it creates are dropped after the test."""
    runner = app.test_cli_runner()
    created: list[str] = []

    def invoke(*args: str, schema: str | None = None):
        if schema:
            created.append(schema)
        return runner.invoke(args=list(args))

    yield invoke
    for schema in created:
        drop_tenant(db_engine, schema)


def tenant_rows(engine: sa.Engine, schema: str) -> tuple[int, bool]:
    """(rows in the tenants table, whether the schema exists) for a schema name."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT count(*) FROM public.tenants WHERE schema_name = :s"), {"s": schema}
        ).scalar()
        exists = connection.execute(
            sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        ).scalar()
    return rows, bool(exists)


def test_create_then_list(cli, db_engine):
    result = cli(
        "tenants",
        "create",
        "clinic_one",
        "--name",
        "Clinic One",
        "--domain",
        "One.Example.org:8443",
        "--domain",
        "one.test",
        schema="clinic_one",
    )
    assert result.exit_code == 0, result.output
    assert "Created tenant clinic_one" in result.output
    assert tenant_rows(db_engine, "clinic_one") == (1, True)
    listing = cli("tenants", "list")
    assert listing.exit_code == 0
    line = next(ln for ln in listing.output.splitlines() if ln.startswith("clinic_one"))
    assert "one.example.org,one.test" in line and "active" in line and "at head" in line


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ("public", "reserved"),
        ("pg_catalog", "reserved"),
        ("information_schema", "reserved"),
        ("spare_mine", "reserved"),
        ("Bad-Name", "not a valid schema name"),
        ("1clinic", "not a valid schema name"),
        ("x" * 64, "not a valid schema name"),
    ],
)
def test_create_refuses_bad_schema_names(cli, db_engine, schema, message):
    result = cli("tenants", "create", schema, "--name", "X", "--domain", "x.test")
    assert result.exit_code == 1
    assert message in result.output
    assert tenant_rows(db_engine, schema)[0] == 0


@pytest.mark.parametrize("domain", ["not a host", "-bad.test", "a..b", ""])
def test_create_refuses_bad_domains(cli, db_engine, domain):
    result = cli("tenants", "create", "clinic_bad", "--name", "X", "--domain", domain)
    assert result.exit_code == 1
    assert tenant_rows(db_engine, "clinic_bad") == (0, False)


def test_create_refuses_a_taken_domain_or_schema_and_creates_nothing(
    cli, db_engine, tenant_factory
):
    existing = tenant_factory(domains=["taken.test"])
    result = cli(
        "tenants",
        "create",
        "clinic_two",
        "--name",
        "X",
        "--domain",
        "free.test",
        "--domain",
        "TAKEN.test",
    )
    assert result.exit_code == 1
    assert "taken.test" in result.output
    assert tenant_rows(db_engine, "clinic_two") == (0, False)
    again = cli("tenants", "create", existing.schema_name, "--name", "X", "--domain", "other.test")
    assert again.exit_code == 1 and "already exists" in again.output


def test_create_requires_name_and_domain(cli):
    assert cli("tenants", "create", "clinic_x", "--name", "X").exit_code == 2
    assert cli("tenants", "create", "clinic_x", "--domain", "x.test").exit_code == 2


def test_failed_tenant_creation_leaves_nothing_half_created(cli, app, db_engine, monkeypatch):
    monkeypatch.setitem(app.extensions, _EXTENSION_KEY, [*app.extensions[_EXTENSION_KEY], FLAKY])
    monkeypatch.setenv("DATACAPT_TEST_FAIL_SCHEMAS", "clinic_fail")
    result = cli("tenants", "create", "clinic_fail", "--name", "X", "--domain", "fail.test")
    assert result.exit_code != 0
    assert tenant_rows(db_engine, "clinic_fail") == (0, False)
    with db_engine.connect() as connection:
        domains = connection.execute(
            sa.text("SELECT count(*) FROM public.domains WHERE domain = 'fail.test'")
        ).scalar()
    assert domains == 0


def test_migrate_reports_state_fails_loudly_and_resumes(cli, app, tenant_factory, monkeypatch):
    good, bad = tenant_factory(), tenant_factory()
    monkeypatch.setitem(app.extensions, _EXTENSION_KEY, [*app.extensions[_EXTENSION_KEY], FLAKY])
    listing = cli("tenants", "list").output
    assert f"{good.schema_name}" in listing and "behind: flaky" in listing

    monkeypatch.setenv("DATACAPT_TEST_FAIL_SCHEMAS", bad.schema_name)
    result = cli("tenants", "migrate")
    assert result.exit_code == 1
    assert f"{bad.schema_name}: FAILED: RuntimeError: injected failure" in result.output
    assert f"{good.schema_name}: upgraded" in result.output

    monkeypatch.delenv("DATACAPT_TEST_FAIL_SCHEMAS")
    resumed = cli("tenants", "migrate", "--tenant", bad.schema_name)
    assert resumed.exit_code == 0, resumed.output
    assert "0 at head, 1 upgraded, 0 failed" in resumed.output
    parallel = cli("tenants", "migrate", "--parallel", "2")
    assert parallel.exit_code == 0 and " 0 failed" in parallel.output
    assert "behind" not in cli("tenants", "list").output


def test_migrate_refuses_unknown_tenant_and_bad_parallel(cli):
    result = cli("tenants", "migrate", "--tenant", "nobody")
    assert result.exit_code == 1 and "No tenant 'nobody'" in result.output
    assert cli("tenants", "migrate", "--parallel", "0").exit_code == 2


@pytest.mark.requirement("P11-11.10c", "A11-17", "E6-4.2.7")
def test_archive_stops_serving_keeps_data_and_is_one_way(cli, client_for, tenant, db_engine):
    client = client_for(tenant)
    client.post("/api/notes/", json={"text": "evidence"})
    result = cli("tenants", "archive", tenant.schema_name)
    assert result.exit_code == 0, result.output
    assert client.get("/api/notes/").status_code == 404
    with db_engine.connect() as connection:
        kept = (
            connection.execute(sa.text(f'SELECT text FROM "{tenant.schema_name}".notes'))
            .scalars()
            .all()
        )
    assert kept == ["evidence"]
    assert "archived" in cli("tenants", "list").output
    archived_line = result.output
    again = cli("tenants", "archive", tenant.schema_name)
    assert again.exit_code == 0 and again.output == archived_line  # archived_at is kept
    assert cli("tenants", "archive", "nobody").exit_code == 1


def test_demo_seed_is_idempotent_and_serves_localhost(cli, client, app):
    first = cli("demo", "seed", schema=DEMO_SCHEMA)
    assert first.exit_code == 0, first.output
    assert "Created the demo tenant" in first.output
    second = cli("demo", "seed")
    assert second.exit_code == 0 and "exists and is at head" in second.output
    assert "Demo users" not in second.output  # nothing created twice
    for host in ("localhost:5000", "127.0.0.1:5000"):
        assert client.get("/api/tenant/", headers={"Host": host}).json["name"].startswith("Demo")
    # A user per default role, all in the demo study; every installed module enabled.
    for role in DEFAULT_ROLES:
        assert demo_email(role) in first.output
    login = client.post(
        "/api/auth/login",
        json={"email": demo_email("administrator"), "password": DEMO_PASSWORD},
        headers={"Host": "localhost"},
    )
    headers = {"Host": "localhost", "Authorization": f"Bearer {login.json['token']}"}
    modules = client.get("/api/plugins/?page_size=100", headers=headers).json
    with app.app_context():
        installed = set(plugin_set().plugins)
    assert {"ecrf", "epro", "hello", "subjects"} <= installed
    assert {m["name"]: m["enabled"] for m in modules} == dict.fromkeys(installed, True)
    (study,) = client.get("/api/studies/", headers=headers).json
    hello = client.get("/api/hello/records/", headers={**headers, "Study-Uuid": study["uuid"]})
    assert hello.status_code == 200
    centers = client.get(
        "/api/study-centers/", headers={**headers, "Study-Uuid": study["uuid"]}
    ).json
    assert [c["code"] for c in centers] == ["LYO-02", "PAR-01"]
    # Each module's demo data, added once: the eCRF design and two subjects per center.
    study_headers = {**headers, "Study-Uuid": study["uuid"]}
    ecrf = client.get("/api/ecrf/", headers=study_headers).json
    assert [s["title"]["en"] for s in ecrf["sections"]] == ["Screening", "Week 4"]
    # Shaped as a design saved through the API: empty values are {} or [], never null.
    blocks = [b for s in ecrf["sections"] for sub in s["subsections"] for b in sub["blocks"]]
    nulls = {k for b in blocks for k, v in b.items() if v is None}
    assert nulls <= {"visible_if", "calculation"}, nulls
    subjects = client.get("/api/ecrf/subjects/", headers=study_headers).json
    assert [(s["study_subject_id"], s["required"], s["answered"]) for s in subjects] == [
        ("LYO-02-001", 5, 0),
        ("LYO-02-002", 5, 0),
        ("PAR-01-001", 5, 0),
        ("PAR-01-002", 5, 0),
    ]
    assert cli("demo", "seed").exit_code == 0
    assert len(client.get("/api/ecrf/subjects/", headers=study_headers).json) == 4
