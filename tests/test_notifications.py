"""Notifications: recorded with the change that causes them, delivered by their job after
the commit, quiet hours in the tenant's zone, retries then failure with the reason, stuck
messages sent again once, one message's database failure keeping the others' outcomes,
bounces, and the delivery reports with who may read what."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from rq import Queue, SimpleWorker

from datacapt.audit.models import AuditRecord
from datacapt.database import db, unit_of_work, utcnow
from datacapt.database.unit import owned_by
from datacapt.identity.messages import reset_token
from datacapt.jobs.models import OutboxJob
from datacapt.mail.backends import FileBackend
from datacapt.notifications import (
    Channel,
    Notification,
    Outgoing,
    QuietHours,
    Recipient,
    RecipientKind,
    UnknownTemplate,
    delivery,
    notify,
    notify_all,
)
from datacapt.notifications.delivery import MAX_ATTEMPTS, STEP, deliver_notifications
from datacapt.studies.models import Study, StudyCenter
from datacapt.tenancy import tenant_context
from datacapt.tenancy.services import update_tenant_settings

NOW = dt.datetime(2030, 3, 4, 12, 0, tzinfo=dt.UTC)
RESET = {"name": "Lea", "tenant": "Acme", "minutes": 60, "nonce": "nonce-1"}
QUIET = QuietHours(dt.time(21, 0), dt.time(8, 0))
DELIVER = "datacapt.notifications.delivery.deliver_notifications"


def record(
    app,
    tenant,
    at: dt.datetime = NOW,
    address: str | None = "reader@example.org",
    language: str = "en",
    recipient: uuid.UUID | None = None,
    kind: RecipientKind = RecipientKind.USER,
    **where: Any,
) -> uuid.UUID:
    """A password reset email recorded (and committed) at ``at``; its job runs after."""
    with (
        time_machine.travel(at, tick=False),
        app.app_context(),
        tenant_context(tenant),
        unit_of_work(),
    ):
        recipient = Recipient(kind, recipient or uuid.uuid4(), address, language)
        return notify("password_reset", Channel.EMAIL, recipient, RESET, **where).uuid


def load(app, tenant, notification_uuid: uuid.UUID) -> Notification:
    with app.app_context(), tenant_context(tenant):
        found = db.session.execute(
            sa.select(Notification).where(Notification.uuid == notification_uuid)
        ).scalar_one()
        db.session.expunge(found)
        return found


def mails(directory: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(directory.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    ]


@pytest.fixture
def mailbox(app, tmp_path, monkeypatch) -> Path:
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{tmp_path}")
    return tmp_path


@pytest.fixture
def paris(app, tenant):
    with app.app_context(), tenant_context(tenant), unit_of_work():
        update_tenant_settings({"time_zone": "Europe/Paris"})


def test_a_message_goes_by_its_job_after_the_commit_and_its_record_keeps_no_secret(
    app, tenant, mailbox
):
    sent = record(app, tenant, language="fr-CA")
    (message,) = mails(mailbox)
    assert message["To"] == "reader@example.org"
    assert message["Subject"] == f"Réinitialisez votre mot de passe {tenant.name}"
    assert message["Message-ID"] == f"<{sent}@localhost>"
    body = message.get_content()
    with app.app_context():
        token = reset_token("nonce-1")
    assert "Bonjour Lea" in body and f"reset-password?token={token}" in body
    stored = load(app, tenant, sent)
    assert (stored.state, stored.attempts, stored.sent_at) == ("sent", 1, NOW)
    assert stored.language == "fr" and stored.address == "reader@example.org"
    assert "\n\n[redacted]\n\n" in stored.body and token not in stored.body
    assert stored.dispatched_at == NOW and stored.not_before is None and stored.reason is None


def test_every_copy_of_an_email_carries_its_one_message_id(app, tenant, mailbox):
    sent = record(app, tenant)
    (first,) = mails(mailbox)
    next(mailbox.glob("*.eml")).unlink()
    with app.app_context(), tenant_context(tenant):
        with unit_of_work():
            # The server took the message, then the worker died before recording it: the
            # message is still queued and its job's next run sends it again.
            db.session.execute(
                sa.update(Notification).where(Notification.uuid == sent).values(state="queued")
            )
        notification_id = db.session.execute(
            sa.select(Notification.id).where(Notification.uuid == sent)
        ).scalar_one()
        with owned_by("job"), unit_of_work():
            assert deliver_notifications([notification_id]) == 1
    (second,) = mails(mailbox)
    assert first["Message-ID"] == second["Message-ID"] == f"<{sent}@localhost>"


def test_a_message_of_a_transaction_that_rolls_back_is_neither_recorded_nor_sent(
    app, tenant, mailbox
):
    with pytest.raises(RuntimeError), app.app_context(), tenant_context(tenant), unit_of_work():
        notify(
            "password_reset",
            Channel.EMAIL,
            Recipient(RecipientKind.USER, None, "reader@example.org"),
            RESET,
        )
        raise RuntimeError("the change that caused it fails")
    assert mails(mailbox) == []
    with app.app_context(), tenant_context(tenant):
        assert db.session.execute(sa.select(sa.func.count(Notification.id))).scalar() == 0


def test_an_unknown_template_is_refused_when_sent(app, tenant):
    with app.app_context(), tenant_context(tenant), pytest.raises(UnknownTemplate):
        notify("no_such", Channel.EMAIL, Recipient(RecipientKind.USER, None, "a@b.org"), {})
    with app.app_context(), tenant_context(tenant), pytest.raises(UnknownTemplate):
        notify("password_reset", Channel.SMS, Recipient(RecipientKind.USER, None, "+33"), RESET)


def test_a_message_due_in_quiet_hours_waits_for_their_end_in_the_tenant_zone(
    app, tenant, mailbox, paris, sweep_notifications
):
    evening = dt.datetime(2030, 3, 4, 21, 30, tzinfo=dt.UTC)  # 22:30 in Paris
    waiting = record(app, tenant, at=evening, quiet_hours=QUIET)
    urgent = record(app, tenant, at=evening)  # a reset never waits
    assert [m["Message-ID"] for m in mails(mailbox)] == [f"<{urgent}@localhost>"]
    stored = load(app, tenant, waiting)
    assert stored.state == "queued" and stored.attempts == 0
    assert stored.not_before == dt.datetime(2030, 3, 5, 7, 0, tzinfo=dt.UTC)  # 08:00 Paris
    sweep_notifications(dt.datetime(2030, 3, 5, 6, 59, tzinfo=dt.UTC))
    assert len(mails(mailbox)) == 1
    sweep_notifications(dt.datetime(2030, 3, 5, 7, 0, tzinfo=dt.UTC))
    assert len(mails(mailbox)) == 2 and load(app, tenant, waiting).state == "sent"


def test_a_retry_that_falls_in_quiet_hours_waits_too(
    app, tenant, mailbox, paris, monkeypatch, sweep_notifications
):
    monkeypatch.setitem(app.config, "MAIL_URL", "smtp://127.0.0.1:1")  # nothing listens
    before = dt.datetime(2030, 3, 4, 19, 59, 30, tzinfo=dt.UTC)  # 20:59:30 in Paris
    waiting = record(app, tenant, at=before, quiet_hours=QUIET)
    assert load(app, tenant, waiting).not_before == before + dt.timedelta(minutes=1)
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{mailbox}")  # the server is back
    sweep_notifications(dt.datetime(2030, 3, 4, 20, 1, tzinfo=dt.UTC))  # 21:01: quiet
    stored = load(app, tenant, waiting)
    assert mails(mailbox) == [] and stored.attempts == 1
    assert stored.not_before == dt.datetime(2030, 3, 5, 7, 0, tzinfo=dt.UTC)
    sweep_notifications(dt.datetime(2030, 3, 5, 7, 0, tzinfo=dt.UTC))
    assert len(mails(mailbox)) == 1 and load(app, tenant, waiting).attempts == 2


def test_a_failing_delivery_is_tried_three_times_then_failed_with_the_reason(
    app, tenant, monkeypatch, sweep_notifications
):
    monkeypatch.setitem(app.config, "MAIL_URL", "smtp://127.0.0.1:1")
    failing = record(app, tenant)
    first = load(app, tenant, failing)
    assert (first.state, first.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in first.reason
    assert first.not_before == NOW + dt.timedelta(minutes=1)
    sweep_notifications(NOW + dt.timedelta(seconds=59))  # not yet
    assert load(app, tenant, failing).attempts == 1
    sweep_notifications(NOW + dt.timedelta(minutes=1))
    second = load(app, tenant, failing)
    assert second.attempts == 2 and second.not_before == NOW + dt.timedelta(minutes=6)
    sweep_notifications(NOW + dt.timedelta(minutes=6))
    sweep_notifications(NOW + dt.timedelta(minutes=30))  # given up: nothing more
    last = load(app, tenant, failing)
    assert (last.state, last.attempts) == ("failed", 3)
    assert "ConnectionRefusedError" in last.reason and last.failed_at == NOW + dt.timedelta(
        minutes=6
    )


def test_a_recipient_without_an_address_is_a_failure_at_once(app, tenant, mailbox):
    failed = load(app, tenant, record(app, tenant, address=None))
    assert (failed.state, failed.attempts) == ("failed", 0)
    assert failed.reason == "The user has no email address." and failed.failed_at == NOW
    assert mails(mailbox) == []


def test_a_stuck_message_is_delivered_again_exactly_once(
    app, tenant, mailbox, redis_queue, sweep_notifications
):
    stuck = record(app, tenant, at=utcnow())
    redis_queue.flushdb()  # its delivery job is lost
    with app.app_context(), tenant_context(tenant), unit_of_work():
        db.session.execute(
            sa.update(Notification)
            .where(Notification.uuid == stuck)
            .values(dispatched_at=utcnow() - dt.timedelta(minutes=10))
        )
    sweep_notifications(utcnow())
    assert Queue("default", connection=redis_queue).count == 0  # its job may still come
    with app.app_context(), tenant_context(tenant), unit_of_work():
        db.session.execute(
            sa.update(Notification)
            .where(Notification.uuid == stuck)
            .values(dispatched_at=utcnow() - dt.timedelta(minutes=16))
        )
    sweep_notifications(utcnow())
    sweep_notifications(utcnow())  # a second sweep before the first one's jobs ran
    with app.app_context():
        queue = Queue("default", connection=redis_queue)
        SimpleWorker([queue], connection=redis_queue).work(burst=True)
    sweep_notifications(utcnow())
    assert len(mails(mailbox)) == 1
    assert load(app, tenant, stuck).attempts == 1
    with app.app_context():
        deliveries = db.session.execute(
            sa.select(sa.func.count(OutboxJob.id)).where(
                OutboxJob.func == DELIVER, OutboxJob.tenant_schema == tenant.schema_name
            )
        ).scalar()
    assert deliveries == 2  # the lost job and the one that replaced it


def test_an_operator_records_a_bounce_from_the_message_id_it_quotes(app, tenant, mailbox, operator):
    bounced = record(app, tenant)
    queued = record(app, tenant, address=None)
    (message,) = mails(mailbox)
    runner = app.test_cli_runner()

    def bounce(reference: str, password: str = operator.password):
        return runner.invoke(
            args=[
                *("notifications", "bounce", "--tenant", tenant.schema_name, reference),
                *("--reason", "550 5.1.1 <reader@example.org>: no such user"),
                *("--operator", operator.email),
            ],
            input=f"{password}\n",
        )

    assert bounce(message["Message-ID"], password="wrong").exit_code == 1
    assert load(app, tenant, bounced).state == "sent"
    done = bounce(message["Message-ID"])
    assert done.exit_code == 0, done.output
    stored = load(app, tenant, bounced)
    assert stored.state == "bounced" and stored.bounced_at is not None
    assert stored.reason == "550 5.1.1 <[address]>: no such user"
    assert bounce(str(bounced)).exit_code == 0  # reported twice: nothing changes
    refused = bounce(str(queued))
    assert refused.exit_code == 1 and "Only a sent message can bounce." in refused.output
    unknown = bounce(str(uuid.uuid4()))
    assert unknown.exit_code == 1 and "No such message." in unknown.output
    with app.app_context(), tenant_context(tenant):
        (event,) = db.session.execute(
            sa.select(AuditRecord).where(
                AuditRecord.object_type == "notifications", AuditRecord.action == "bounce"
            )
        ).scalars()
        assert event.object_id == str(bounced) and event.actor_type == "operator"
        assert event.changes["state"] == ["sent", "bounced"]


@pytest.fixture
def trial(app, client_as, make_study, join_study, tenant, mailbox) -> dict[str, Any]:
    """A study at PAR and LYO with its messages: a subject's at PAR (sent), one at LYO
    (failed), an invitation to the study (no center); and a password reset (no study)."""
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="NOTE-1")
    with app.app_context(), tenant_context(tenant):
        study_id = db.session.execute(
            sa.select(Study.id).where(Study.uuid == uuid.UUID(study.uuid))
        ).scalar_one()
        centers = dict(
            db.session.execute(
                sa.select(StudyCenter.code, StudyCenter.id).where(
                    StudyCenter.uuid.in_([uuid.UUID(c) for c in study.centers.values()])
                )
            ).all()
        )
    subject = uuid.uuid4()
    at_paris = record(
        app,
        tenant,
        address="subject@example.org",
        recipient=subject,
        kind=RecipientKind.SUBJECT,
        study_id=study_id,
        center_id=centers["PAR"],
    )
    at_lyon = record(
        app,
        tenant,
        address=None,
        kind=RecipientKind.SUBJECT,
        study_id=study_id,
        center_id=centers["LYO"],
    )
    invited = manager.post(
        "/api/invitations/",
        json={
            "email": "new.member@example.org",
            "platform_role": "viewer",
            "study": study.uuid,
            "study_role": "viewer",
        },
    )
    assert invited.status_code == 201, invited.json
    user = client_as(tenant, "viewer")
    manager.post("/api/auth/password-reset", json={"email": user.user.email})
    with app.app_context(), tenant_context(tenant):
        invitation, reset = (
            db.session.execute(sa.select(Notification.uuid).where(condition)).scalar_one()
            for condition in (
                Notification.template == "invitation",
                Notification.address == user.user.email,
            )
        )
    return {
        "manager": manager,
        "study": study,
        "subject": str(subject),
        "paris": str(at_paris),
        "lyon": str(at_lyon),
        "invitation": str(invitation),
        "reset": str(reset),
    }


def uuids(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["uuid"] for item in response.json]


def test_the_study_report_lists_and_counts_its_messages_without_their_content(trial):
    manager, headers = trial["manager"], trial["study"].headers
    listed = manager.get("/api/notifications/", headers=headers)
    assert uuids(listed) == [trial["invitation"], trial["lyon"], trial["paris"]]
    for item in listed.json:
        assert not {"address", "subject", "body"} & set(item)
    assert "subject@example.org" not in listed.text and "new.member" not in listed.text
    lyon = next(item for item in listed.json if item["uuid"] == trial["lyon"])
    assert lyon["state"] == "failed" and lyon["reason"] == "The subject has no email address."
    assert lyon["recipient_kind"] == "subject" and lyon["template"] == "password_reset"
    counts = manager.get("/api/notifications/counts", headers=headers)
    assert counts.json == {"queued": 0, "sent": 2, "failed": 1, "bounced": 0, "total": 3}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "failed"}, ["lyon"]),
        ({"channel": "sms"}, []),
        ({"template": "invitation"}, ["invitation"]),
        ({"recipient": "subject"}, ["paris"]),
        ({"recipient_kind": "invitee"}, ["invitation"]),
        ({"center": "LYO"}, ["lyon"]),
        ({"since": "2030-03-04T11:00:00+00:00", "until": "2030-03-04T13:00:00+00:00"}, None),
        ({"since": "2999-01-01T00:00:00+00:00"}, []),
    ],
)
def test_the_study_report_filters(trial, query, expected):
    resolved = {
        name: trial[value]
        if name == "recipient"
        else trial["study"].centers[value]
        if name == "center"
        else value
        for name, value in query.items()
    }
    headers = trial["study"].headers
    listed = trial["manager"].get("/api/notifications/", query_string=resolved, headers=headers)
    # Messages recorded at NOW: the subjects' two (the invitation was sent today).
    wanted = ["lyon", "paris"] if expected is None else expected
    assert uuids(listed) == [trial[name] for name in wanted]
    counted = trial["manager"].get(
        "/api/notifications/counts", query_string=resolved, headers=headers
    )
    assert counted.json["total"] == len(wanted)


@pytest.mark.parametrize(
    "query",
    [
        {"state": "lost"},
        {"since": "yesterday"},
        {"since": "2030-03-05T00:00:00+00:00", "until": "2030-03-04T00:00:00+00:00"},
        {"recipient": "not-a-uuid"},
    ],
)
def test_a_bad_filter_is_a_422_naming_it(trial, query):
    refused = trial["manager"].get(
        "/api/notifications/", query_string=query, headers=trial["study"].headers
    )
    assert refused.status_code == 422 and refused.json["error"]["fields"]


def test_site_staff_see_their_centers_and_read_a_message_with_an_audited_read(
    app, trial, join_study, tenant
):
    headers = trial["study"].headers
    investigator = join_study(headers, tenant, "investigator", [trial["study"].centers["PAR"]])
    assert uuids(investigator.get("/api/notifications/", headers=headers)) == [trial["paris"]]
    read = investigator.get(f"/api/notifications/{trial['paris']}", headers=headers)
    assert read.status_code == 200, read.json
    assert read.json["address"] == "subject@example.org"
    assert read.json["subject"] == f"Reset your {tenant.name} password"
    assert "\n\n[redacted]\n\n" in read.json["body"]
    elsewhere = investigator.get(f"/api/notifications/{trial['lyon']}", headers=headers)
    assert elsewhere.status_code == 404
    with app.app_context(), tenant_context(tenant):
        (event,) = db.session.execute(
            sa.select(AuditRecord).where(
                AuditRecord.object_type == "notifications", AuditRecord.action == "read"
            )
        ).scalars()
    assert event.object_id == trial["paris"] and event.actor_id == str(investigator.user.uuid)
    assert event.study_id == trial["study"].uuid and event.subject_id == trial["subject"]
    assert event.center_id == trial["study"].centers["PAR"]


def test_who_may_read_the_study_s_messages(trial, join_study, client_as, tenant):
    manager, headers = trial["manager"], trial["study"].headers
    # A study manager sees deliveries, not what they said.
    assert manager.get(f"/api/notifications/{trial['paris']}", headers=headers).status_code == 403
    viewer = join_study(headers, tenant, "viewer")
    for url in ("/api/notifications/", "/api/notifications/counts"):
        refused = viewer.get(url, headers=headers)
        assert refused.status_code == 403
        assert refused.json["error"]["details"] == {"permission": "notifications.access"}
    outsider = client_as(tenant, "investigator")  # not in the study
    assert outsider.get("/api/notifications/", headers=headers).status_code == 403
    assert manager.get("/api/notifications/").status_code == 400  # no Study-Uuid


def test_another_study_sees_none_of_them(trial, make_study):
    other = make_study(trial["manager"], "NCE", reference="NOTE-2")
    assert uuids(trial["manager"].get("/api/notifications/", headers=other.headers)) == []
    counts = trial["manager"].get("/api/notifications/counts", headers=other.headers)
    assert counts.json["total"] == 0


def test_the_tenant_report_holds_its_own_messages_of_no_study(
    trial, client_as, client_for, tenant, other_tenant
):
    administrator = client_as(tenant)
    assert uuids(administrator.get("/api/notifications/tenant/")) == [trial["reset"]]
    counts = administrator.get("/api/notifications/tenant/counts", query_string={"state": "sent"})
    assert counts.json["sent"] == 1 and counts.json["total"] == 1
    read = administrator.get(f"/api/notifications/tenant/{trial['reset']}")
    assert read.status_code == 200 and "\n\n[redacted]\n\n" in read.json["body"]
    # A study's message is read in its study only.
    assert administrator.get(f"/api/notifications/tenant/{trial['paris']}").status_code == 404
    manager = trial["manager"]
    assert uuids(manager.get("/api/notifications/tenant/")) == [trial["reset"]]
    assert manager.get(f"/api/notifications/tenant/{trial['reset']}").status_code == 403
    assert client_as(tenant, "viewer").get("/api/notifications/tenant/").status_code == 403
    stranger = client_as(other_tenant)
    assert uuids(stranger.get("/api/notifications/tenant/")) == []
    assert stranger.get(f"/api/notifications/tenant/{trial['reset']}").status_code == 404


class WorkerKilled(BaseException):
    """A worker killed in the middle of a job: no ``except Exception`` stops it."""


def record_many(app, tenant, count: int) -> list[int]:
    """``count`` emails recorded in one transaction, to r0@ ... r{count-1}@example.org."""
    with app.app_context(), tenant_context(tenant), unit_of_work():
        notifications = [
            notify(
                "password_reset",
                Channel.EMAIL,
                Recipient(RecipientKind.USER, uuid.uuid4(), f"r{index}@example.org"),
                RESET,
            )
            for index in range(count)
        ]
        db.session.flush()
        return [notification.id for notification in notifications]


def deliver_as_job(app, tenant, ids: list[int]) -> int:
    with app.app_context(), owned_by("job"), tenant_context(tenant), unit_of_work():
        return deliver_notifications(ids)


def outcomes(app, tenant) -> dict[str, tuple[str, int]]:
    with app.app_context(), tenant_context(tenant):
        rows = db.session.execute(
            sa.select(Notification.address, Notification.state, Notification.attempts)
        ).all()
        return {address: (state, attempts) for address, state, attempts in rows}


@pytest.fixture
def handed(monkeypatch, mailbox) -> dict[str, Any]:
    """Who the mail backend was handed each email for, in order; ``crash`` and ``refuse``
    name a recipient whose email kills the worker or fails."""
    seen: dict[str, Any] = {"to": [], "crash": None, "refuse": None}
    original = FileBackend.send

    def send(backend: FileBackend, message: email.message.EmailMessage) -> None:
        seen["to"].append(message["To"])
        if message["To"] == seen["crash"]:
            raise WorkerKilled
        if message["To"] == seen["refuse"]:
            raise OSError("disk full")
        original(backend, message)

    monkeypatch.setattr(FileBackend, "send", send)
    return seen


def test_a_crash_mid_step_sends_again_at_most_the_step(app, tenant, redis_queue, handed):
    ids = record_many(app, tenant, 25)
    handed["crash"] = "r12@example.org"  # the third email of the second step
    with pytest.raises(WorkerKilled):
        deliver_as_job(app, tenant, ids)
    states = outcomes(app, tenant)
    assert {states[f"r{i}@example.org"] for i in range(STEP)} == {("sent", 1)}
    assert {states[f"r{i}@example.org"] for i in range(STEP, 25)} == {("queued", 0)}
    handed["crash"] = None
    assert deliver_as_job(app, tenant, ids) == 25 - STEP  # the job's retry
    assert set(outcomes(app, tenant).values()) == {("sent", 1)}
    twice = {to for to in handed["to"] if handed["to"].count(to) > 1}
    assert twice == {"r10@example.org", "r11@example.org", "r12@example.org"}
    assert len(twice) <= STEP


def test_a_failing_email_keeps_the_others_outcomes(app, tenant, redis_queue, handed):
    ids = record_many(app, tenant, 12)
    handed["refuse"] = "r3@example.org"
    assert deliver_as_job(app, tenant, ids) == 11
    states = outcomes(app, tenant)
    assert states.pop("r3@example.org") == ("queued", 1)  # tried again later
    assert set(states.values()) == {("sent", 1)}


def test_a_database_failure_of_one_message_keeps_the_others_outcomes(
    app, tenant, redis_queue, handed, monkeypatch
):
    """A provider's id longer than its column: the message's outcome is refused by the
    database once its server took it; it alone is undone, then retried, at most
    MAX_ATTEMPTS times in all."""
    ids = record_many(app, tenant, 12)
    original = delivery._send

    def send(notification: Notification, *args: Any) -> str | None:
        provider_id = original(notification, *args)
        return "x" * 300 if notification.address == "r3@example.org" else provider_id

    monkeypatch.setattr(delivery, "_send", send)
    assert deliver_as_job(app, tenant, ids) == 11
    states = outcomes(app, tenant)
    assert states.pop("r3@example.org") == ("queued", 1)  # tried again later
    assert set(states.values()) == {("sent", 1)}
    with app.app_context(), tenant_context(tenant):
        failed = db.session.execute(
            sa.select(Notification).where(Notification.address == "r3@example.org")
        ).scalar_one()
        assert "could not be recorded" in (failed.reason or "")
        assert failed.not_before is not None and failed.provider_id is None
    for _ in range(MAX_ATTEMPTS - 1):  # its next attempts come
        with app.app_context(), tenant_context(tenant), unit_of_work():
            db.session.execute(sa.update(Notification).values(not_before=None))
        assert deliver_as_job(app, tenant, ids) == 0
    assert outcomes(app, tenant)["r3@example.org"] == ("failed", MAX_ATTEMPTS)
    assert handed["to"].count("r3@example.org") == MAX_ATTEMPTS
    assert all(handed["to"].count(f"r{i}@example.org") == 1 for i in range(12) if i != 3)


def statements_delivering(app, tenant, count: int) -> list[str]:
    """The statements a delivery job of ``count`` fresh messages sends to the database."""
    ids = record_many(app, tenant, count)
    seen: list[str] = []

    def note(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        assert deliver_as_job(app, tenant, ids) == count
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return seen


def test_a_delivery_step_writes_its_outcomes_in_one_statement_whatever_its_messages(
    app, tenant, redis_queue, handed
):
    """A step locks its messages in one statement and writes their outcomes in another
    (in a savepoint): the statements of a job grow with its steps, not its messages."""
    one = statements_delivering(app, tenant, 1)
    full = statements_delivering(app, tenant, STEP)
    assert len(full) == len(one)
    assert sum(s.startswith("UPDATE") and "notifications" in s for s in full) == 1
    three = statements_delivering(app, tenant, 3 * STEP)
    # A step: its lock, its savepoint, its outcomes, the savepoint's release.
    assert len(three) == len(one) + 2 * 4
    assert set(outcomes(app, tenant).values()) == {("sent", 1)}


def test_notify_all_records_many_messages_in_one_statement_each_as_notify_would(
    app, tenant, mailbox, paris
):
    evening = dt.datetime(2030, 3, 4, 21, 30, tzinfo=dt.UTC)  # 22:30 in Paris
    people = [Recipient(RecipientKind.USER, uuid.uuid4(), f"p{i}@example.org") for i in range(3)]
    messages = [
        Outgoing("password_reset", Channel.EMAIL, people[0], RESET),
        Outgoing("password_reset", Channel.EMAIL, people[1], RESET, quiet_hours=QUIET),
        Outgoing(
            "password_reset",
            Channel.EMAIL,
            Recipient(RecipientKind.USER, uuid.uuid4(), None),
            RESET,
        ),
        Outgoing("password_reset", Channel.EMAIL, people[2], RESET),
    ]
    inserts: list[str] = []

    def note(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT INTO") and ".notifications " in statement:
            inserts.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        with (
            time_machine.travel(evening, tick=False),
            app.app_context(),
            tenant_context(tenant),
            unit_of_work(),
        ):
            ids = notify_all(messages)
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert len(inserts) == 1 and len(ids) == 4
    with app.app_context(), tenant_context(tenant):
        stored = {
            n.id: n
            for n in db.session.scalars(sa.select(Notification).where(Notification.id.in_(ids)))
        }
        at_once, waiting, no_address, also = (stored[id_] for id_ in ids)
        assert (at_once.state, at_once.attempts, at_once.sent_at) == ("sent", 1, evening)
        assert also.state == "sent" and at_once.address == "p0@example.org"
        assert (waiting.state, waiting.dispatched_at) == ("queued", None)
        assert waiting.not_before == dt.datetime(2030, 3, 5, 7, 0, tzinfo=dt.UTC)
        assert (no_address.state, no_address.reason) == ("failed", "The user has no email address.")
        assert "\n\n[redacted]\n\n" in at_once.body and at_once.language == "en"
    assert sorted(m["To"] for m in mails(mailbox)) == ["p0@example.org", "p2@example.org"]
