"""Electronic signatures through the REST API: signing sections and casebooks with the
password again, the manifestation in every read, breaking on a data change, verification
bound to its record, withdrawal by the signer only, bulk signing in a job, who may sign,
centers and tenants, and bad input that writes nothing."""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from rq import Queue, SimpleWorker

from datacapt.testing import TenantClient, emails_to, unit_of_work
from datacapt.toolkit import AuditRecord, Study, User, db, enqueue, tenant_context
from plugins.ecrf.api import Section
from plugins.monitoring.signatures import services
from plugins.monitoring.signatures.models import Signature, Signing
from plugins.monitoring.tests.support import Trial
from plugins.subjects.api import SubjectInStudy

SIGNATURES = "/api/monitoring/signatures/"


def section(trial: Trial, index: int = 0, subject: str | None = None) -> dict[str, str]:
    return {"subject": subject or trial.subject, "section": trial.sections[index]}


def casebook(trial: Trial, subject: str | None = None) -> dict[str, str]:
    return {"subject": subject or trial.subject}


def sign(
    trial: Trial,
    client: TenantClient,
    *targets: dict[str, str],
    meaning: str = "approval",
    password: str | None = None,
) -> Any:
    body = {
        "targets": list(targets),
        "meaning": meaning,
        "password": password or client.user.password,
    }
    return client.post(SIGNATURES, json=body, headers=trial.headers)


def signed(trial: Trial, client: TenantClient, *targets: dict[str, str], **kwargs: Any) -> Any:
    """The signatures given in the request, which must have succeeded."""
    answer = sign(trial, client, *targets, **kwargs)
    assert answer.status_code == 201, answer.json
    return answer.json["signatures"]


def read(trial: Trial, client: TenantClient, signature: str, path: str = "") -> Any:
    return client.get(f"{SIGNATURES}{signature}{path}", headers=trial.headers)


def withdraw(trial: Trial, client: TenantClient, signature: str, reason: Any = "Signed too early"):
    return client.post(
        f"{SIGNATURES}{signature}/withdraw", json={"reason": reason}, headers=trial.headers
    )


def listed(trial: Trial, client: TenantClient, **filters: str) -> list[dict[str, Any]]:
    answer: Any = client.get(SIGNATURES, query_string=filters, headers=trial.headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def annotated(trial: Trial, client: TenantClient, index: int = 0, subject: str | None = None):
    view = trial.read(client, index, subject)
    assert view.status_code == 200, view.json
    return view.json["annotations"]["signatures"]


@contextlib.contextmanager
def in_tenant(app, tenant) -> Iterator[None]:
    with app.app_context(), tenant_context(tenant), unit_of_work():
        yield


def error(answer: Any) -> tuple[int, str]:
    return answer.status_code, answer.json["error"]["internal_name"]


@pytest.mark.requirement("P11-11.50", "A11-14")
def test_an_investigator_signs_a_section_and_every_read_shows_it(app, tenant, trial):
    answer = sign(trial, trial.investigator, section(trial))
    assert answer.status_code == 201, answer.json
    assert answer.json["signing"]["state"] == "done"
    assert (answer.json["signing"]["total"], answer.json["signing"]["signed"]) == (1, 1)
    (signature,) = answer.json["signatures"]
    assert signature["printed_name"] == "Test Investigator"
    assert signature["signer"] == str(trial.investigator.user.uuid)
    assert (signature["scope"], signature["meaning"], signature["state"]) == (
        "section",
        "approval",
        "valid",
    )
    assert signature["section"] == trial.sections[0]
    assert signature["subject"] == trial.subject
    assert signature["declaration"].startswith("I confirm that I have reviewed")
    assert signature["signed_at"].endswith("+00:00")
    (shown,) = annotated(trial, trial.viewer)
    assert shown == {
        key: signature[key] for key in ("uuid", "scope", "printed_name", "signed_at", "meaning")
    }
    assert annotated(trial, trial.viewer, index=1) == []  # Week 4 is not signed
    assert [s["uuid"] for s in listed(trial, trial.monitor)] == [signature["uuid"]]

    detail = read(trial, trial.monitor, signature["uuid"])
    assert detail.status_code == 200, detail.json
    assert detail.json["changes"] == []
    snapshot = detail.json["snapshot"]
    assert (snapshot["subject"], snapshot["section"], snapshot["tenant"]) == (
        trial.subject,
        trial.sections[0],
        str(tenant.uuid),
    )
    assert {a["code"] for a in snapshot["answers"]} == {"sex", "weight", "height", "bmi", "smoker"}
    with in_tenant(app, tenant):
        # Each answer is signed with its audit head: its latest record in the tenant's chain.
        for answer_signed in snapshot["answers"]:
            head = db.session.execute(
                sa.select(AuditRecord.sequence, AuditRecord.hash)
                .where(
                    AuditRecord.object_type == "ecrf_answers",
                    AuditRecord.subject_id == trial.subject,
                    AuditRecord.question == answer_signed["code"],
                )
                .order_by(AuditRecord.sequence.desc())
                .limit(1)
            ).one()
            assert (answer_signed["audit_sequence"], answer_signed["audit_hash"]) == tuple(head)
        created = db.session.execute(
            sa.select(AuditRecord).where(
                AuditRecord.object_type == "monitoring_signatures",
                AuditRecord.object_id == signature["uuid"],
            )
        ).scalar_one()
        assert (created.action, created.actor_id) == ("create", str(trial.investigator.user.uuid))
        assert (created.subject_id, created.section_id) == (trial.subject, trial.sections[0])
        assert created.changes["hash"][1] == signature["hash"]
        confirmed = db.session.execute(
            sa.select(AuditRecord.changes).where(AuditRecord.object_type == "security_events")
        ).scalars()
        assert any(c.get("kind", [None, None])[1] == "password_confirmed" for c in confirmed)
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode()).hexdigest() == signature["hash"]

    verified = read(trial, trial.viewer, signature["uuid"], "/verification")
    assert verified.status_code == 200, verified.json
    assert verified.json["holds"] is True and verified.json["snapshot_intact"] is True
    assert verified.json["computed_hash"] == signature["hash"]


