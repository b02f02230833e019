"""Events of the tenant, a study and its centers: seen by the people concerned, written
by those allowed, audited; bad input refused; another tenant sees nothing; demo data."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import AuditRecord, Study, db, tenant_context
from plugins.event_calendar.demo import add_demo_events
from plugins.event_calendar.tests.conftest import Team

EVENTS = "/api/events/"


def _event(title: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "monitoring_visit",
        "title": title,
        "starts_at": "2030-03-20T14:00:00",
        "ends_at": "2030-03-20T17:00:00",
        **fields,
    }


def test_events_are_seen_by_the_people_concerned(team: Team):
    holiday: Any = team.admin.post(
        f"{EVENTS}tenant/",
        json=_event("Whit Monday", kind="holiday", all_day=True, starts_at="2030-06-10T00:00"),
    )
    assert holiday.status_code == 201, holiday.json
    # Whole days in Paris: from midnight (UTC+2) to the next midnight.
    assert (holiday.json["starts_at"], holiday.json["ends_at"]) == (
        "2030-06-09T22:00:00+00:00",
        "2030-06-10T22:00:00+00:00",
    )
    for title, center in (("Lock", None), ("Paris visit", "PAR"), ("Lyon visit", "LYO")):
        added: Any = team.manager.post(
            EVENTS,
            json=_event(title, center=team.centers[center] if center else None),
            headers=team.headers,
        )
        assert added.status_code == 201, added.json
    seen: Any = team.investigator.get(EVENTS, headers=team.headers)
    assert sorted(e["title"] for e in seen.json) == ["Lock", "Paris visit", "Whit Monday"]
    lyon: Any = team.lyon_investigator.get(EVENTS, headers=team.headers)
    assert sorted(e["title"] for e in lyon.json) == ["Lock", "Lyon visit", "Whit Monday"]
    paris_only = next(e for e in seen.json if e["title"] == "Paris visit")
    hidden: Any = team.lyon_investigator.get(f"{EVENTS}{paris_only['uuid']}", headers=team.headers)
    assert hidden.status_code == 404
    tenant_wide: Any = team.investigator.get(f"{EVENTS}tenant/")
    assert [e["title"] for e in tenant_wide.json] == ["Whit Monday"]


def test_who_may_write_events_and_every_write_is_audited(app, tenant, team: Team):
    refused: Any = team.investigator.post(EVENTS, json=_event("Mine"), headers=team.headers)
    assert refused.status_code == 403
    assert team.manager.post(f"{EVENTS}tenant/", json=_event("Party")).status_code == 403
    added: Any = team.manager.post(EVENTS, json=_event("Visit"), headers=team.headers)
    url = f"{EVENTS}{added.json['uuid']}"
    moved: Any = team.manager.patch(
        url,
        json={"starts_at": "2030-03-21T14:00:00", "ends_at": "2030-03-21T15:00:00"},
        headers=team.headers,
    )
    assert moved.json["starts_at"] == "2030-03-21T13:00:00+00:00"
    assert team.manager.delete(url, headers=team.headers).status_code == 204
    assert team.manager.get(url, headers=team.headers).status_code == 404
    with app.app_context(), tenant_context(tenant):
        actions = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.study_id)
            .where(AuditRecord.object_type == "event_calendar_events")
            .order_by(AuditRecord.sequence)
        ).all()
    assert [action for action, _ in actions] == ["create", "update", "delete"]
    assert {study for _, study in actions} == {team.headers["Study-Uuid"]}


def test_bad_events_are_refused_and_nothing_is_written(team: Team):
    for body in (
        _event("Backwards", ends_at="2030-03-20T13:00:00"),
        _event("No kind", kind="party"),
        _event(""),
        _event("Center", center="5b3c4f1e-0000-4000-8000-000000000000"),
    ):
        refused: Any = team.manager.post(EVENTS, json=body, headers=team.headers)
        assert refused.status_code in (404, 422), refused.json
    assert team.manager.get(EVENTS, headers=team.headers).json == []


def test_another_tenant_sees_nothing(team: Team, other_tenant, client_as, enable_plugins):
    team.admin.post(f"{EVENTS}tenant/", json=_event("Ours", kind="holiday"))
    added: Any = team.manager.post(EVENTS, json=_event("Study"), headers=team.headers)
    enable_plugins(other_tenant, "event_calendar")
    stranger = client_as(other_tenant)
    assert stranger.get(f"{EVENTS}tenant/").json == []
    answer: Any = stranger.get(f"{EVENTS}{added.json['uuid']}", headers=team.headers)
    assert answer.status_code in (403, 404)


def test_the_demo_events_are_added_once(app, tenant, team: Team):
    for _ in range(2):
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(team.headers["Study-Uuid"]))
            ).scalar_one()
            add_demo_events(study)
    events: Any = team.manager.get(EVENTS, headers=team.headers)
    assert sorted(e["kind"] for e in events.json) == ["database_lock", "holiday", "site_initiation"]


def test_times_beyond_the_calendar_are_refused_not_failed(team: Team):
    for fields in (
        {"all_day": True, "starts_at": "9999-12-31T00:00", "ends_at": "9999-12-31T00:00"},
        {"starts_at": "0001-01-01T00:00:00", "ends_at": "0001-01-01T02:00:00"},
    ):
        refused: Any = team.manager.post(EVENTS, json=_event("Far", **fields), headers=team.headers)
        assert refused.status_code == 422, (fields, refused.json)
    listed: Any = team.manager.get(f"{EVENTS}?ends_after=0001-01-01T00:00:00", headers=team.headers)
    assert listed.status_code == 422, listed.json
    assert team.manager.get(EVENTS, headers=team.headers).json == []
