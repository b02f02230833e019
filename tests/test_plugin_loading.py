"""Start-up discovers plugins through entry points and refuses invalid ones, clearly."""

from __future__ import annotations

import enum
import re
from pathlib import Path

import pytest

from datacapt import __version__, create_app
from datacapt.plugins import hookimpl
from datacapt.plugins.loader import PluginError, load_plugins
from datacapt.tenancy.models import Tenant
from datacapt.testing.pytest_plugin import settings_for_tests
from tests.plugin_kit import BASE_MIGRATIONS, FakePlugin, ping_blueprint


def test_installed_plugins_are_discovered_through_entry_points():
    plugins = load_plugins()
    assert "hello" in plugins.plugins  # the example distribution, installed with pip
    assert plugins.get("hello").lineage.version_table == "alembic_version_hello"


def test_allow_list_limits_the_loaded_plugins():
    assert load_plugins(allow=[]).plugins == {}
    assert list(load_plugins(allow=["hello"]).plugins) == ["hello"]


def test_allow_list_naming_a_missing_plugin_stops_start_up():
    with pytest.raises(PluginError, match="not installed: nowhere"):
        load_plugins(allow=["nowhere"])


def test_plugins_are_ordered_by_their_requirements():
    plugins = load_plugins(
        allow=[], extra=[FakePlugin("zeta"), FakePlugin("addon", requires=("zeta",))]
    )
    assert list(plugins.plugins) == ["zeta", "addon"]
    assert plugins.requirements("addon") == ["zeta"]
    assert plugins.dependents("zeta") == ["addon"]