def test_a_casebook_signature_covers_every_section(trial):
    assert trial.save(trial.investigator, {"pain": 3}, section=1, reason=None).status_code == 200
    (signature,) = signed(trial, trial.investigator, casebook(trial), meaning="responsibility")
    assert (signature["scope"], signature["section"]) == ("casebook", None)
    for index in (0, 1):
        assert [s["uuid"] for s in annotated(trial, trial.monitor, index)] == [signature["uuid"]]
    snapshot = read(trial, trial.monitor, signature["uuid"]).json["snapshot"]
    assert {"sex", "pain"} <= {a["code"] for a in snapshot["answers"]}
    # Another subject's sections are not covered.
    assert annotated(trial, trial.viewer, subject=trial.lyon_subject) == []


@pytest.mark.requirement("P11-11.50")
def test_the_study_declaration_is_stored_with_each_signature(trial):
    declaration = "I approve these data as principal investigator."
    changed = trial.manager.patch(
        "/api/plugins/monitoring/study-settings",
        json={"signature_declaration": declaration},
        headers=trial.headers,
    )
    assert changed.status_code == 200, changed.json
    (signature,) = signed(trial, trial.investigator, section(trial))
    assert signature["declaration"] == declaration


def _user(app, tenant, client: TenantClient) -> tuple[str, int]:
    with in_tenant(app, tenant):
        user = db.session.get_one(User, client.user.id)
        return user.status, user.failed_login_count


@pytest.mark.requirement("P11-11.200", "P11-11.300")
def test_a_wrong_password_is_refused_counted_and_locks_the_account(app, tenant, trial, client_as):
    admin = client_as(tenant)
    policy = admin.patch("/api/tenant/settings", json={"max_failed_logins": 3})
    assert policy.status_code == 200, policy.json
    investigator = trial.investigator
    for failures in (1, 2):
        refused = sign(trial, investigator, section(trial), password="not my password")
        assert error(refused) == (422, "WRONG_PASSWORD")
        assert "password" in refused.json["error"]["fields"]
        assert _user(app, tenant, investigator) == ("active", failures)
    assert listed(trial, trial.monitor) == []
    # A right one resets the count, as at login.
    signed(trial, investigator, section(trial))
    assert _user(app, tenant, investigator) == ("active", 0)
    for _ in range(3):
        refused = sign(trial, investigator, casebook(trial), password="still wrong")
        assert error(refused) == (422, "WRONG_PASSWORD")
    assert _user(app, tenant, investigator)[0] == "locked"
    assert sign(trial, investigator, casebook(trial)).status_code == 401  # its session ended
    with in_tenant(app, tenant):
        kinds = db.session.execute(
            sa.select(AuditRecord.changes["kind"][1].astext).where(
                AuditRecord.object_type == "security_events"
            )
        ).scalars()
        assert list(kinds).count("password_confirmation_failed") == 5
    assert len(listed(trial, trial.monitor)) == 1


