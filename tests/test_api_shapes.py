"""One shape per thing, wherever it appears."""

from __future__ import annotations

ROLE_KEYS = {"uuid", "name", "is_default"}


def test_a_role_is_the_same_object_in_users_members_invitations_and_permissions(
    client_as, tenant, make_study
):
    admin = client_as(tenant)
    study = make_study(admin, "PAR")
    roles = {r["name"]: r for r in admin.get("/api/roles/?page_size=100").json}
    expected = {name: {k: role[k] for k in ROLE_KEYS} for name, role in roles.items()}
    me = admin.get("/api/users/me").json
    (member,) = admin.get("/api/study-users/", headers=study.headers).json
    invitation = admin.post(
        "/api/invitations/",
        json={
            "email": "new@example.org",
            "platform_role": "viewer",
            "study": study.uuid,
            "study_role": "monitor",
        },
    ).json
    (mine,) = admin.get("/api/users/me/permissions").json["studies"]
    assert me["platform_role"] == expected["administrator"]
    assert member["role"] == expected["administrator"]  # a creator joins with its own role
    assert invitation["platform_role"] == expected["viewer"]
    assert invitation["study_role"] == expected["monitor"]
    assert mine["role"] == expected["administrator"]