@pytest.mark.parametrize(
    ("plugins", "message"),
    [
        ([FakePlugin("addon", requires=("missing",))], "requires missing, which is not loaded"),
        (
            [FakePlugin("alpha", requires=("beta",)), FakePlugin("beta", requires=("alpha",))],
            "dependency cycle: alpha -> beta -> alpha",
        ),
        (
            [FakePlugin("old", core_version=">=99")],
            f"supports core '>=99' but this platform is {__version__}",
        ),
        ([FakePlugin("bad", core_version="not a spec")], "is not a version specifier"),
        ([FakePlugin("Bad-Name")], "must be 2 to 40 lower-case"),
        ([FakePlugin("shared_model", models=(Tenant,))], "must be a TenantModel"),
        ([FakePlugin("nomig", migrations=BASE_MIGRATIONS / "versions")], "has no versions/ folder"),
        (
            [
                FakePlugin(
                    "grants",
                    permissions={"kits": ["access"]},
                    default_grants={"investigator": ["users.access"]},
                )
            ],
            "grants permissions of other categories: users.access",
        ),
        (
            [
                FakePlugin(
                    "grants",
                    permissions={"kits": ["access"]},
                    default_grants={"pilot": ["kits.access"]},
                )
            ],
            "'pilot', not a default role",
        ),
        (
            [
                FakePlugin("one", permissions={"stock": ["add"]}),
                FakePlugin("two", permissions={"stock": ["edit"]}),
            ],
            "permission category 'stock' of 'two' is already registered by 'one'",
        ),
        (
            [FakePlugin("words", translations=Path(__file__).parent / "no-locales")],
            "plugin 'words': translations",
        ),
    ],
    ids=[
        "missing-dependency",
        "cycle",
        "core-version",
        "bad-specifier",
        "bad-name",
        "model",
        "migrations",
        "foreign-grant",
        "grant-to-unknown-role",
        "permission-clash",
        "translations",
    ],
)
def test_invalid_plugins_stop_start_up_with_a_clear_message(plugins, message):
    with pytest.raises(PluginError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_plugins(allow=[], extra=plugins)


def test_a_plugin_claiming_anothers_catalog_stops_start_up():
    subjects = Path(__file__).parents[1] / "plugins" / "subjects" / "locales"
    with pytest.raises(PluginError, match=r"plugin 'copycat': .* holds the catalog of 'subjects'"):
        load_plugins(allow=["subjects"], extra=[FakePlugin("copycat", translations=subjects)])


class UnknownHook(FakePlugin):
    @hookimpl
    def datacapt_manifestt(self):
        return None


class UnknownArgument(FakePlugin):
    @hookimpl
    def datacapt_plugin_disabled(self, tenant, reason):
        return None


def test_a_hook_that_does_not_exist_stops_start_up():
    with pytest.raises(PluginError, match="unknown hook 'datacapt_manifestt'"):
        load_plugins(allow=[], extra=[UnknownHook("typo")])


def test_a_hook_argument_that_does_not_exist_stops_start_up():
    with pytest.raises(PluginError, match="reason"):
        load_plugins(allow=[], extra=[UnknownArgument("argue")])


def test_a_plugin_without_manifest_stops_start_up():
    class NoManifest:
        @hookimpl
        def datacapt_jobs(self):
            return []

    with pytest.raises(PluginError, match="has no datacapt_manifest"):
        load_plugins(allow=[], extra=[NoManifest()])


def test_two_plugins_with_one_blueprint_name_stop_the_app(_test_database):
    shared = ping_blueprint("same")
    with pytest.raises(PluginError, match="plugin 'second'"):
        create_app(
            settings_for_tests(database_url=_test_database, plugins=()),
            extra_plugins=[
                FakePlugin("first", blueprints=(shared,)),
                FakePlugin("second", blueprints=(ping_blueprint("same"),)),
            ],
        )


def test_plugin_permissions_join_the_registry():
    plugins = load_plugins(
        allow=["hello"], extra=[FakePlugin("stock", permissions={"stock": ["access", "recount"]})]
    )
    assert plugins.permissions.categories()["stock"] == {"access", "recount"}
    assert plugins.permissions.owner("hello") == "hello"
    assert "stock.recount" in plugins.permissions.permissions()


class StockCodes(enum.IntEnum):
    STOCK_EMPTY = 9100
    STOCK_RESERVED = 9101


class StrayCodes(enum.IntEnum):
    STOCK_LOST = 9120


class TwinCodes(enum.IntEnum):
    STOCK_TWIN = 9101


def test_plugin_error_codes_are_collected_with_their_ranges():
    plugins = load_plugins(
        allow=[], extra=[FakePlugin("stock", error_codes=range(9100, 9120), codes=(StockCodes,))]
    )
    stock = plugins.get("stock")
    assert stock.manifest.error_ranges == (range(9100, 9120),)
    assert stock.error_codes == [StockCodes]


def test_the_built_in_plugins_keep_their_error_codes_and_numbers():
    """The codes that moved from the core into their plugins kept every number."""
    plugins = load_plugins(allow=["subjects", "ecrf", "epro"])
    numbers = {
        code.name: code.value
        for plugin in plugins.plugins.values()
        for codes in plugin.error_codes
        for code in codes
    }
    assert numbers == {
        "SUBJECT_PARTICIPATION_ENDED": 7020,
        "ECRF_DESIGN_INVALID": 7000,
        "ECRF_CHANGE_REFUSED": 7001,
        "ECRF_LOCKED": 7002,
        "ECRF_SECTION_INSTANCED": 7015,
        "EPRO_QUESTIONNAIRE_INVALID": 8000,
        "EPRO_LINK_INVALID": 8001,
        "EPRO_LINK_EXPIRED": 8002,
        "EPRO_TOO_MANY_ATTEMPTS": 8003,
        "EPRO_ALREADY_SUBMITTED": 8004,
        "EPRO_ANSWERS_INCOMPLETE": 8005,
        "EPRO_OCCURRENCE_CLOSED": 8006,
        "EPRO_CHANGE_REFUSED": 8007,
        "QUESTIONNAIRE_HAS_ANSWERS": 1040,
    }


@pytest.mark.parametrize(
    ("plugins", "message"),
    [
        (
            [FakePlugin("stock", error_codes=range(5990, 6010))],
            "plugin 'stock': error codes 5990-6009 overlap 1041-6999 of the core",
        ),
        (
            [FakePlugin("stock", error_codes=(range(9100, 9120), range(7003, 7004)))],
            "plugin 'stock': error codes 7003-7003 overlap 7003-7003 of the core",
        ),
        (
            [
                FakePlugin("stock", error_codes=range(9100, 9120)),
                FakePlugin("store", error_codes=range(9110, 9130)),
            ],
            "plugin 'store': error codes 9110-9129 overlap 9100-9119 of plugin 'stock'",
        ),
        (
            [FakePlugin("stock", error_codes=range(9100, 9120), codes=(StockCodes, StrayCodes))],
            "plugin 'stock': error code STOCK_LOST = 9120 is outside its declared error_codes"
            " (9100-9119)",
        ),
        (
            [FakePlugin("stock", codes=(StockCodes,))],
            "error code STOCK_EMPTY = 9100 is outside its declared error_codes (none)",
        ),
        (
            [FakePlugin("stock", error_codes=range(9100, 9120), codes=(StockCodes, TwinCodes))],
            "plugin 'stock': error code 9101 is both STOCK_RESERVED and STOCK_TWIN",
        ),
        (
            [FakePlugin("stock", error_codes=range(9100, 9120), codes=({"STOCK_EMPTY": 9100},))],
            "error codes {'STOCK_EMPTY': 9100} are not an IntEnum class",
        ),
        (
            [FakePlugin("stock", error_codes=range(9100, 9120, 2))],
            "error_codes range(9100, 9120, 2) is not a non-empty range of step 1",
        ),
        (
            [FakePlugin("stock", error_codes=range(9100, 9100))],
            "error_codes range(9100, 9100) is not a non-empty range of step 1",
        ),
    ],
    ids=[
        "core-overlap",
        "core-code-amid-a-plugin-range",
        "plugin-overlap",
        "code-outside",
        "no-range",
        "number-twice",
        "not-an-enum",
        "stepped-range",
        "empty-range",
    ],
)
def test_error_codes_out_of_their_ranges_stop_start_up(plugins, message):
    with pytest.raises(PluginError, match=re.escape(message)):
        load_plugins(allow=[], extra=plugins)


def test_a_range_overlapping_a_built_in_plugins_stops_the_app(_test_database):
    with pytest.raises(
        PluginError,
        match=re.escape("plugin 'epro': error codes 8000-8019 overlap 8010-8029 of plugin 'kits'"),
    ):
        create_app(
            settings_for_tests(database_url=_test_database, plugins=("subjects", "epro")),
            extra_plugins=[FakePlugin("kits", error_codes=range(8010, 8030))],
        )
