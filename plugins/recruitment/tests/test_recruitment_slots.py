"""Visit slots: presets, bookings from the applicant's link or by staff, never beyond a
slot's capacity under concurrent requests, confirmations, and a reminder each, once; the
included applicant becomes a subject of the clinical study once."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from datacapt.testing import emails_to, unit_of_work
from datacapt.toolkit import tenant_context
from plugins.recruitment.slots import send_reminders
from plugins.recruitment.tests.support import BASE, PUBLIC, Trial, error, utc


def _at_once(calls: list[Any]) -> list[Any]:
    """Each call in its own thread, started together; their answers."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _book_at_once(trial: Trial, tokens: list[str], slot: str) -> list[Any]:
    def booking(client: Any, token: str) -> Any:
        return lambda: client.put(
            f"{PUBLIC}/application/booking",
            json={"slot": slot},
            headers={"Application-Token": token},
        )

    return _at_once([booking(trial.fresh_client(), token) for token in tokens])


def _as_manager(trial: Trial) -> Any:
    client = trial.fresh_client()
    client.token = trial.manager.token
    return client


@pytest.mark.requirement("E6-4.3.3")
def test_concurrent_bookings_never_exceed_a_slots_capacity(trial: Trial, clock):
    trial.staff("patch", f"/studies/{trial.recruitment}", published=True, target=10)
    slots = trial.preset()
    assert [s["starts_at"][11:16] for s in slots] == [
        "09:00",
        "09:30",
        "10:00",
        "10:30",
        "11:00",
        "11:30",
    ]
    tokens = [trial.applied(n)["token"] for n in range(5)]
    answers = _book_at_once(trial, tokens, slots[0]["uuid"])
    assert sorted(a.status_code for a in answers) == [200, 200, 409, 409, 409], [
        a.json for a in answers
    ]
    assert {error(a) for a in answers if a.status_code == 409} == {(409, "RECRUITMENT_SLOT_FULL")}
    listed: Any = trial.staff("get", f"/studies/{trial.recruitment}/slots/")
    assert (listed.json[0]["booked"], listed.json[1]["booked"]) == (2, 0)
    # One booked applicant moves to the next slot: the first slot has a place again.
    moved_token = next(t for t, a in zip(tokens, answers, strict=True) if a.status_code == 200)
    moved: Any = trial.public.put(
        f"{PUBLIC}/application/booking",
        json={"slot": slots[1]["uuid"]},
        headers={"Application-Token": moved_token},
    )
    assert (moved.json["status"], moved.json["booking"]["slot"]["uuid"]) == (
        "scheduled",
        slots[1]["uuid"],
    )
    listed = trial.staff("get", f"/studies/{trial.recruitment}/slots/")
    assert (listed.json[0]["booked"], listed.json[1]["booked"]) == (1, 1)
    # A preset over existing slots is refused, nothing added.
    assert error(
        trial.staff(
            "post",
            f"/studies/{trial.recruitment}/slots/",
            day="2030-03-18",
            start="09:00",
            end="10:00",
            every_minutes=30,
            capacity=1,
        )
    ) == (409, "RECRUITMENT_INVALID")

    # Confirmations went at booking; reminders go once, the day before.
    with trial.app.app_context(), tenant_context(trial.tenant.schema_name):
        templates = [m.template for m in emails_to("ann0@example.org")]
    assert templates[0] == "recruitment.application_received"
    clock.move_to(utc("2030-03-17T10:00:00"))
    sent = []
    for _ in range(2):
        with trial.app.app_context(), tenant_context(trial.tenant.schema_name), unit_of_work():
            sent.append(send_reminders())
    assert sent == [2, 0]
    assert [action for action, _, _ in trial.audit("recruitment_bookings")].count("create") == 3


def test_staff_book_and_the_included_applicant_becomes_a_subject_once(
    trial: Trial, join_study, tenant
):
    trial.staff("patch", f"/studies/{trial.recruitment}", published=True)
    (slot, *_) = trial.preset(capacity=1)
    application = trial.applied(1, birth_date="1990-05-01")["application"]
    url = f"/applications/{application}"
    assert trial.move(application, "invited").json["status"] == "invited"
    booked: Any = trial.staff("put", f"{url}/booking", slot=slot["uuid"])
    assert booked.status_code == 200 and booked.json["booked_by"] == "staff"
    full = trial.applied(2)["application"]
    assert error(trial.staff("put", f"/applications/{full}/booking", slot=slot["uuid"])) == (
        409,
        "RECRUITMENT_SLOT_FULL",
    )
    early: Any = trial.staff("post", f"{url}/conversion", center=trial.centers["PAR"])
    assert error(early) == (409, "RECRUITMENT_NOT_CONVERTIBLE")
    assert trial.move(application, "screened").json["status"] == "screened"
    assert trial.move(application, "included").json["status"] == "included"

    # An investigator who sees LYO only cannot put the subject at PAR.
    lyon = join_study(trial.headers, tenant, "investigator", [trial.centers["LYO"]])
    assert (
        trial.staff("post", f"{url}/conversion", lyon, center=trial.centers["PAR"]).status_code
        == 403
    )

    # Two conversions at once: one subject, the other refused.
    def conversion(client: Any) -> Any:
        return lambda: client.post(
            f"{BASE}{url}/conversion", json={"center": trial.centers["PAR"]}, headers=trial.headers
        )

    answers = _at_once([conversion(_as_manager(trial)) for _ in range(2)])
    assert sorted(a.status_code for a in answers) == [201, 409], [a.json for a in answers]
    (converted,) = [a for a in answers if a.status_code == 201]
    (again,) = [a for a in answers if a.status_code == 409]
    assert error(again) == (409, "RECRUITMENT_ALREADY_CONVERTED")
    assert again.json["error"]["details"]["subject"] == converted.json["subject"]
    subjects: Any = trial.manager.get("/api/subjects/", headers=trial.headers)
    assert [s["uuid"] for s in subjects.json] == [converted.json["subject"]]
    # The same person: the panel's personal data reaches the study.
    personal: Any = trial.manager.get(
        f"/api/subjects/{converted.json['subject']}/personal-data", headers=trial.headers
    )
    assert (personal.json["email"], personal.json["birth_date"]) == (
        "ann1@example.org",
        "1990-05-01",
    )
    read: Any = trial.staff("get", url)
    assert read.json["converted"] is True