@pytest.mark.requirement("P11-11.70", "A11-8", "A11-14")
def test_a_data_change_breaks_the_signature_and_its_read_shows_what_changed(app, tenant, trial):
    assert trial.save(trial.investigator, {"pain": 2}, section=1, reason=None).status_code == 200
    screening, week4 = signed(trial, trial.investigator, section(trial), section(trial, 1))
    (whole,) = signed(trial, trial.investigator, casebook(trial), meaning="review")
    before = read(trial, trial.monitor, screening["uuid"]).json["snapshot"]["answers"]
    weight = next(a for a in before if a["code"] == "weight")

    saved = trial.save(trial.investigator, {"weight": "72"}, reason="Scale recalibrated")
    assert saved.status_code == 200, saved.json
    broken = read(trial, trial.monitor, screening["uuid"])
    assert broken.json["state"] == "broken" and broken.json["broken_at"]
    changes = {c["code"]: c for c in broken.json["changes"]}
    assert set(changes) == {"weight", "bmi"}  # and the BMI calculated from it
    assert changes["weight"]["value_signed"] == weight["value"]
    assert changes["weight"]["value_now"] == "72"
    assert changes["weight"]["signed"] is True
    assert changes["weight"]["section"] == trial.sections[0]
    assert changes["weight"]["audit_sequence"] > weight["audit_sequence"]
    assert read(trial, trial.monitor, whole["uuid"]).json["state"] == "broken"
    # Week 4 did not change: its signature holds.
    assert read(trial, trial.monitor, week4["uuid"]).json["state"] == "valid"
    verified = read(trial, trial.viewer, screening["uuid"], "/verification").json
    assert verified["holds"] is False and verified["snapshot_intact"] is True
    assert {c["code"] for c in verified["changes"]} == {"weight", "bmi"}
    assert annotated(trial, trial.viewer) == []
    assert [s["uuid"] for s in annotated(trial, trial.viewer, 1)] == [week4["uuid"]]
    assert {s["uuid"] for s in listed(trial, trial.monitor, state="broken")} == {
        screening["uuid"],
        whole["uuid"],
    }
    with in_tenant(app, tenant):
        reasons = db.session.execute(
            sa.select(AuditRecord.reason).where(
                AuditRecord.object_type == "monitoring_signatures",
                AuditRecord.action == "update",
            )
        ).scalars()
        assert list(reasons) == ["Scale recalibrated", "Scale recalibrated"]

    # Changed back, the value is the same but the answer's history moved: still broken.
    trial.save(trial.investigator, {"weight": weight["value"]}, reason="Back to the source")
    again = read(trial, trial.monitor, screening["uuid"]).json
    assert again["state"] == "broken"
    assert {c["code"] for c in again["changes"]} == {"weight", "bmi"}
    # Signed anew, it holds.
    (fresh,) = signed(trial, trial.investigator, section(trial))
    assert read(trial, trial.viewer, fresh["uuid"], "/verification").json["holds"] is True


@pytest.mark.requirement("P11-11.70", "A11-14")
def test_a_signature_does_not_verify_on_another_record(app, tenant, trial):
    # Both subjects have the same Screening answers: only the record tells them apart.
    (paris,) = signed(trial, trial.investigator, section(trial))
    (lyon,) = signed(trial, trial.lyon_investigator, section(trial, subject=trial.lyon_subject))
    with in_tenant(app, tenant):
        original = db.session.execute(
            sa.select(Signature).where(Signature.uuid == uuid.UUID(paris["uuid"]))
        ).scalar_one()
        copy = db.session.execute(
            sa.select(Signature).where(Signature.uuid == uuid.UUID(lyon["uuid"]))
        ).scalar_one()
        copy.snapshot, copy.hash = dict(original.snapshot), original.hash
    verified = read(trial, trial.data_manager, lyon["uuid"], "/verification").json
    assert verified["snapshot_intact"] is True  # the copied snapshot hashes to its hash
    assert verified["holds"] is False  # but not from the record it now claims
    assert verified["hash"] == paris["hash"] != verified["computed_hash"]
    with in_tenant(app, tenant):
        moved = db.session.execute(
            sa.select(Signature).where(Signature.uuid == uuid.UUID(paris["uuid"]))
        ).scalar_one()
        moved.subject_in_study_id = db.session.execute(
            sa.select(SubjectInStudy.id).where(SubjectInStudy.uuid == uuid.UUID(trial.lyon_subject))
        ).scalar_one()
    moved_check = read(trial, trial.data_manager, paris["uuid"], "/verification").json
    assert moved_check["holds"] is False and moved_check["snapshot_intact"] is True


