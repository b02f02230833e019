"""Fixtures of the side_by_side tests: a split-body study ready to design (support.py)."""

from __future__ import annotations

import pytest

from plugins.side_by_side.tests.support import Split, make_split


@pytest.fixture
def split(join_study, enable_plugins, client_as, make_study, tenant) -> Split:
    enable_plugins(tenant, "side_by_side", "monitoring")
    return make_split(client_as, make_study, join_study, tenant)
