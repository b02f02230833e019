"""The demo study's targets: added once, twelve subjects per center and their sum for the
study, drawn on the enrollment dashboard."""

from __future__ import annotations

from typing import Any

from plugins.analytics.demo import add_demo_targets
from plugins.analytics.tests.support import Trial


def test_the_demo_targets_are_added_once_and_drawn(trial: Trial):
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with trial.in_tenant() as study:
            add_demo_targets(study)
    targets: Any = trial.manager.get("/api/analytics/targets/", headers=trial.headers)
    assert targets.status_code == 200, targets.json
    assert [(t["center_code"], t["subjects"]) for t in targets.json] == [
        (None, 24),
        ("LYO", 12),
        ("PAR", 12),
    ]
    figures: Any = trial.get("enrollment")
    assert figures.status_code == 200, figures.json
    assert [c["target"] for c in figures.json["centers"]] == [12, 12]
    assert figures.json["study"]["target"] == 24