@pytest.mark.requirement("P11-11.100")
def test_only_the_signer_withdraws_with_a_reason(app, tenant, trial, join_study):
    (signature,) = signed(trial, trial.investigator, section(trial))
    colleague = join_study(trial.headers, tenant, "investigator", centers=[trial.centers["PAR"]])
    admin = join_study(trial.headers, tenant, "administrator")
    for other in (colleague, admin):
        assert error(withdraw(trial, other, signature["uuid"])) == (403, "SIGNATURE_NOT_SIGNERS")
    for without_sign in (trial.data_manager, trial.monitor, trial.manager):
        assert error(withdraw(trial, without_sign, signature["uuid"])) == (
            403,
            "PERMISSION_DENIED",
        )
    for reason in ("", None, "x" * 1001):
        assert withdraw(trial, trial.investigator, signature["uuid"], reason).status_code == 422
    assert read(trial, trial.monitor, signature["uuid"]).json["state"] == "valid"

    withdrawn = withdraw(trial, trial.investigator, signature["uuid"], "Signed the wrong visit")
    assert withdrawn.status_code == 200, withdrawn.json
    assert withdrawn.json["state"] == "withdrawn"
    assert withdrawn.json["withdrawal_reason"] == "Signed the wrong visit"
    assert withdrawn.json["withdrawn_at"]
    again = withdraw(trial, trial.investigator, signature["uuid"])
    assert error(again) == (409, "SIGNATURE_WITHDRAWN")
    assert annotated(trial, trial.viewer) == []
    with in_tenant(app, tenant):
        record = db.session.execute(
            sa.select(AuditRecord).where(
                AuditRecord.object_type == "monitoring_signatures",
                AuditRecord.action == "update",
            )
        ).scalar_one()
        assert record.reason == "Signed the wrong visit"
        assert record.actor_id == str(trial.investigator.user.uuid)
        assert record.changes["state"] == ["valid", "withdrawn"]
    # Withdrawn, the record may be signed again with the same meaning.
    assert len(signed(trial, trial.investigator, section(trial))) == 1


def test_many_records_are_signed_in_one_request_with_few_statements(app, tenant, trial, join_study):
    admin = join_study(trial.headers, tenant, "administrator")
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    def signing_statements(*targets: dict[str, str]) -> int:
        statements.clear()
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", count)
            try:
                signed(trial, admin, *targets)
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    one = signing_statements(section(trial))
    assert trial.save(trial.investigator, {"pain": 1}, section=1, reason=None).status_code == 200
    lyon = trial.save(trial.lyon_investigator, {"pain": 4}, 1, trial.lyon_subject, None)
    assert lyon.status_code == 200
    many = signing_statements(
        section(trial, 1),
        casebook(trial),
        section(trial, 0, trial.lyon_subject),
        section(trial, 1, trial.lyon_subject),
        casebook(trial, trial.lyon_subject),
    )
    assert many == one, "signing costs the same statements for one record or five"
    assert len(listed(trial, trial.data_manager, signer=str(admin.user.uuid))) == 6


