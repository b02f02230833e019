"""What commands print for scripts and operators: `--json` on every list and status command,
and progress as plain lines when standard error is not a terminal (as under CliRunner)."""

from __future__ import annotations

import json
import re

import pytest

from datacapt.database import db, unit_of_work
from datacapt.jobs import enqueue
from datacapt.migrating.lineages import _EXTENSION_KEY
from datacapt.tenancy.services import archive_tenant
from datacapt.testing.database import drop_tenant
from tests.plugin_kit import BASE_MIGRATIONS, FakePlugin
from tests.test_jobs import work
from tests.test_migrations import FLAKY

# "label: 1/2 (50%) detail [0.3 s, about 0 s left]"
PROGRESS_LINE = re.compile(
    r"^(?P<label>[^:\n]+): (?P<done>\d+)/(?P<total>\d+) \(\d+%\) (?P<detail>.*) \[[\d.]+ s, about \d+ s left\]$",
    re.M,
)


def progress_lines(output: str, label: str) -> list[tuple[int, int, str]]:
    return [
        (int(m["done"]), int(m["total"]), m["detail"])
        for m in PROGRESS_LINE.finditer(output)
        if m["label"] == label
    ]


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_tenants_list_json_describes_each_tenant(runner, tenant_factory, app, monkeypatch):
    first, second = tenant_factory(), tenant_factory()
    monkeypatch.setitem(app.extensions, _EXTENSION_KEY, [*app.extensions[_EXTENSION_KEY], FLAKY])
    result = runner.invoke(args=["tenants", "list", "--json"])
    assert result.exit_code == 0, result.output
    listed = {t["schema"]: t for t in json.loads(result.stdout)}
    for ref in (first, second):
        described = listed[ref.schema_name]
        assert described["status"] == "active" and described["archived_at"] is None
        assert described["migrations"] == "behind: flaky"
        assert described["domains"] and described["created_at"].startswith("20")


def test_tenants_list_json_with_no_tenants_is_an_empty_list(runner, monkeypatch):
    monkeypatch.setattr("datacapt.tenancy.cli.list_tenants", list)
    result = runner.invoke(args=["tenants", "list", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_migrate_reports_each_tenant_as_a_progress_line(runner, tenant_factory, app, monkeypatch):
    behind = {tenant_factory().schema_name, tenant_factory().schema_name}
    monkeypatch.setitem(app.extensions, _EXTENSION_KEY, [*app.extensions[_EXTENSION_KEY], FLAKY])
    result = runner.invoke(args=["tenants", "migrate"])
    assert result.exit_code == 0, result.output
    lines = progress_lines(result.stderr, "migrating tenants")
    total = lines[0][1]
    assert total >= 2 and [done for done, _, _ in lines] == list(range(1, total + 1))
    assert {t for t in behind} <= {detail.split()[0] for _, _, detail in lines}
    assert all(detail.endswith(" upgraded") for _, _, detail in lines)
    # At head now: nothing to report step by step, and nothing progress-like on stdout.
    again = runner.invoke(args=["tenants", "migrate"])
    assert progress_lines(again.output, "migrating tenants") == []
    assert progress_lines(result.stdout, "migrating tenants") == []


@pytest.fixture
def plugin_app(app_with_plugins):
    return app_with_plugins(FakePlugin("base", migrations=BASE_MIGRATIONS), plugins=())


@pytest.fixture
def as_operator(plugin_app, operator):
    runner = plugin_app.test_cli_runner()
    return lambda *args: runner.invoke(
        args=list(args), env={"DATACAPT_OPERATOR": operator.email}, input=f"{operator.password}\n"
    )


def test_enable_across_all_tenants_shows_progress_and_skips_archived(
    as_operator, plugin_app, tenant, other_tenant, tenant_factory
):
    archived = tenant_factory()
    with plugin_app.app_context(), unit_of_work():
        archive_tenant(archived.schema_name)
    result = as_operator("plugins", "enable", "--all-tenants", "base")
    assert result.exit_code == 0, result.output
    assert f"Enabled in {tenant.schema_name}: base" in result.stdout
    assert f"Enabled in {other_tenant.schema_name}: base" in result.stdout
    assert archived.schema_name not in result.output
    lines = progress_lines(result.stderr, "enabled base")
    assert {tenant.schema_name, other_tenant.schema_name} <= {d for _, _, d in lines}
    assert lines[-1][0] == lines[-1][1] == len(lines)

    listing = as_operator("plugins", "list", "--tenant", tenant.schema_name, "--json")
    (base,) = json.loads(listing.stdout)
    assert base["enabled"] is True and base["enabled_by"].startswith("operator:")
    assert base["disabled_at"] is None and base["requires"] == []

    disabled = as_operator(
        "plugins", "disable", tenant.schema_name, other_tenant.schema_name, "base"
    )
    assert disabled.exit_code == 0, disabled.output
    assert [d for _, _, d in progress_lines(disabled.stderr, "disabled base")] == [
        tenant.schema_name,
        other_tenant.schema_name,
    ]


def test_enable_across_tenants_goes_on_past_a_failing_one_and_exits_1(
    as_operator, tenant, db_engine
):
    result = as_operator("plugins", "enable", "nobody", tenant.schema_name, "base")
    assert result.exit_code == 1
    assert "nobody: FAILED: No tenant 'nobody'" in result.stderr
    assert f"Enabled in {tenant.schema_name}: base" in result.stdout


@pytest.mark.parametrize(
    "args", [("plugins", "enable", "base"), ("plugins", "enable", "--all-tenants", "x", "base")]
)
def test_enable_names_tenants_or_all_of_them(as_operator, args):
    result = as_operator(*args)
    assert result.exit_code == 2 and "--all-tenants" in result.output


def test_plugins_list_json_without_a_tenant_has_no_state(runner):
    result = runner.invoke(args=["plugins", "list", "--json"])
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["ecrf"]["requires"] == ["subjects"] and "enabled" not in plugins["ecrf"]


def test_jobs_status_and_failed_json(app, runner, tenant, redis_queue):
    with app.app_context():
        failing = enqueue("tests.jobs_kit.always_fails", tenant=tenant)
        db.session.commit()
        work(redis_queue)
    status = runner.invoke(args=["jobs", "status", "--json"])
    assert status.exit_code == 0, status.output
    described = json.loads(status.stdout)
    (default,) = [q for q in described["queues"] if q["queue"] == "default"]
    assert default["failed"] == 1 and default["waiting"] == 0
    assert described["outbox"] == {"waiting": 0, "in_flight": 0}
    failed = runner.invoke(args=["jobs", "failed", "--json", "--tenant", tenant.schema_name])
    (job,) = json.loads(failed.stdout)
    assert job["job"] == failing and job["tenant"] == tenant.schema_name
    assert job["function"] == "tests.jobs_kit.always_fails"
    assert "this job always fails" in job["error"] and job["ended_at"].startswith("20")


def test_demo_seed_reports_its_steps(runner, db_engine):
    try:
        result = runner.invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
        lines = progress_lines(result.stderr, "seeding the demo")
        assert lines[0][2] == "tenant created" and lines[-1][2] == "study, users and data"
        assert [done for done, _, _ in lines] == list(range(1, lines[0][1] + 1))
    finally:
        drop_tenant(db_engine, "demo")
