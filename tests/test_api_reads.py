"""Single reads a frontend needs: a study member, an invitation; when a login expires."""

from __future__ import annotations

import datetime as dt


def test_a_study_member_is_read_alone(client_as, tenant, make_study, join_study):
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO")
    paris = join_study(study.headers, tenant, "investigator", [study.centers["PAR"]])
    lyon = join_study(study.headers, tenant, "investigator", [study.centers["LYO"]])
    team = manager.get("/api/study-users/?page_size=100", headers=study.headers).json
    lyon_member = next(m for m in team if m["email"] == lyon.user.email)
    one = manager.get(f"/api/study-users/{lyon_member['uuid']}", headers=study.headers)
    assert one.status_code == 200 and one.json == lyon_member
    # As the list: a member limited to Paris does not see Lyon's.
    hidden = paris.get(f"/api/study-users/{lyon_member['uuid']}", headers=study.headers)
    assert hidden.status_code == 404


def test_an_invitation_is_read_alone(client_as, tenant):
    admin = client_as(tenant)
    created = admin.post(
        "/api/invitations/", json={"email": "new@example.org", "platform_role": "investigator"}
    )
    assert created.status_code == 201, created.json
    one = admin.get(f"/api/invitations/{created.json['uuid']}")
    assert one.status_code == 200 and one.json == created.json
    assert (
        client_as(tenant, "investigator")
        .get(f"/api/invitations/{created.json['uuid']}")
        .status_code
        == 403
    )


def test_the_login_answer_says_when_the_token_expires(client_as, tenant, user_factory, api_client):
    client_as(tenant).patch(
        "/api/tenant/settings", json={"session_lifetime_hours": 8, "session_idle_minutes": 20}
    )
    user = user_factory(tenant)
    before = dt.datetime.now(dt.UTC)
    answer = api_client.post(
        "/api/auth/login", json={"email": user.email, "password": user.password}
    )
    assert answer.status_code == 200
    expires_at = dt.datetime.fromisoformat(answer.json["expires_at"])
    assert before + dt.timedelta(hours=8) <= expires_at <= before + dt.timedelta(hours=8, minutes=1)
    assert answer.json["idle_timeout_minutes"] == 20
