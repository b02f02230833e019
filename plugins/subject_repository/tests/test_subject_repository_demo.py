"""The demo panel: profile questions and three volunteers, added once."""

from __future__ import annotations

from plugins.subject_repository import demo
from plugins.subject_repository.tests.conftest import Panel
from plugins.subject_repository.tests.support import BASE, VOLUNTEERS, count, ok


def test_the_demo_panel_is_added_once(panel: Panel):
    for _ in range(2):
        with panel.inside():
            demo.add_demo_panel(None)  # type: ignore[arg-type]  # the panel needs no study
    assert ok(panel.manager.get(f"{BASE}/profile-form"))["revision"] == 1
    volunteers = [
        ok(panel.manager.get(f"{VOLUNTEERS}{v['uuid']}")) for v in ok(panel.manager.get(VOLUNTEERS))
    ]
    assert sorted(v["profile"]["skin_type"] for v in volunteers) == ["combination", "dry", "oily"]
    assert count(panel.manager, {"contact": True}) == 3
