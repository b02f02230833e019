"""The one-time code that checks a remote subject's identity: wrong, expired, used up and
rate-limited; links that open nothing, including another tenant's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from plugins.econsent.tests.support import PUBLIC, TOKEN, Trial


def _check(trial: Trial, token: str, code: str) -> Any:
    return trial.public.post(f"{PUBLIC}/identity", json={"code": code}, headers={TOKEN: token})


def test_a_wrong_or_expired_code_is_refused_and_codes_are_limited(trial: Trial):
    trial.create_document()
    address = "code@example.org"
    trial.asked(trial.subject(email=address))
    token = trial.token(address)
    never: Any = _check(trial, token, "123456")
    assert never.status_code == 422 and never.json["error"]["details"]["reason"] == "none"
    sent: Any = trial.public.post(f"{PUBLIC}/code", json={}, headers={TOKEN: token})
    assert sent.status_code == 200, sent.json
    code = trial.code(address)
    # The record of the message never holds the code.
    wrong_code = "000000" if code != "000000" else "111111"
    wrong: Any = _check(trial, token, wrong_code)
    assert wrong.status_code == 422, wrong.json
    assert wrong.json["error"]["internal_name"] == "CONSENT_CODE_INVALID"
    assert wrong.json["error"]["details"]["attempts_left"] == 4
    for _ in range(4):
        _check(trial, token, wrong_code)
    used_up: Any = _check(trial, token, code)  # five wrong tries ended it
    assert used_up.status_code == 422 and used_up.json["error"]["details"]["reason"] == "none"

    trial.public.post(f"{PUBLIC}/code", json={}, headers={TOKEN: token})
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)
    with time_machine.travel(later, tick=False):
        expired: Any = _check(trial, token, trial.code(address))
    assert expired.status_code == 422 and expired.json["error"]["details"]["reason"] == "expired"

    trial.public.post(f"{PUBLIC}/code", json={}, headers={TOKEN: token})
    assert _check(trial, token, trial.code(address)).json["identity_needed"] is False
    # Codes asked for are limited per consent (5 an hour): the sixth is refused.
    for _ in range(2):
        trial.public.post(f"{PUBLIC}/code", json={}, headers={TOKEN: token})
    limited: Any = trial.public.post(f"{PUBLIC}/code", json={}, headers={TOKEN: token})
    assert limited.status_code == 429, limited.json
    assert limited.json["error"]["internal_name"] == "CONSENT_TOO_MANY_ATTEMPTS"


def test_a_link_opens_nothing_in_another_tenant_and_bad_links_are_limited(
    trial: Trial, other_tenant, client_for, enable_plugins
):
    trial.create_document()
    address = "tenant@example.org"
    trial.asked(trial.subject(email=address))
    token = trial.token(address)
    enable_plugins(other_tenant, "econsent")
    elsewhere = client_for(other_tenant)
    refused: Any = elsewhere.get(PUBLIC, headers={TOKEN: token})
    assert refused.status_code == 401, refused.json
    assert refused.json["error"]["internal_name"] == "CONSENT_LINK_INVALID"
    assert trial.public.get(PUBLIC, headers={TOKEN: token}).status_code == 200
    assert trial.public.get(PUBLIC).status_code == 401  # no token at all
    for _ in range(8):
        elsewhere.get(PUBLIC, headers={TOKEN: "guess"})
    limited: Any = elsewhere.get(PUBLIC, headers={TOKEN: "guess"})
    assert limited.status_code == 429, limited.json
    # A valid link still opens from that address (a site's subjects share its network).
    assert trial.public.get(PUBLIC, headers={TOKEN: token}).status_code == 200


def test_where_the_study_asks_staff_attest_the_identity_with_their_password(trial: Trial):
    changed: Any = trial.manager.patch(
        "/api/plugins/econsent/study-settings",
        json={"staff_attestation": True},
        headers=trial.headers,
    )
    assert changed.status_code == 200, changed.json
    trial.create_document()
    consent = trial.asked(trial.subject(), "in_person")
    url = f"/api/econsent/consents/{consent['uuid']}"
    link: Any = trial.investigator.post(f"{url}/link", headers=trial.headers)
    token = {TOKEN: link.json["token"]}
    opened: Any = trial.public.get(PUBLIC, headers=token)
    assert opened.json["identity_needed"] is True
    wrong: Any = trial.investigator.post(
        f"{url}/attestation", json={"password": "wrong"}, headers=trial.headers
    )
    assert wrong.status_code == 422
    still: Any = trial.public.get(PUBLIC, headers=token)
    assert still.json["identity_needed"] is True
    attested: Any = trial.investigator.post(
        f"{url}/attestation",
        json={"password": trial.investigator.user.password},
        headers=trial.headers,
    )
    assert attested.status_code == 200 and attested.json["identity_check"] == "staff_attestation"
    checked: Any = trial.public.get(PUBLIC, headers=token)
    assert checked.json["identity_needed"] is False
