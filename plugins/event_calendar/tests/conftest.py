"""Fixtures of the event calendar tests: a study at Paris and Lyon with its team."""

from __future__ import annotations

import dataclasses

import pytest

from datacapt.testing import TenantClient


@dataclasses.dataclass
class Team:
    headers: dict[str, str]
    centers: dict[str, str]
    admin: TenantClient
    manager: TenantClient
    investigator: TenantClient  # at PAR
    lyon_investigator: TenantClient  # at LYO only


@pytest.fixture
def team(enable_plugins, client_as, make_study, join_study, tenant) -> Team:
    enable_plugins(tenant, "event_calendar")
    admin = client_as(tenant)
    admin.patch("/api/tenant/settings", json={"time_zone": "Europe/Paris"})
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="EVT-1")
    return Team(
        headers=study.headers,
        centers=study.centers,
        admin=admin,
        manager=manager,
        investigator=join_study(study.headers, tenant, "investigator", [study.centers["PAR"]]),
        lyon_investigator=join_study(study.headers, tenant, "investigator", [study.centers["LYO"]]),
    )
