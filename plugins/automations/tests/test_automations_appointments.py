"""A rule asks the calendar for an appointment: once per event, in the rule's name, and
not where the tenant has no calendar."""

from __future__ import annotations

from typing import Any

from plugins.automations.tests.support import RULES, Site

BOOK_VISIT_2 = {
    "name": "Book visit 2",
    "trigger": {"kind": "section_completed", "section": None},
    "actions": [{"kind": "request_appointment", "reason": "Visit 2 in four weeks"}],
}


def test_a_completed_visit_requests_an_appointment_once(calendar_site: Site) -> None:
    site = calendar_site
    site.rule(
        {
            **BOOK_VISIT_2,
            "trigger": {"kind": "section_completed", "section": site.sections["Visit 1"]},
        }
    )
    subject = site.subject()
    site.answer(subject, "Visit 1", {"visit1_done": True})
    site.answer(subject, "Visit 1", {"visit1_done": False})
    (run,) = site.runs()
    assert run["status"] == "done"
    listed: Any = site.manager.get("/api/calendar/requests/", headers=site.headers)
    assert listed.status_code == 200, listed.json
    (request,) = listed.json
    assert request["subject"] == subject and request["reason"] == "Visit 2 in four weeks"
    assert request["requested_by"] == "Automation: Book visit 2"
    assert run["outcome"][0]["request"] == request["uuid"]


def test_without_the_calendar_the_action_is_refused(site: Site) -> None:
    refused: Any = site.manager.post(RULES, json=BOOK_VISIT_2, headers=site.headers)
    assert refused.status_code == 422
    assert refused.json["error"]["details"]["plugin"] == "calendar_app"
