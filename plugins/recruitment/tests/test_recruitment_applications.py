"""The public page and applying without a login: pre-screening excludes with the reason
kept, bad input writes nothing, the target fills and then a waiting list; staff move
applications along their statuses, with their permissions, in their study only."""

from __future__ import annotations

from typing import Any

from plugins.recruitment.tests.support import BASE, FORM, PUBLIC, Trial, error, person


def test_the_page_is_public_once_published_and_pre_screening_excludes_with_its_reason(
    trial: Trial,
):
    page_url = f"{PUBLIC}/studies/{trial.recruitment}"
    assert error(trial.public.get(page_url)) == (404, "OBJECT_NOT_FOUND")  # not published
    assert error(trial.apply(1)) == (404, "OBJECT_NOT_FOUND")
    published = trial.staff("patch", f"/studies/{trial.recruitment}", published=True)
    assert published.status_code == 200, published.json

    page: Any = trial.public.get(page_url)
    assert page.status_code == 200, page.json
    assert (page.json["title"], page.json["criteria"], page.json["open"]) == (
        "Moisturizer tolerance",
        "Adults, non-smokers.",
        True,
    )
    assert [b.get("code") for b in page.json["blocks"]] == [None, "smoker", "age"]

    passed = trial.applied(1)
    assert (passed["status"], passed["reason"], passed["waiting_list"]) == (
        "pre_screened",
        None,
        False,
    )
    excluded = trial.applied(2, smoker=True, age=16)
    assert excluded["status"] == "not_eligible"
    assert excluded["reason"] == "smoker: Smoker; age: Under 18"
    # The applicant reads their own application by the token of their link.
    mine: Any = trial.public.get(
        f"{PUBLIC}/application", headers={"Application-Token": excluded["token"]}
    )
    assert mine.status_code == 200, mine.json
    assert (mine.json["application"], mine.json["reason"]) == (
        excluded["application"],
        excluded["reason"],
    )

    listed: Any = trial.staff("get", f"/studies/{trial.recruitment}/applications/")
    assert [(a["status"], a["reason"]) for a in listed.json] == [
        ("pre_screened", None),
        ("not_eligible", "smoker: Smoker; age: Under 18"),
    ]
    assert "answers" not in listed.json[1]  # health data: read one by one, audited
    read: Any = trial.staff("get", f"/applications/{excluded['application']}")
    assert read.json["answers"] == {"smoker": True, "age": 16}
    # Audited: created applied, then pre-screened, under the clinical study; and the read.
    records = trial.audit("recruitment_applications")
    assert [action for action, _, _ in records] == ["create", "update", "create", "update", "read"]
    assert records[3][2]["status"] == ["applied", "not_eligible"]


def test_bad_input_is_refused_and_writes_nothing(trial: Trial):
    trial.staff("patch", f"/studies/{trial.recruitment}", published=True)
    url = f"{PUBLIC}/studies/{trial.recruitment}/applications"
    bodies: list[Any] = [
        {"applicant": person(1), "answers": {"smoker": "maybe", "age": 30}},
        {"applicant": person(1), "answers": {"smoker": False}},  # age is required
        {"applicant": person(1), "answers": {"smoker": False, "age": 30, "unknown": 1}},
        {"applicant": person(1, email="not an email"), "answers": {}},
        {"applicant": person(1, first_name="x" * 10_000), "answers": {}},
        {"applicant": "me", "answers": []},
        {"answers": {"smoker": False, "age": 30}},
        [],
    ]
    for body in bodies:
        refused: Any = trial.public.post(url, json=body)
        assert refused.status_code == 422, (body, refused.json)
    unknown = trial.public.post(
        f"{PUBLIC}/studies/00000000-0000-0000-0000-000000000000/applications",
        json={"applicant": person(1), "answers": {"smoker": False, "age": 30}},
    )
    assert unknown.status_code == 404
    assert trial.audit("recruitment_applications") == []
    assert trial.staff("get", f"/studies/{trial.recruitment}/applications/").json == []
    assert error(trial.public.get(f"{PUBLIC}/application", headers={"Application-Token": "x"})) == (
        401,
        "RECRUITMENT_LINK_INVALID",
    )
    # A bad form design is refused with the engine's problems.
    bad_form = trial.staff(
        "patch",
        f"/studies/{trial.recruitment}",
        blocks=[
            {"kind": "question", "code": "a", "type": "integer", "options": {"min": 5, "max": 1}}
        ],
    )
    assert (
        error(bad_form) == (422, "RECRUITMENT_FORM_INVALID")
        and bad_form.json["error"]["details"]["problems"]
    )


