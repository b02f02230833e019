"""The core's layers (docs/architecture.md, "Layers"): the import contract holds, and it
breaks on an import that goes up a layer or across independent packages."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from flask import Flask
from importlinter import configuration
from importlinter.application.use_cases import read_user_options
from importlinter.contracts.layers import LayersContract

from datacapt.slots import Slot

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # As lint-imports builds it: every import, function-level ones included.
    return grimp.build_graph("datacapt", exclude_type_checking_imports=True, cache_dir=None)


def _kept(graph: grimp.ImportGraph, *added: tuple[str, str]) -> bool:
    configuration.configure()
    options = read_user_options(str(PYPROJECT))
    (contract_options,) = options.contracts_options
    contract = LayersContract(
        name=contract_options["name"],
        session_options=options.session_options,
        contract_options=contract_options,
    )
    graph = deepcopy(graph)  # the contract removes its ignored imports from the graph
    for importer, imported in added:
        graph.add_import(importer=importer, imported=imported)
    return contract.check(graph, verbose=False).kept


def test_the_core_keeps_its_layers(graph: grimp.ImportGraph) -> None:
    assert _kept(graph)


@pytest.mark.parametrize(
    "importer, imported",
    [
        # An inner layer reaching for the plugin system.
        ("datacapt.jobs.queue", "datacapt.plugins.gating"),
        ("datacapt.permissions.models", "datacapt.plugins.services"),
        ("datacapt.tenancy.cli", "datacapt.plugins.services"),
        # Up one layer, and from the bottom to the top.
        ("datacapt.tenancy.context", "datacapt.identity.models"),
        ("datacapt.errors.exceptions", "datacapt.app"),
        # Across packages of one layer, which are independent.
        ("datacapt.audit.access", "datacapt.files.services"),
    ],
)
def test_an_import_up_or_across_breaks_the_contract(
    graph: grimp.ImportGraph, importer: str, imported: str
) -> None:
    assert not _kept(graph, (importer, imported))


def test_a_slot_nobody_filled_says_so_and_each_app_has_its_own() -> None:
    slot: Slot[str] = Slot("datacapt.test_slot")
    first, second = Flask("first"), Flask("second")
    slot.fill(first, "one")
    with first.app_context():
        assert slot.get() == "one"
    with second.app_context(), pytest.raises(RuntimeError, match=r"datacapt\.test_slot"):
        slot.get()