def test_a_large_signing_is_a_job_the_caller_follows(app, tenant, trial, redis_queue, monkeypatch):
    monkeypatch.setattr(services, "IN_REQUEST_LIMIT", 2)
    assert trial.save(trial.investigator, {"pain": 5}, section=1, reason=None).status_code == 200
    asked = sign(trial, trial.investigator, section(trial), section(trial, 1), casebook(trial))
    assert asked.status_code == 202, asked.json
    assert asked.json["signatures"] == []
    signing = asked.json["signing"]
    assert (signing["state"], signing["total"], signing["signed"]) == ("queued", 3, 0)
    follow = f"{SIGNATURES}signings/{signing['uuid']}"
    assert trial.investigator.get(follow, headers=trial.headers).json["state"] == "queued"
    # Week 4 changes before the job runs: what covers it is not signed.
    assert trial.save(trial.investigator, {"pain": 6}, section=1).status_code == 200
    _work(app, redis_queue)
    done = trial.investigator.get(follow, headers=trial.headers)
    assert done.status_code == 200, done.json
    assert trial.monitor.get(follow, headers=trial.headers).status_code == 404  # not theirs
    assert (done.json["state"], done.json["signed"]) == ("done", 1)
    assert done.json["finished_at"]
    assert {(s["subject"], s["section"], s["reason"]) for s in done.json["skipped"]} == {
        (trial.subject, trial.sections[1], "changed"),
        (trial.subject, None, "changed"),  # the casebook covers Week 4
    }
    (only,) = listed(trial, trial.monitor, signing=signing["uuid"])
    assert (only["section"], only["printed_name"]) == (trial.sections[0], "Test Investigator")
    with in_tenant(app, tenant):
        actor = db.session.execute(
            sa.select(AuditRecord.actor_id).where(
                AuditRecord.object_type == "monitoring_signatures"
            )
        ).scalar_one()
        assert actor == str(trial.investigator.user.uuid)  # the signer's act, not the job's
        (email,) = emails_to(trial.investigator.user.email)
        assert "1 signed" in email.body and "MONITORED" in email.subject


def _work(app, connection) -> None:
    with app.app_context():
        SimpleWorker([Queue("default", connection=connection)], connection=connection).work(
            burst=True
        )


@pytest.mark.requirement("E6-4.3.5")
def test_a_failed_job_keeps_what_it_signed_and_goes_on_when_run_again(
    app, tenant, trial, redis_queue, monkeypatch
):
    monkeypatch.setattr(services, "IN_REQUEST_LIMIT", 1)
    monkeypatch.setattr(services, "CHUNK", 1)
    original, calls = services.sign_targets, []

    def failing_second_chunk(*args: Any) -> Any:
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return original(*args)

    monkeypatch.setattr(services, "sign_targets", failing_second_chunk)
    asked = sign(trial, trial.investigator, section(trial), casebook(trial))
    assert asked.status_code == 202, asked.json
    follow = f"{SIGNATURES}signings/{asked.json['signing']['uuid']}"
    _work(app, redis_queue)
    failed = trial.investigator.get(follow, headers=trial.headers).json
    assert (failed["state"], failed["signed"], failed["finished_at"]) == ("failed", 1, None)
    assert len(listed(trial, trial.monitor)) == 1  # the first chunk stays signed

    monkeypatch.setattr(services, "sign_targets", original)
    with in_tenant(app, tenant):  # its retry, sent again
        enqueue(
            "plugins.monitoring.signatures.jobs.run_signing",
            asked.json["signing"]["uuid"],
            tenant=tenant,
        )
    _work(app, redis_queue)
    done = trial.investigator.get(follow, headers=trial.headers).json
    assert (done["state"], done["signed"], done["skipped"]) == ("done", 2, [])
    assert sorted(str(s["section"]) for s in listed(trial, trial.monitor)) == sorted(
        [trial.sections[0], "None"]
    )


@pytest.mark.requirement("P11-11.10g")
def test_who_may_sign_and_see_signatures(trial):
    for client in (trial.monitor, trial.data_manager, trial.viewer, trial.manager):
        assert error(sign(trial, client, section(trial))) == (403, "PERMISSION_DENIED")
    # An investigator of Lyon signs only Lyon's subjects: Paris's are not there for them.
    refused = sign(trial, trial.lyon_investigator, section(trial), casebook(trial))
    assert error(refused) == (404, "OBJECT_NOT_FOUND")
    assert refused.json["error"]["details"] == {"subjects": [trial.subject]}
    (paris,) = signed(trial, trial.investigator, section(trial))
    (lyon,) = signed(trial, trial.lyon_investigator, casebook(trial, trial.lyon_subject))
    assert [s["uuid"] for s in listed(trial, trial.investigator)] == [paris["uuid"]]
    assert [s["uuid"] for s in listed(trial, trial.lyon_investigator)] == [lyon["uuid"]]
    assert {s["uuid"] for s in listed(trial, trial.viewer)} == {paris["uuid"], lyon["uuid"]}
    for path in ("", "/verification"):
        assert error(read(trial, trial.lyon_investigator, paris["uuid"], path)) == (
            404,
            "OBJECT_NOT_FOUND",
        )
    assert withdraw(trial, trial.lyon_investigator, paris["uuid"]).status_code == 404
    assert listed(trial, trial.viewer, subject=trial.lyon_subject)[0]["uuid"] == lyon["uuid"]
    assert (
        listed(trial, trial.viewer, signer=str(trial.investigator.user.uuid))[0]["uuid"]
        == (paris["uuid"])
    )