def test_the_target_fills_then_applicants_wait_and_a_freed_place_goes_to_the_first(
    trial: Trial, join_study, tenant, make_study
):
    trial.staff("patch", f"/studies/{trial.recruitment}", published=True)
    first, second, third = trial.applied(1), trial.applied(2), trial.applied(3)
    assert [a["waiting_list"] for a in (first, second, third)] == [False, False, True]
    # Applying again with the email answers as a first time, and sends its owner the link.
    again: Any = trial.apply(1, smoker=True)
    assert (again.status_code, again.json) == (
        201,
        {"title": "Moisturizer tolerance", "received": True},
    )
    assert [t for t, _ in trial.emails("ann1@example.org")].count(
        "recruitment.application_received"
    ) == 2
    assert trial.link_token("ann1@example.org") == first["token"]
    assert len(trial.staff("get", f"/studies/{trial.recruitment}/applications/").json) == 3

    # The monitor reads but may not move applications; a reason is needed to end one.
    monitor = join_study(trial.headers, tenant, "monitor")
    assert trial.staff("get", f"/applications/{first['application']}", monitor).status_code == 200
    refused = trial.staff(
        "post", f"/applications/{first['application']}/status", monitor, status="invited"
    )
    assert refused.status_code == 403
    assert error(trial.move(first["application"], "withdrawn")) == (422, "RECRUITMENT_INVALID")
    assert error(trial.move(first["application"], "included")) == (409, "ILLEGAL_STATUS_TRANSITION")
    assert error(trial.move(third["application"], "screened")) == (409, "ILLEGAL_STATUS_TRANSITION")

    withdrawn: Any = trial.move(first["application"], "withdrawn", reason="Moved abroad")
    assert (withdrawn.json["status"], withdrawn.json["reason"]) == ("withdrawn", "Moved abroad")
    promoted: Any = trial.staff("get", f"/applications/{third['application']}")
    assert promoted.json["waiting_list"] is False
    fourth = trial.applied(4)
    assert fourth["waiting_list"] is True
    assert trial.staff("patch", f"/studies/{trial.recruitment}", target=3).status_code == 200
    taken_in: Any = trial.staff("get", f"/applications/{fourth['application']}")
    assert taken_in.json["waiting_list"] is False  # a higher target takes in those waiting

    # Another study's header finds nothing of this one.
    other = make_study(trial.manager, reference="REC-2")
    elsewhere = trial.manager.get(
        f"{BASE}/applications/{third['application']}", headers=other.headers
    )
    assert elsewhere.status_code == 404
    assert (
        trial.manager.get(f"{BASE}/studies/{trial.recruitment}", headers=other.headers).status_code
        == 404
    )


def test_the_page_reads_in_the_applicants_language(trial: Trial, enable_plugins):
    enable_plugins(trial.tenant, "translations")
    languages = {"default_language": "en", "languages": ["fr"]}
    offered = trial.manager.patch(
        "/api/plugins/translations/study-settings", json=languages, headers=trial.headers
    )
    assert offered.status_code == 200, offered.json
    bilingual = [{"kind": "static", "content": {"en": "About you.", "fr": "À propos de vous."}}]
    changed = trial.staff(
        "patch", f"/studies/{trial.recruitment}", published=True, blocks=bilingual + FORM[1:]
    )
    assert changed.status_code == 200, changed.json
    page_url = f"{PUBLIC}/studies/{trial.recruitment}"
    for asked, text in (
        ("fr-FR,fr;q=0.9", {"fr": "À propos de vous."}),
        ("de", {"en": "About you."}),
    ):
        page: Any = trial.public.get(page_url, headers={"Accept-Language": asked})
        assert page.status_code == 200, page.json
        assert page.json["blocks"][0]["content"] == text
