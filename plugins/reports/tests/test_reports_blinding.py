"""Blinding in casebooks: the arm is printed only for a caller who may see it, and such a
casebook is read only by those who may; everyone else's casebook has no arm."""

from __future__ import annotations

import datetime as dt
from typing import Any

from datacapt.testing import pdf_text
from plugins.reports.tests.support import Trial

DESIGNS = "/api/randomizations/designs/"
ARMS = [
    {"code": "ZORBLAX", "name": "Zorblax 10 mg", "ratio": 1},
    {"code": "QUIMBLE", "name": "Quimble placebo", "ratio": 1},
]
CONFIG = {
    "arms": ARMS,
    "factors": [{"code": "center", "source": "center"}],
    "block_sizes": [2],
    "capacity": 20,
    "warning_threshold": 3,
}


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.json
    return answer.json


def randomized(trial: Trial) -> str:
    """The subject at Paris included and randomized in a live design: its arm's code."""
    ok(
        trial.investigator.patch(
            f"/api/subjects/{trial.subject}",
            json={"status": "included", "inclusion_date": dt.date.today().isoformat()},
            headers=trial.headers,
        )
    )
    design = ok(
        trial.manager.post(
            DESIGNS,
            json={"code": "MAIN", "name": "MAIN", "method": "blocks", "config": CONFIG},
            headers=trial.headers,
        ),
        201,
    )
    version = f"{DESIGNS}{design['uuid']}/versions/1"
    ok(
        trial.manager.post(
            f"{version}/simulations/",
            json={"trials": 5, "subjects": 10, "seed": "0a" * 32},
            headers=trial.headers,
        ),
        201,
    )
    password = {"password": trial.manager.user.password}
    ok(trial.manager.post(f"{version}/approve", json=password, headers=trial.headers))
    ok(trial.manager.post(f"{version}/go-live", headers=trial.headers))
    assignment = ok(
        trial.investigator.post(
            f"/api/randomizations/subjects/{trial.subject}/randomize",
            json={"design": design["uuid"], "environment": "production"},
            headers=trial.headers,
        ),
        201,
    )
    return assignment.get("arm") or ""


def test_only_the_unblinded_see_the_arm_in_a_casebook(
    trial, enable_plugins, tenant, client_as, join_study
):
    enable_plugins(tenant, "randomizations")
    randomized(trial)
    ok(
        client_as(tenant).post(
            "/api/roles/",
            json={
                "name": "unblinded_statistician",
                "permissions": ["reports.access", "reports.casebooks", "randomizations.view_arms"],
            },
        ),
        201,
    )
    statistician = join_study(trial.headers, tenant, "unblinded_statistician")

    unblinded = ok(trial.casebook(statistician), 201)
    assert unblinded["reveals_arm"] is True
    text = pdf_text(trial.download(statistician, unblinded["uuid"]).data)
    assert "ZORBLAX" in text or "QUIMBLE" in text

    blinded = ok(trial.casebook(trial.manager), 201)
    assert blinded["reveals_arm"] is False
    text = pdf_text(trial.download(trial.manager, blinded["uuid"]).data)
    assert "ZORBLAX" not in text and "QUIMBLE" not in text and "Arm" not in text
    refused = trial.download(trial.manager, unblinded["uuid"])
    assert refused.status_code == 403, refused.json
    assert "ZORBLAX" not in refused.get_data(as_text=True)