def test_another_tenant_sees_nothing(trial, other_tenant, client_as, make_study, enable_plugins):
    (signature,) = signed(trial, trial.investigator, section(trial))
    enable_plugins(other_tenant, "monitoring")
    stranger = client_as(other_tenant)
    study = make_study(stranger, "PAR", reference="ELSEWHERE")
    assert stranger.get(SIGNATURES, headers=study.headers).json == []
    for path in ("", "/verification"):
        answer = stranger.get(f"{SIGNATURES}{signature['uuid']}{path}", headers=study.headers)
        assert answer.status_code == 404
    withdrawn = stranger.post(
        f"{SIGNATURES}{signature['uuid']}/withdraw", json={"reason": "x"}, headers=study.headers
    )
    assert withdrawn.status_code == 404
    body = {"targets": [section(trial)], "meaning": "approval", "password": stranger.user.password}
    assert stranger.post(SIGNATURES, json=body, headers=study.headers).status_code == 404
    # Another tenant's study is not a study here.
    assert trial.investigator.get(SIGNATURES, headers=study.headers).status_code == 404


def _screening(trial: Trial) -> list[dict[str, str]]:
    return [section(trial)]


def _screening_twice(trial: Trial) -> list[dict[str, str]]:
    return [section(trial), section(trial)]


