"""connect_when_enabled: a plugin's receiver of a signal runs only in the tenants that
enabled the plugin."""

from __future__ import annotations

from blinker import Namespace

from datacapt.plugins.services import disable_plugin
from datacapt.tenancy import current_tenant, tenant_context
from datacapt.toolkit import connect_when_enabled


def test_a_receiver_runs_only_in_tenants_that_enabled_its_plugin(
    app, enable_plugins, tenant, other_tenant
):
    probe = Namespace().signal("probe")
    heard: list[tuple[str, str, dict]] = []

    def plan(sender: str, **kwargs: object) -> str:
        heard.append((current_tenant().schema_name, sender, kwargs))
        return "planned"

    assert connect_when_enabled(probe, "subjects", plan) is plan
    enable_plugins(tenant, "subjects")
    with app.app_context():
        with tenant_context(tenant):
            answers = dict(probe.send("row", changed={"time_zone"}))
        with tenant_context(other_tenant):
            probe.send("elsewhere")
        probe.send("outside any tenant")
        assert heard == [(tenant.schema_name, "row", {"changed": {"time_zone"}})]
        assert list(answers.values()) == ["planned"]  # the receiver's answer is the signal's

        with tenant_context(other_tenant):
            plan("called directly")  # only the connection is gated, not the function
        disable_plugin(tenant.schema_name, "subjects", "test")
        with tenant_context(tenant):
            probe.send("after disabling")
    assert [(schema, sender) for schema, sender, _ in heard[1:]] == [
        (other_tenant.schema_name, "called directly")
    ]


def test_as_a_decorator_it_connects_the_function_it_decorates(
    app, enable_plugins, tenant, other_tenant
):
    probe = Namespace().signal("probe")
    heard: list[str] = []

    @connect_when_enabled(probe, "subjects")
    def follow(sender: str) -> None:
        heard.append(current_tenant().schema_name)

    enable_plugins(other_tenant, "subjects")
    with app.app_context():
        for each in (tenant, other_tenant):
            with tenant_context(each):
                probe.send("row")
    assert heard == [other_tenant.schema_name]
