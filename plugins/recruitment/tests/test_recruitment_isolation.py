"""Another tenant's host opens nothing of this one: not its pages, nor its applicants'
links; a tenant without the module answers 404; links that open nothing are counted."""

from __future__ import annotations

from typing import Any

from plugins.recruitment.tests.support import PUBLIC, Trial, error, person

FAILURE_LIMIT = 10  # the default of DATACAPT_EPRO_TOKEN_FAILURE_LIMIT, per 15 minutes


def test_another_tenants_page_and_tokens_open_nothing(
    trial: Trial, client_for, other_tenant, enable_plugins
):
    trial.staff("patch", f"/studies/{trial.recruitment}", published=True)
    token = trial.applied(1)["token"]
    elsewhere = client_for(other_tenant)
    page = f"{PUBLIC}/studies/{trial.recruitment}"
    assert error(elsewhere.get(page)) == (404, "MODULE_NOT_ENABLED")
    enable_plugins(other_tenant, "recruitment")
    assert error(elsewhere.get(page)) == (404, "OBJECT_NOT_FOUND")
    applied = elsewhere.post(
        f"{page}/applications",
        json={"applicant": person(9), "answers": {"smoker": False, "age": 30}},
    )
    assert error(applied) == (404, "OBJECT_NOT_FOUND")
    for url in (f"{PUBLIC}/application", f"{PUBLIC}/invitation"):
        header = "Application-Token" if url.endswith("application") else "Invitation-Token"
        assert error(elsewhere.get(url, headers={header: token})) == (
            401,
            "RECRUITMENT_LINK_INVALID",
        )
    mine: Any = trial.public.get(f"{PUBLIC}/application", headers={"Application-Token": token})
    assert mine.status_code == 200 and mine.json["status"] == "pre_screened"


def test_guessed_links_are_rate_limited_and_a_real_one_still_opens(trial: Trial):
    trial.staff("patch", f"/studies/{trial.recruitment}", published=True)
    token = trial.applied(1)["token"]
    url = f"{PUBLIC}/application"
    for attempt in range(FAILURE_LIMIT):
        guessed = trial.public.get(url, headers={"Application-Token": f"guess-{attempt}"})
        assert error(guessed) == (401, "RECRUITMENT_LINK_INVALID")
    assert error(trial.public.get(url, headers={"Application-Token": "again"})) == (
        429,
        "RECRUITMENT_TOO_MANY_ATTEMPTS",
    )
    assert trial.public.get(url, headers={"Application-Token": token}).status_code == 200
