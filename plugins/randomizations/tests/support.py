"""A randomized trial shared by the randomization tests: a study at Paris and Lyon with an
eCRF asking sex, smoking and age, its team (a study manager who designs and approves,
investigators at each center, a monitor, an unblinded statistician of a custom role) and
helpers to add included subjects with their answers and to put a design live."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from flask import Flask

from datacapt.testing import TenantClient, emails_to
from datacapt.toolkit import TenantRef, tenant_context

STATISTICIAN = "unblinded_statistician"
STATISTICIAN_PERMISSIONS = [
    "randomizations.access",
    "randomizations.design",
    "randomizations.view_arms",
    "randomizations.manage_keys",
    "audit_trails.access",
]
BASE = "/api/randomizations"
DESIGNS = f"{BASE}/designs/"

ECRF = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {
                    "title": {"en": "Base"},
                    "blocks": [
                        {
                            "kind": "question",
                            "code": code,
                            "type": kind,
                            "label": {"en": code},
                            "options": options,
                        }
                        for code, kind, options in (
                            ("sex", "single_choice", {"choices": [{"value": "F"}, {"value": "M"}]}),
                            ("smoker", "yes_no", {}),
                            ("age", "integer", {"min": 18, "max": 120}),
                        )
                    ],
                }
            ],
        }
    ]
}

ARMS = [
    {"code": "ZORBLAX", "name": "Zorblax 10 mg", "ratio": 1},
    {"code": "QUIMBLE", "name": "Quimble placebo", "ratio": 1},
]
ARM_TEXTS = ("ZORBLAX", "QUIMBLE", "Zorblax 10 mg", "Quimble placebo")
CENTER = {"code": "center", "source": "center"}
SEX = {"code": "sex", "source": "question", "question": "sex"}
SMOKER = {"code": "smoker", "source": "question", "question": "smoker"}
AGE = {
    "code": "age",
    "source": "question",
    "question": "age",
    "ranges": [{"code": "under65", "max": 65}, {"code": "over65", "min": 65}],
}


def blocks(factors: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, Any]:
    """A permuted-block config: 1:1, blocks of 2 or 4, 20 slots per stratum."""
    return {
        "arms": ARMS,
        "factors": [CENTER, SEX] if factors is None else factors,
        "block_sizes": [2, 4],
        "capacity": 20,
        "warning_threshold": 3,
        **changes,
    }


def minimization(**settings: Any) -> dict[str, Any]:
    return {
        "arms": ARMS,
        "factors": [CENTER, SEX, AGE],
        "minimization": {"distance": "range", "probability": 0.8, "random_first": 2, **settings},
    }


@dataclasses.dataclass
class Trial:
    headers: dict[str, str]
    centers: dict[str, str]
    section: str
    manager: TenantClient
    investigator: TenantClient  # at PAR
    lyon_investigator: TenantClient  # at LYO only
    monitor: TenantClient
    statistician: TenantClient  # unblinded

    def subject(
        self,
        center: str = "PAR",
        answers: dict[str, Any] | None = None,
        include: bool = True,
    ) -> str:
        """A subject at ``center`` with these screening answers, included unless not."""
        client = self.investigator if center == "PAR" else self.lyon_investigator
        added: Any = client.post(
            "/api/subjects/", json={"center": self.centers[center]}, headers=self.headers
        )
        assert added.status_code == 201, added.json
        subject = added.json["uuid"]
        answers = {"sex": "F", "smoker": False, "age": 40} if answers is None else answers
        if answers:
            url = f"/api/ecrf/subjects/{subject}/sections/{self.section}"
            etag = client.get(url, headers=self.headers).headers["ETag"]
            saved: Any = client.put(
                url, json={"answers": answers}, headers={**self.headers, "If-Match": etag}
            )
            assert saved.status_code == 200, saved.json
        if include:
            included: Any = client.patch(
                f"/api/subjects/{subject}",
                json={"status": "included", "inclusion_date": dt.date.today().isoformat()},
                headers=self.headers,
            )
            assert included.status_code == 200, included.json
        return subject

    def create(
        self, config: dict[str, Any], method: str = "blocks", code: str = "MAIN", **fields: Any
    ) -> Any:
        return self.manager.post(
            DESIGNS,
            json={"code": code, "name": code, "method": method, "config": config, **fields},
            headers=self.headers,
        )

    def version_url(self, design: str, number: int = 1) -> str:
        return f"{DESIGNS}{design}/versions/{number}"

    def simulate(self, design: str, number: int = 1, trials: int = 20, subjects: int = 40) -> Any:
        """A simulation with a fixed seed, so that what it finds is the same every run."""
        return self.manager.post(
            f"{self.version_url(design, number)}/simulations/",
            json={"trials": trials, "subjects": subjects, "seed": "0a" * 32},
            headers=self.headers,
        )

    def approve(self, design: str, number: int = 1, password: str | None = None) -> Any:
        return self.manager.post(
            f"{self.version_url(design, number)}/approve",
            json={"password": password or self.manager.user.password},
            headers=self.headers,
        )

    def go_live(self, design: str, number: int = 1) -> Any:
        return self.manager.post(
            f"{self.version_url(design, number)}/go-live", headers=self.headers
        )

    def release(self, design: str, number: int = 1) -> None:
        """Simulate, approve and put live a version."""
        for step in (self.simulate(design, number), self.approve(design, number)):
            assert step.status_code in (200, 201), step.json
        live = self.go_live(design, number)
        assert live.status_code == 200, live.json

    def live_design(self, config: dict[str, Any], method: str = "blocks", **fields: Any) -> str:
        """A design simulated, approved and live: its uuid."""
        created = self.create(config, method, **fields)
        assert created.status_code == 201, created.json
        self.release(created.json["uuid"])
        return created.json["uuid"]

    def verification(self, design: str, environment: str = "production") -> Any:
        """The list regenerated and compared, as the unblinded statistician asks for it."""
        checked: Any = self.statistician.get(
            f"{DESIGNS}{design}/verification",
            query_string={"environment": environment},
            headers=self.headers,
        )
        assert checked.status_code == 200, checked.json
        return checked.json

    def randomize(
        self,
        subject: str,
        design: str,
        environment: str = "production",
        client: TenantClient | None = None,
    ) -> Any:
        return (client or self.investigator).post(
            f"{BASE}/subjects/{subject}/randomize",
            json={"design": design, "environment": environment},
            headers=self.headers,
        )

    def strata(self, design: str, client: TenantClient | None = None, **query: str) -> Any:
        return (client or self.manager).get(
            f"{DESIGNS}{design}/strata",
            query_string={"page_size": 100, **query},
            headers=self.headers,
        )


def mail_bodies(app: Flask, tenant: TenantRef, address: str) -> list[str]:
    """The text of each email recorded to ``address``, oldest first."""
    with app.app_context(), tenant_context(tenant):
        return [mail.body for mail in emails_to(address)]


def make_trial(client_as, make_study, join_study, tenant) -> Trial:
    admin = client_as(tenant)
    role = admin.post(
        "/api/roles/", json={"name": STATISTICIAN, "permissions": STATISTICIAN_PERMISSIONS}
    )
    assert role.status_code == 201, role.json
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="RANDOMIZED")
    headers = study.headers
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    design: Any = manager.put("/api/ecrf/", json=ECRF, headers={**headers, "If-Match": etag})
    assert design.status_code == 200, design.json
    return Trial(
        headers=headers,
        centers=study.centers,
        section=design.json["sections"][0]["uuid"],
        manager=manager,
        investigator=join_study(headers, tenant, "investigator", [study.centers["PAR"]]),
        lyon_investigator=join_study(headers, tenant, "investigator", [study.centers["LYO"]]),
        monitor=join_study(headers, tenant, "monitor"),
        statistician=join_study(headers, tenant, STATISTICIAN),
    )
