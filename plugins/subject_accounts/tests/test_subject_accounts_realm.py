"""The volunteers' realm is apart from staff's: a volunteer's token opens no staff
endpoint (every one walked), a staff token opens no volunteer endpoint, another tenant's
tokens and links open nothing, and a volunteer reaches only their own data."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import plugin_set, unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.subject_accounts.demo import add_demo_links
from plugins.subject_accounts.routes import OwnView
from plugins.subject_accounts.tests.conftest import PREFIX, Panel

# A diary of the day of inclusion, in the volunteer's language.
DIARY = {
    "code": "DIARY",
    "title": {"en": "Diary", "fr": "Journal"},
    "blocks": [{"kind": "question", "code": "pain", "type": "yes_no", "required": True}],
    "channels": ["email"],
    "schedule": {"days": [0], "send_time": "23:59", "window_hours": 24, "available_hours": 48},
    "reminders": {"every_hours": 6, "max": 1, "quiet_start": "21:00", "quiet_end": "08:00"},
}
# The operator endpoint that needs no token (logging in).
OPERATOR_LOGIN = "operator.OperatorLogin"


def _path(rule: str) -> str:
    """The rule with each argument filled: a uuid, or a word."""
    return re.sub(
        r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
        lambda m: (
            str(uuid.uuid4()) if m.group(1) == "uuid" else ("1" if m.group(1) == "int" else "x")
        ),
        rule,
    )


def _routes(app) -> list[tuple[str, str, Any, str]]:
    """Every API route and method, with its view class."""
    found = []
    for rule in app.url_map.iter_rules():
        view = getattr(app.view_functions[rule.endpoint], "view_class", None)
        if not rule.rule.startswith("/api/") or view is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, method, view, rule.endpoint))
    return found


def test_a_volunteer_token_opens_no_staff_endpoint_and_a_staff_token_no_volunteer_one(
    app, panel: Panel, enable_plugins, make_study
):
    with app.app_context():
        every_plugin = list(plugin_set().plugins)
    enable_plugins(panel.tenant, *every_plugin)  # no staff route answers 404 for its module
    # Eve is a subject of a study with a diary before she signs up to the panel.
    study = make_study(panel.manager, "PAR", reference="DIARY-1")
    subject: Any = panel.manager.post(
        "/api/subjects/",
        json={"center": study.centers["PAR"], "personal_data": {"email": "eve@example.org"}},
        headers=study.headers,
    )
    assert subject.status_code == 201, subject.json
    diary = panel.manager.post("/api/epro/questionnaires/", json=DIARY, headers=study.headers)
    assert diary.status_code == 201, diary.json
    included = panel.manager.patch(
        f"/api/subjects/{subject.json['uuid']}",
        json={"status": "included", "inclusion_date": dt.date.today().isoformat()},
        headers=study.headers,
    )
    assert included.status_code == 200, included.json
    volunteer = panel.volunteer("eve@example.org")
    other = panel.volunteer("fred@example.org")
    assert volunteer.get(f"{PREFIX}/me").status_code == 200
    staff_routes, own_routes = 0, 0
    for rule, method, view, endpoint in _routes(app):
        path = _path(rule)
        if issubclass(view, OwnView):
            own_routes += 1
            answer = panel.manager.open(path, method=method, json={})
            assert answer.status_code == 401, (method, rule, answer.status_code)
            continue
        if getattr(view, "PUBLIC", False) or endpoint == OPERATOR_LOGIN:
            continue  # no credential, or one of its own (a link's token)
        staff_routes += 1
        answer = volunteer.open(
            path, method=method, json={}, headers={"Study-Uuid": str(uuid.uuid4())}
        )
        assert answer.status_code == 401, (method, rule, answer.status_code, answer.json)
    assert staff_routes > 300 and own_routes >= 10
    # The volunteer's own questionnaires and appointments, never another's.
    diaries: Any = volunteer.get(f"{PREFIX}/me/questionnaires")
    assert [(d["title"], d["status"]) for d in diaries.json] == [("Journal", "scheduled")]
    assert other.get(f"{PREFIX}/me/questionnaires").json == []
    assert volunteer.get(f"{PREFIX}/me/appointments").json == []
    assert volunteer.get(f"{PREFIX}/me/payments").json == []


def test_another_tenants_tokens_and_links_open_nothing(make_panel, tenant, other_tenant):
    ours, theirs = make_panel(tenant), make_panel(other_tenant)
    volunteer = ours.volunteer("fay@example.org")
    elsewhere = theirs.browser()
    elsewhere.token = volunteer.token
    refused = elsewhere.get(f"{PREFIX}/me")
    assert refused.status_code == 401
    body = {
        "token": ours.link_token,
        "first_name": "Fay",
        "last_name": "Roy",
        "email": "fay@example.org",
    }
    assert theirs.browser().post(f"{PREFIX}/register", json=body).status_code == 401
    assert theirs.emails("fay@example.org") == []
    # Their staff see none of our links.
    link = ours.link["uuid"]
    assert theirs.manager.get(f"{PREFIX}/registration-links/{link}").status_code == 404
    listed: Any = theirs.manager.get(f"{PREFIX}/registration-links/")
    assert [x["uuid"] for x in listed.json] == [theirs.link["uuid"]]
    # Without their modules, questionnaires, appointments and payments are not offered.
    for module in ("questionnaires", "appointments", "payments"):
        missing: Any = volunteer.get(f"{PREFIX}/me/{module}")
        assert missing.status_code == 404, module
        assert missing.json["error"]["internal_name"] == "SUBJECT_ACCOUNTS_MODULE_UNAVAILABLE"


def test_staff_permissions_on_registration_links(panel: Panel, client_as):
    viewer = client_as(panel.tenant, "viewer")
    assert viewer.get(f"{PREFIX}/registration-links/").status_code == 403
    assert viewer.post(f"{PREFIX}/registration-links/", json={"name": "x"}).status_code == 403
    unknown = panel.manager.post(
        f"{PREFIX}/registration-links/", json={"name": "x", "study": str(uuid.uuid4())}
    )
    assert unknown.status_code == 404
    for bad in ({}, {"name": ""}, {"name": "x" * 201}, {"name": "x", "expires_at": "2020-13-01"}):
        assert panel.manager.post(f"{PREFIX}/registration-links/", json=bad).status_code == 422, bad
    listed: Any = panel.manager.get(f"{PREFIX}/registration-links/")
    assert len(listed.json) == 1


def test_the_demo_links_are_added_once_and_open(app, panel: Panel, make_study):
    study = make_study(panel.manager, "PAR", reference="DEMO-1")
    for _ in range(2):
        with app.app_context(), tenant_context(panel.tenant), unit_of_work():
            add_demo_links(
                db.session.execute(
                    sa.select(Study).where(Study.uuid == uuid.UUID(study.uuid))
                ).scalar_one()
            )
    listed: Any = panel.manager.get(f"{PREFIX}/registration-links/")
    assert sorted((link["name"], link["study"]) for link in listed.json) == [
        ("Campaign DEMO-1", study.uuid),
        ("Panel", None),
    ]
    campaign = next(link for link in listed.json if link["study"])
    panel.link = campaign
    assert panel.register("jo@example.org").status_code == 202
