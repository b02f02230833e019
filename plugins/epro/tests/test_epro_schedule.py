"""Time travel through a schedule in the tenant's time zone: occurrences planned from the
inclusion date, invitations and reminders at the right times, quiet hours, none after
completion or after the window, nothing sent twice, cron only where ePRO is enabled."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from datacapt.toolkit import AuditRecord, Notification, db, tenant_context
from plugins.epro.models import Occurrence
from plugins.epro.tests.support import DIARY, PARIS_INCLUSION, make_trial, utc


def by_day(trial) -> dict[int, dict]:
    return {occurrence["day"]: occurrence for occurrence in trial.occurrences()}


def test_inclusion_plans_occurrences_in_the_tenant_time_zone(trial):
    assert trial.occurrences() == []  # in screening: nothing planned
    assert trial.include().status_code == 200
    occurrences = by_day(trial)
    assert sorted(occurrences) == [0, 7]
    first = occurrences[0]
    # 09:00 in Paris (UTC+1 in early March) is 08:00 UTC.
    assert first["opens_at"] == "2030-03-04T08:00:00+00:00"
    assert first["due_at"] == "2030-03-05T08:00:00+00:00"
    assert first["closes_at"] == "2030-03-06T08:00:00+00:00"
    assert first["status"] == "scheduled" and first["next_send_at"] == first["opens_at"]
    # Day 7 is after the change to summer time (31 March is later): still UTC+1.
    assert occurrences[7]["opens_at"] == "2030-03-11T08:00:00+00:00"


def test_invitations_and_reminders_go_at_their_time_outside_quiet_hours(trial, tick, outbox):
    trial.include()
    tick("2030-03-04T07:59:00")
    assert outbox.count() == (0, 0)
    tick("2030-03-04T08:00:00")
    assert outbox.count() == (1, 1)  # the invitation by email and SMS
    invitation = outbox.emails()[0]
    assert invitation["To"] == "subject@example.org"
    assert invitation["Subject"] == "Votre questionnaire : Journal"  # the subject's language
    assert outbox.sms()[0]["to"] == "+33 6 00 00 00 01"
    first = by_day(trial)[0]
    assert first["status"] == "sent" and first["sent_at"] == "2030-03-04T08:00:00+00:00"
    assert [m["status"] for m in first["messages"]] == ["sent", "sent"]

    tick("2030-03-04T08:00:00")  # the same tick again
    tick("2030-03-04T08:01:00")
    assert outbox.count() == (1, 1)

    tick("2030-03-04T14:00:00")  # six hours later: the first reminder
    assert outbox.count() == (2, 2)
    assert outbox.emails()[1]["Subject"].startswith("Rappel")
    # Six hours later it is 21:00 in Paris, quiet until 08:00 (07:00 UTC).
    assert by_day(trial)[0]["next_send_at"] == "2030-03-05T07:00:00+00:00"
    tick("2030-03-04T20:00:00")
    tick("2030-03-05T06:59:00")
    assert outbox.count() == (2, 2)
    tick("2030-03-05T07:00:00")
    assert outbox.count() == (3, 3)
    first = by_day(trial)[0]
    assert first["reminders_sent"] == 2 and first["next_send_at"] is None  # at most two
    tick("2030-03-05T13:00:00")
    assert outbox.count() == (3, 3)
    assert len(outbox.tokens()) == 1  # every message carries the same link

    tick("2030-03-06T08:00:00")  # the window closes: missed
    assert by_day(trial)[0]["status"] == "expired"
    assert outbox.count() == (3, 3)


def test_no_reminder_after_completion(trial, tick, outbox, api_client):
    trial.include()
    tick("2030-03-04T08:00:00")
    token = outbox.token()
    answers = {"pain": 3, "nausea": False}
    submitted = api_client.post(
        "/api/epro/public/questionnaire/submit",
        json={"answers": answers},
        headers={"Qr-Code": token},
    )
    assert submitted.status_code == 200, submitted.json
    tick("2030-03-04T14:00:00")
    tick("2030-03-05T07:00:00")
    assert outbox.count() == (1, 1)
    first = by_day(trial)[0]
    assert first["status"] == "completed" and first["next_send_at"] is None


def test_a_late_tick_in_quiet_hours_waits_for_their_end(trial, tick, outbox):
    trial.include()
    tick("2030-03-04T21:30:00")  # 22:30 in Paris: the invitation waits
    assert outbox.count() == (0, 0)
    assert by_day(trial)[0]["next_send_at"] == "2030-03-05T07:00:00+00:00"
    tick("2030-03-05T07:00:00")
    assert outbox.count() == (1, 1)


def test_a_new_inclusion_date_moves_what_was_not_sent(trial, tick, outbox):
    trial.include()
    tick("2030-03-04T08:00:00")
    moved = trial.investigator.patch(
        f"/api/subjects/{trial.subject}",
        json={"status": "included", "inclusion_date": "2030-03-02"},
        headers=trial.headers,
    )
    assert moved.status_code == 200, moved.json
    occurrences = by_day(trial)
    assert occurrences[0]["opens_at"] == "2030-03-04T08:00:00+00:00"  # sent: kept
    assert occurrences[7]["opens_at"] == "2030-03-09T08:00:00+00:00"  # moved


def test_withdrawal_cancels_what_is_open(trial, tick, outbox):
    trial.include()
    tick("2030-03-04T08:00:00")
    trial.investigator.patch(
        f"/api/subjects/{trial.subject}",
        json={"status": "withdrawn", "end_reason": "Moved abroad"},
        headers=trial.headers,
    )
    assert {o["status"] for o in trial.occurrences()} == {"cancelled"}
    tick("2030-03-04T14:00:00")
    tick("2030-03-11T08:00:00")
    assert outbox.count() == (1, 1)


def test_a_schedule_change_re_plans_included_subjects(trial):
    trial.include()
    changed = {**trial.questionnaire, "schedule": {**trial.questionnaire["schedule"]}}
    changed["schedule"] = {
        "every_days": 14,
        "until_day": 28,
        "send_time": "18:30",
        "window_hours": 24,
        "available_hours": 48,
    }
    for name in ("uuid", "created_at", "modified_at"):
        changed.pop(name)
    saved = trial.save_questionnaire(changed)
    assert saved.status_code == 200, saved.json
    occurrences = sorted(trial.occurrences(), key=lambda o: (o["status"], o["day"]))
    assert [(o["day"], o["status"]) for o in occurrences] == [
        (7, "cancelled"),
        (0, "scheduled"),
        (14, "scheduled"),
        (28, "scheduled"),
    ]
    assert occurrences[1]["opens_at"] == "2030-03-04T17:30:00+00:00"


def test_cron_ticks_only_tenants_with_epro_enabled(
    join_study, app, enable_plugins, client_as, make_study, tenant, other_tenant, tick, outbox
):
    from datacapt.testing import disable_plugin

    for each in (tenant, other_tenant):
        enable_plugins(each, "epro")
        make_trial(client_as, make_study, join_study, each).include(PARIS_INCLUSION)
    with app.app_context():
        disable_plugin(other_tenant.schema_name, "epro", "test")
    tick("2030-03-04T08:00:00")
    assert outbox.count() == (1, 1)  # only the tenant that has ePRO enabled


def test_the_tick_is_audited_under_the_study_with_the_token_hash_redacted(
    app, trial, tick, outbox, tenant
):
    trial.include()
    tick("2030-03-04T08:00:00")
    with app.app_context(), tenant_context(tenant.schema_name):
        (record,) = db.session.execute(
            sa.select(AuditRecord).where(
                AuditRecord.object_type == "epro_occurrences",
                AuditRecord.action == "update",
                AuditRecord.actor_id == "job:plugins.epro.delivery.send_due",
            )
        ).scalars()
    assert record.study_id == trial.headers["Study-Uuid"]
    assert record.changes["status"] == ["scheduled", "sent"]
    assert record.changes["token_hash"] == ["[redacted]", "[redacted]"]


def test_a_tick_skips_what_another_tick_holds_without_waiting(
    db_engine, trial, tick, outbox, tenant
):
    trial.include()
    holder = db_engine.connect().execution_options(schema_translate_map={None: tenant.schema_name})
    try:
        # Another tick is busy with the due occurrence: its row is locked.
        holder.execute(sa.select(Occurrence.id).with_for_update())
        failures: list[BaseException] = []

        def other_tick() -> None:
            try:
                tick("2030-03-04T08:00:00")
            except BaseException as exc:  # seen by the test, not lost in the thread
                failures.append(exc)

        done = threading.Thread(target=other_tick)
        done.start()
        done.join(timeout=20)
        assert not done.is_alive() and failures == []  # it did not wait for the lock
        assert outbox.count() == (0, 0)  # and took nothing the other holds
    finally:
        holder.rollback()
        holder.close()
    tick("2030-03-04T08:00:00")
    assert outbox.count() == (1, 1)


def test_a_new_tenant_time_zone_moves_what_was_not_sent(trial, client_as, tenant, tick, outbox):
    trial.include()
    tick("2030-03-04T08:00:00")  # the first one is sent at 09:00 Paris
    changed = client_as(tenant).patch(
        "/api/tenant/settings", json={"time_zone": "America/New_York"}
    )
    assert changed.status_code == 200
    occurrences = by_day(trial)
    assert occurrences[0]["opens_at"] == "2030-03-04T08:00:00+00:00"  # sent: kept
    # 09:00 in New York on 11 March 2030, the day after the change to summer time (UTC-4).
    assert occurrences[7]["opens_at"] == "2030-03-11T13:00:00+00:00"


def test_a_message_whose_job_was_lost_is_delivered_once_by_the_sweep(
    app, trial, tick, outbox, tenant, sweep_notifications
):
    trial.include()
    tick("2030-03-04T08:00:00")
    with app.app_context(), tenant_context(tenant.schema_name):
        # As if the delivery job of the SMS had been lost.
        db.session.execute(
            sa.update(Notification)
            .where(Notification.channel == "sms")
            .values(state="queued", sent_at=None)
        )
        db.session.commit()
    (sms_file,) = outbox.sms_dir.glob("*.json")
    sms_file.unlink()
    sweep_notifications(utc("2030-03-04T08:10:00"))  # its job may still be on its way
    assert outbox.count() == (1, 0)
    sweep_notifications(utc("2030-03-04T08:16:00"))
    sweep_notifications(utc("2030-03-04T08:17:00"))
    assert outbox.count() == (1, 1)
    messages = {m["channel"]: m for m in by_day(trial)[0]["messages"]}
    assert messages["sms"]["status"] == "sent" and messages["sms"]["attempts"] == 2


def test_an_inclusion_date_out_of_range_is_refused(trial):
    far = trial.include("9999-12-31")
    assert far.status_code == 422 and "inclusion_date" in far.json["error"]["fields"]
    assert trial.occurrences() == []


def test_reminders_turned_off_stop_those_already_planned(trial, tick, outbox):
    trial.include()
    tick("2030-03-04T08:00:00")
    silent = {
        k: v
        for k, v in trial.questionnaire.items()
        if k not in ("uuid", "created_at", "modified_at")
    }
    silent["reminders"] = {"max": 0}
    saved = trial.save_questionnaire(silent)
    assert saved.status_code == 200, saved.json
    tick("2030-03-04T14:00:00")
    assert outbox.count() == (1, 1)
    assert by_day(trial)[0]["next_send_at"] is None


DAILY = {
    **DIARY,
    "code": "DAILY",
    "schedule": {
        "every_days": 1,
        "until_day": 20,
        "send_time": "09:00",
        "window_hours": 12,
        "available_hours": 24,
    },
}


def test_a_new_questionnaire_plans_no_day_that_closed_before_it_existed(trial, tick):
    """A subject included 11 days ago: a new daily diary starts with what is still open,
    not 11 missed days and 0 % compliance."""
    inclusion = dt.date.today() - dt.timedelta(days=11)
    assert trial.include(inclusion.isoformat()).status_code == 200
    created_before = dt.datetime.now(dt.UTC)
    daily = trial.manager.post("/api/epro/questionnaires/", json=DAILY, headers=trial.headers)
    assert daily.status_code == 201, daily.json
    paris = ZoneInfo("Europe/Paris")

    def closes(day: int) -> dt.datetime:
        opens = dt.datetime.combine(inclusion + dt.timedelta(days=day), dt.time(9), tzinfo=paris)
        return opens + dt.timedelta(hours=24)

    mine = [o for o in trial.occurrences() if o["questionnaire"] == daily.json["uuid"]]
    first = min(day for day in range(21) if closes(day) > created_before)
    assert sorted(o["day"] for o in mine) == list(range(first, 21))
    assert first >= 10
    tick(dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat())
    rows = trial.manager.get("/api/epro/compliance", headers=trial.headers).json
    (row,) = [r for r in rows["questionnaires"] if r["code"] == "DAILY"]
    assert row["missed"] == 0 and row["compliance"] is None


def test_reactivating_plans_no_day_that_closed_while_inactive(trial):
    inclusion = dt.date.today() - dt.timedelta(days=11)
    trial.include(inclusion.isoformat())
    daily = trial.manager.post(
        "/api/epro/questionnaires/", json={**DAILY, "active": False}, headers=trial.headers
    ).json
    assert [o for o in trial.occurrences() if o["questionnaire"] == daily["uuid"]] == []
    url = f"/api/epro/questionnaires/{daily['uuid']}"
    etag = trial.manager.get(url, headers=trial.headers).headers["ETag"]
    body = {k: v for k, v in daily.items() if k not in ("uuid", "created_at", "modified_at")}
    activated = trial.manager.put(
        url, json={**body, "active": True}, headers={**trial.headers, "If-Match": etag}
    )
    assert activated.status_code == 200, activated.json
    days = [o["day"] for o in trial.occurrences() if o["questionnaire"] == daily["uuid"]]
    assert days and min(days) >= 10


def test_a_stale_questionnaire_save_never_overwrites_a_colleagues(trial, join_study, tenant):
    url = f"/api/epro/questionnaires/{trial.questionnaire['uuid']}"
    body = {
        k: v
        for k, v in trial.questionnaire.items()
        if k not in ("uuid", "created_at", "modified_at")
    }
    read = trial.manager.get(url, headers=trial.headers)
    etag = read.headers["ETag"]
    listed = trial.manager.post(
        "/api/epro/questionnaires/", json={**body, "code": "OTHER"}, headers=trial.headers
    )
    assert listed.status_code == 201 and listed.headers["ETag"] != etag
    colleague = join_study(trial.headers, tenant, "study_manager")
    theirs = colleague.put(
        url, json={**body, "title": {"en": "Theirs"}}, headers={**trial.headers, "If-Match": etag}
    )
    assert theirs.status_code == 200 and theirs.headers["ETag"] != etag
    mine = {**body, "title": {"en": "Mine"}}
    stale = trial.manager.put(url, json=mine, headers={**trial.headers, "If-Match": etag})
    assert stale.status_code == 412
    missing = trial.manager.put(url, json=mine, headers=trial.headers)
    assert missing.status_code == 428
    weak = trial.manager.put(
        url, json=mine, headers={**trial.headers, "If-Match": f"W/{theirs.headers['ETag']}"}
    )
    assert weak.status_code == 400
    assert trial.manager.get(url, headers=trial.headers).json["title"] == {"en": "Theirs"}
    # The investigator may read it, with its ETag, but not save it.
    seen = trial.investigator.get(url, headers=trial.headers)
    assert seen.headers["ETag"] == theirs.headers["ETag"]
    refused = trial.investigator.put(
        url, json=mine, headers={**trial.headers, "If-Match": seen.headers["ETag"]}
    )
    assert refused.status_code == 403