@pytest.mark.parametrize(
    ("targets", "body"),
    [
        (None, {}),
        (None, {"targets": [], "meaning": "approval", "password": "x"}),
        (None, {"targets": [{"subject": "nope"}], "meaning": "approval", "password": "x"}),
        (None, {"targets": "all", "meaning": "approval", "password": "x"}),
        (None, {"meaning": "approval", "password": "x"}),
        (_screening, {"meaning": "agreement", "password": "x"}),
        (_screening, {"meaning": "approval"}),
        (_screening, {"meaning": "approval", "password": ""}),
        (_screening, {"meaning": "approval", "password": "x", "extra": 1}),
        (_screening_twice, {"meaning": "approval", "password": "x"}),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(app, tenant, trial, targets, body):
    if targets is not None:
        body = {**body, "targets": targets(trial)}
    answer = trial.investigator.post(SIGNATURES, json=body, headers=trial.headers)
    assert error(answer) == (422, "VALIDATION_FAILED"), answer.json
    _nothing_written(app, tenant, trial)


def _nothing_written(app, tenant, trial: Trial) -> None:
    with in_tenant(app, tenant):
        assert db.session.execute(sa.select(sa.func.count()).select_from(Signature)).scalar() == 0
        assert db.session.execute(sa.select(sa.func.count()).select_from(Signing)).scalar() == 0
        assert db.session.get_one(User, trial.investigator.user.id).failed_login_count == 0


def test_records_that_cannot_be_signed_are_refused_and_nothing_is_written(app, tenant, trial):
    unknown = str(uuid.uuid4())
    missing = sign(trial, trial.investigator, section(trial), {"subject": unknown})
    assert error(missing) == (404, "OBJECT_NOT_FOUND")
    assert missing.json["error"]["details"] == {"subjects": [unknown]}
    no_section = sign(trial, trial.investigator, {"subject": trial.subject, "section": unknown})
    assert error(no_section) == (404, "OBJECT_NOT_FOUND")
    assert no_section.json["error"]["details"] == {"sections": [unknown]}
    empty = sign(trial, trial.investigator, section(trial), section(trial, 1))
    assert error(empty) == (409, "SIGNATURE_REFUSED")
    assert empty.json["error"]["details"]["targets"] == [
        {"subject": trial.subject, "section": trial.sections[1], "reason": "nothing_to_sign"}
    ]
    # Refused before the password is checked: a wrong one is not counted then.
    wrong = sign(trial, trial.investigator, section(trial, 1), password="wrong")
    assert error(wrong) == (409, "SIGNATURE_REFUSED")
    _nothing_written(app, tenant, trial)

    signed(trial, trial.investigator, section(trial))
    twice = sign(trial, trial.investigator, section(trial), casebook(trial))
    assert error(twice) == (409, "SIGNATURE_REFUSED")
    assert twice.json["error"]["details"]["targets"] == [
        {"subject": trial.subject, "section": trial.sections[0], "reason": "already_signed"}
    ]
    # Another meaning is another signature.
    assert len(signed(trial, trial.investigator, section(trial), meaning="review")) == 1


@pytest.mark.parametrize(
    "query", [{"state": "lost"}, {"subject": "nope"}, {"signer": "1"}, {"unknown": "x"}]
)
def test_bad_filters_are_refused(trial, query):
    answer = trial.monitor.get(SIGNATURES, query_string=query, headers=trial.headers)
    assert answer.status_code in (400, 422), answer.json


def test_which_sections_are_unsigned_for_a_lock(app, tenant, trial):
    assert trial.save(trial.investigator, {"pain": 1}, section=1, reason=None).status_code == 200

    def unsigned() -> list[tuple[str, str]]:
        with in_tenant(app, tenant):
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(trial.headers["Study-Uuid"]))
            ).scalar_one()
            subjects = {
                pid: public
                for pid, public in db.session.execute(
                    sa.select(SubjectInStudy.id, SubjectInStudy.uuid)
                )
            }
            sections = {
                sid: public
                for sid, public in db.session.execute(sa.select(Section.id, Section.uuid))
            }
            return [
                (str(subjects[p]), str(sections[s]))
                for p, s in services.unsigned(study, list(subjects))
            ]

    everything = {
        (trial.subject, trial.sections[0]),
        (trial.subject, trial.sections[1]),
        (trial.lyon_subject, trial.sections[0]),  # Lyon's Week 4 has nothing entered
    }
    assert set(unsigned()) == everything
    (screening,) = signed(trial, trial.investigator, section(trial))
    assert set(unsigned()) == everything - {(trial.subject, trial.sections[0])}
    signed(trial, trial.lyon_investigator, casebook(trial, trial.lyon_subject))
    assert unsigned() == [(trial.subject, trial.sections[1])]
    withdraw(trial, trial.investigator, screening["uuid"])
    assert set(unsigned()) == {
        (trial.subject, trial.sections[0]),
        (trial.subject, trial.sections[1]),
    }


@pytest.mark.requirement("E6-4.2.6")
def test_a_study_may_require_signatures_before_a_lock_and_locked_data_is_neither_signed_nor_unsigned(
    trial,
):
    settings = trial.manager.patch(
        "/api/plugins/monitoring/study-settings",
        json={"signatures_before_lock": True},
        headers=trial.headers,
    )
    assert settings.status_code == 200, settings.json
    locks = "/api/monitoring/locks"
    subject = {"level": "subject", "subject": trial.subject}
    refused = trial.data_manager.post(f"{locks}/lock", json=subject, headers=trial.headers)
    assert refused.status_code == 409, refused.json
    error = refused.json["error"]
    assert error["internal_name"] == "LOCK_SIGNATURES_MISSING"
    assert error["details"]["first"] == [section(trial)] and error["details"]["unsigned"] == 1
    (signature,) = signed(trial, trial.investigator, casebook(trial))
    locked = trial.data_manager.post(f"{locks}/lock", json=subject, headers=trial.headers)
    assert locked.status_code == 201, locked.json
    for answer in (
        sign(trial, trial.investigator, section(trial), meaning="review"),
        withdraw(trial, trial.investigator, signature["uuid"]),
    ):
        assert answer.status_code == 409, answer.json
        assert answer.json["error"]["internal_name"] == "DATA_LOCKED"
    assert read(trial, trial.investigator, signature["uuid"]).json["state"] == "valid"
    # Another subject's data is not locked: it is still signed.
    assert (
        sign(trial, trial.lyon_investigator, casebook(trial, trial.lyon_subject)).status_code == 201
    )
