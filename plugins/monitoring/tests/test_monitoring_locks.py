"""Freeze and lock: at each level they hold what they cover and let the rest through;
frozen data can be locked, locked data not frozen; releases need their permission and a
reason; locking waits for queries; center restrictions and tenants hold; everything is
audited."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from datacapt.testing import TenantClient
from datacapt.toolkit import AuditRecord, DatacaptException, Study, db, tenant_context
from plugins.monitoring.locks.holds import refuse_if_locked
from plugins.monitoring.tests.support import SCREENING, Trial, act_on_query, raise_query
from plugins.subjects.api import get_subject

LOCKS = "/api/monitoring/locks"
LEVELS = ["section", "visit", "subject", "center", "study"]
CODES = {"freeze": "DATA_FROZEN", "lock": "DATA_LOCKED"}
STATUSES = {"freeze": "frozen", "lock": "locked"}


def target(trial: Trial, level: str, subject: str | None = None, section: int = 0) -> dict:
    """The hold at ``level`` over the subject's section (Paris' Screening by default)."""
    subject = subject or trial.subject
    center = trial.centers["PAR" if subject == trial.subject else "LYO"]
    return {
        "section": {"level": "section", "subject": subject, "section": trial.sections[section]},
        "visit": {"level": "visit", "section": trial.sections[section]},
        "subject": {"level": "subject", "subject": subject},
        "center": {"level": "center", "center": center},
        "study": {"level": "study"},
    }[level]


def act(
    trial: Trial, client: TenantClient, action: str, body: dict, reason: str | None = None
) -> Any:
    headers = {**trial.headers, **({"Reason-For-Change": reason} if reason else {})}
    return client.post(f"{LOCKS}/{action}", json=body, headers=headers)


def listed(trial: Trial, client: TenantClient, **filters: str) -> Any:
    return client.get(f"{LOCKS}/", query_string=filters, headers=trial.headers)


def answers(view: dict) -> dict:
    blocks = [block for sub in view["subsections"] for block in sub["blocks"]]
    return {b["code"]: b["value"] for b in blocks if b["kind"] == "question"}


def refused(response: Any, code: str, level: str) -> dict:
    """The refusal's details, once it is checked to name the code and level."""
    assert response.status_code == 409, response.json
    error = response.json["error"]
    assert (error["internal_name"], error["details"]["level"]) == (code, level), error
    return error["details"]


@pytest.mark.parametrize("action", ["freeze", "lock"])
@pytest.mark.parametrize(
    ("level", "week_4_held", "lyon_held"),
    [
        ("section", False, False),
        ("visit", False, True),
        ("subject", True, False),
        ("center", True, False),
        ("study", True, True),
    ],
)
@pytest.mark.requirement("P11-11.10f", "E6-4.2.6")
def test_a_hold_at_each_level_refuses_the_writes_it_covers_and_lets_the_rest_through(
    trial, action, level, week_4_held, lyon_held
):
    placed = act(trial, trial.data_manager, action, target(trial, level))
    assert placed.status_code == 201, placed.json
    hold = placed.json
    assert (hold["level"], hold["status"]) == (level, STATUSES[action])
    assert hold[f"{STATUSES[action]}_by"]["uuid"] == str(trial.data_manager.user.uuid)

    details = refused(trial.save(trial.investigator, {"weight": "71"}), CODES[action], level)
    # What holds it: the hold as read, with who placed it and when.
    assert details["lock"]["uuid"] == hold["uuid"]
    assert details["lock"][f"{STATUSES[action]}_at"] == hold[f"{STATUSES[action]}_at"]
    # A held section still reads, with its answers as they were and what holds them.
    view = trial.read(trial.investigator)
    assert view.status_code == 200
    assert answers(view.json)["weight"] == "70"
    locks = view.json["annotations"]["locks"]
    assert (locks["status"], locks["level"]) == (STATUSES[action], level)
    assert [h["uuid"] for h in locks["holds"]] == [hold["uuid"]]
    # A save that changes nothing is not refused.
    assert trial.save(trial.investigator, {"weight": "70"}).status_code == 200

    week_4 = trial.save(trial.investigator, {"pain": 3}, section=1, reason=None)
    lyon = trial.save(trial.lyon_investigator, {"weight": "64"}, subject=trial.lyon_subject)
    for response, held in ((week_4, week_4_held), (lyon, lyon_held)):
        if held:
            refused(response, CODES[action], level)
        else:
            assert response.status_code == 200, response.json
    open_view = trial.read(trial.lyon_investigator, subject=trial.lyon_subject).json
    expected = STATUSES[action] if lyon_held else "open"
    assert open_view["annotations"]["locks"]["status"] == expected


@pytest.mark.requirement("P11-11.10f", "E6-4.2.6")
def test_frozen_data_can_be_locked_and_locked_data_cannot_be_frozen(trial):
    manager = trial.data_manager
    subject = target(trial, "subject")
    frozen = act(trial, manager, "freeze", subject).json
    again = act(trial, manager, "freeze", subject)
    assert again.status_code == 409
    assert again.json["error"]["internal_name"] == "LOCK_TRANSITION_REFUSED"
    assert again.json["error"]["details"]["status"] == "frozen"

    locked = act(trial, manager, "lock", subject, reason="Casebook reviewed")
    assert locked.status_code == 200, locked.json  # the freeze became the lock
    assert locked.json["uuid"] == frozen["uuid"] and locked.json["status"] == "locked"
    assert locked.json["frozen_at"] == frozen["frozen_at"] and locked.json["locked_at"]

    # Locked data is not frozen: neither the subject, nor a section of theirs.
    refused(act(trial, manager, "freeze", subject), "DATA_LOCKED", "subject")
    refused(act(trial, manager, "freeze", target(trial, "section")), "DATA_LOCKED", "subject")
    twice = act(trial, manager, "lock", subject)
    assert twice.status_code == 409 and twice.json["error"]["details"]["status"] == "locked"
    wrong = act(trial, manager, "unfreeze", subject, reason="Mistake")
    assert wrong.status_code == 409 and wrong.json["error"]["details"]["status"] == "locked"

    unlocked = act(trial, manager, "unlock", subject, reason="Late lab result")
    assert unlocked.status_code == 200, unlocked.json
    assert unlocked.json["status"] == "unlocked"
    assert unlocked.json["released_by"]["uuid"] == str(manager.user.uuid)
    assert trial.save(trial.investigator, {"weight": "71"}).status_code == 200
    nothing = act(trial, manager, "unlock", subject, reason="Again")
    assert nothing.status_code == 409 and nothing.json["error"]["details"]["status"] == "open"
    # A new hold of the same target starts anew; the old one stays as history.
    anew = act(trial, manager, "freeze", subject)
    assert anew.status_code == 201 and anew.json["uuid"] != frozen["uuid"]
    history = listed(trial, manager, level="subject")
    assert [h["status"] for h in history.json] == ["frozen", "unlocked"]
    assert listed(trial, manager, status="unlocked").json[0]["uuid"] == frozen["uuid"]


def _audit(app, tenant, lock_uuid: str) -> list[AuditRecord]:
    with app.app_context(), tenant_context(tenant):
        return list(
            db.session.execute(
                sa.select(AuditRecord)
                .where(AuditRecord.object_id == lock_uuid)
                .order_by(AuditRecord.sequence)
            ).scalars()
        )


@pytest.mark.requirement("P11-11.10g", "E6-4.2.6")
def test_releases_need_their_own_permission_and_a_reason_and_all_is_audited(
    app, trial, client_as, join_study, tenant
):
    admin = client_as(tenant)
    role = {"name": "locker", "permissions": ["data_locks.access", "data_locks.lock"]}
    assert admin.post("/api/roles/", json=role).status_code == 201
    locker = join_study(trial.headers, tenant, "locker")
    study = target(trial, "study")
    placed = act(trial, locker, "lock", study)
    assert placed.status_code == 201, placed.json
    # Locking is not unlocking, nor freezing.
    for action in ("unlock", "freeze", "unfreeze"):
        denied = act(trial, locker, action, study, reason="Why not")
        assert denied.status_code == 403
        assert denied.json["error"]["details"]["permission"] == f"data_locks.{action}"

    for body in (study, {**study, "reason_for_change": "   "}):
        missing = act(trial, trial.data_manager, "unlock", body)
        assert missing.status_code == 422
        assert missing.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    assert listed(trial, trial.data_manager).json[0]["status"] == "locked"

    released = trial.data_manager.post(
        f"{LOCKS}/unlock",
        json={**study, "reason_for_change": "Database lock was premature"},
        headers=trial.headers,
    )
    assert released.status_code == 200, released.json
    created, updated = _audit(app, tenant, placed.json["uuid"])
    assert (created.action, created.actor_id, created.reason) == (
        "create",
        str(locker.user.uuid),
        None,
    )
    assert created.changes["status"] == [None, "locked"] and created.study_id
    assert (updated.action, updated.actor_id, updated.reason) == (
        "update",
        str(trial.data_manager.user.uuid),
        "Database lock was premature",
    )
    assert updated.changes["status"] == ["locked", "unlocked"]

    frozen = act(trial, trial.data_manager, "freeze", target(trial, "section"), reason="Review")
    (record,) = _audit(app, tenant, frozen.json["uuid"])
    assert record.reason == "Review"
    assert (record.subject_id, record.section_id) == (trial.subject, trial.sections[0])


@pytest.mark.requirement("E6-4.2.6")
def test_locking_waits_for_the_queries_on_what_it_locks(trial):
    manager = trial.data_manager
    # A BMI over 40 is a finding: the save opens an automatic query on the Paris subject.
    opened = trial.save(trial.investigator, {"weight": "130"})
    assert [q["code"] for q in opened.json["queries"]] == ["bmi"]
    for level in ("section", "visit", "subject", "center", "study"):
        refusal = act(trial, manager, "lock", target(trial, level))
        assert refusal.status_code == 409, (level, refusal.json)
        assert refusal.json["error"]["internal_name"] == "LOCK_QUERIES_UNRESOLVED"
        assert refusal.json["error"]["details"]["queries"] == 1
    assert listed(trial, manager).json == []
    # What the query is not on locks; a freeze does not wait for queries.
    for body in (target(trial, "section", section=1), target(trial, "visit", section=1)):
        assert act(trial, manager, "lock", body).status_code == 201
    assert (
        act(trial, manager, "lock", target(trial, "subject", trial.lyon_subject)).status_code == 201
    )
    assert act(trial, manager, "freeze", target(trial, "center")).status_code == 201
    assert act(trial, manager, "unfreeze", target(trial, "center"), reason="Fix").status_code == 200
    # Corrected data closes the automatic query: the section locks.
    assert trial.save(trial.investigator, {"weight": "70"}).json["queries"] == []
    assert act(trial, manager, "lock", target(trial, "section")).status_code == 201


def test_who_may_freeze_lock_and_read_them(trial):
    for client in (trial.investigator, trial.monitor, trial.viewer, trial.manager):
        for action in ("freeze", "lock"):
            denied = act(trial, client, action, target(trial, "subject"))
            assert denied.status_code == 403, denied.json
    hold = act(trial, trial.data_manager, "freeze", target(trial, "subject")).json
    for client in (trial.investigator, trial.monitor, trial.viewer, trial.manager):
        assert [h["uuid"] for h in listed(trial, client).json] == [hold["uuid"]]
        read = client.get(f"{LOCKS}/{hold['uuid']}", headers=trial.headers)
        assert read.status_code == 200 and read.json == hold


def test_a_center_restricted_member_acts_and_sees_within_their_centers(trial, join_study, tenant):
    lyon = join_study(trial.headers, tenant, "data_manager", centers=[trial.centers["LYO"]])
    for level in ("section", "subject", "center"):
        hidden = act(trial, lyon, "freeze", target(trial, level))
        assert hidden.status_code == 404, (level, hidden.json)
        assert (
            act(trial, lyon, "freeze", target(trial, level, trial.lyon_subject)).status_code == 201
        )
    for level in ("visit", "study"):
        wide = act(trial, lyon, "freeze", target(trial, level))
        assert wide.status_code == 403
        assert wide.json["error"]["internal_name"] == "LOCK_ALL_CENTERS_REQUIRED"
    paris = act(trial, trial.data_manager, "freeze", target(trial, "subject")).json
    visit = act(trial, trial.data_manager, "freeze", target(trial, "visit", section=1)).json
    seen = listed(trial, lyon).json
    assert paris["uuid"] not in {h["uuid"] for h in seen} and len(seen) == 4
    assert visit["uuid"] in {h["uuid"] for h in seen}
    assert {h["center"] for h in seen} == {trial.centers["LYO"], None}
    assert lyon.get(f"{LOCKS}/{paris['uuid']}", headers=trial.headers).status_code == 404
    assert len(listed(trial, trial.data_manager).json) == 5
    # Releasing at the study's width needs every center too.
    wide = act(trial, lyon, "unfreeze", target(trial, "visit", section=1), reason="Mine")
    assert wide.status_code == 403


def test_another_tenant_sees_nothing(trial, enable_plugins, client_as, other_tenant):
    hold = act(trial, trial.data_manager, "lock", target(trial, "study")).json
    enable_plugins(other_tenant, "monitoring")
    outsider = client_as(other_tenant)
    created = outsider.post("/api/studies/", json={"reference": "O", "name": "O"})
    own = {"Study-Uuid": created.json["uuid"]}
    for response in (
        outsider.get(f"{LOCKS}/", headers=trial.headers),
        outsider.get(f"{LOCKS}/{hold['uuid']}", headers=trial.headers),
        outsider.post(f"{LOCKS}/unlock", json={"level": "study"}, headers=trial.headers),
    ):
        assert response.status_code == 404
        assert response.json["error"]["internal_name"] == "STUDY_NOT_FOUND"
    assert outsider.get(f"{LOCKS}/{hold['uuid']}", headers=own).status_code == 404
    assert outsider.get(f"{LOCKS}/", headers=own).json == []
    refused(trial.save(trial.investigator, {"weight": "71"}), "DATA_LOCKED", "study")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "level"),
        ({"level": "galaxy"}, 422, "level"),
        ({"level": "section", "section": "{section}"}, 422, "subject"),
        ({"level": "study", "subject": "{subject}"}, 422, "subject"),
        ({"level": "visit", "section": "not-a-uuid"}, 422, "section"),
        ({"level": "visit", "section": None}, 422, "section"),
        ({"level": "center", "center": "{section}", "colour": "red"}, 422, "colour"),
        ({"level": "visit", "section": "{random}"}, 404, None),
        ({"level": "subject", "subject": "{random}"}, 404, None),
        ({"level": "section", "subject": "{subject}", "section": "{random}"}, 404, None),
        ({"level": "center", "center": "{random}"}, 404, None),
        ({"level": "center", "center": "{subject}"}, 404, None),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(trial, body, status, field):
    values = {"subject": trial.subject, "section": trial.sections[0], "random": str(uuid.uuid4())}
    given = {
        key: value.format(**values) if isinstance(value, str) else value
        for key, value in body.items()
    }
    for action in ("freeze", "lock"):
        response = act(trial, trial.data_manager, action, given)
        assert response.status_code == status, response.json
        if field is not None:
            assert field in response.json["error"]["fields"], response.json
    assert listed(trial, trial.data_manager).json == []
    assert trial.save(trial.investigator, {"weight": "71"}).status_code == 200


def test_bad_filters_are_refused(trial):
    for filters, status in (
        ({"level": "galaxy"}, 422),
        ({"status": "open"}, 422),
        ({"x": "1"}, 400),
    ):
        assert listed(trial, trial.data_manager, **filters).status_code == status


def test_a_live_design_change_leaves_locked_data_and_its_lock_as_they_were(trial):
    study = trial.headers["Study-Uuid"]
    live = trial.manager.patch(f"/api/studies/{study}", json={"status": "live"})
    assert live.status_code == 200, live.json
    hold = act(trial, trial.data_manager, "lock", target(trial, "subject")).json
    before = answers(trial.read(trial.investigator).json)

    design = trial.manager.get("/api/ecrf/", headers=trial.headers)
    document = design.json
    waist = {"kind": "question", "code": "waist", "type": "decimal", "label": {"en": "Waist"}}
    document["sections"][0]["subsections"][0]["blocks"].append(waist)
    saved = trial.manager.put(
        "/api/ecrf/", json=document, headers={**trial.headers, "If-Match": design.headers["ETag"]}
    )
    assert saved.status_code == 200, saved.json

    view = trial.read(trial.investigator).json
    after = answers(view)
    assert after.pop("waist") is None and after == before
    assert view["annotations"]["locks"]["status"] == "locked"
    read = trial.data_manager.get(f"{LOCKS}/{hold['uuid']}", headers=trial.headers).json
    assert read["status"] == "locked" and read == hold
    refused(trial.save(trial.investigator, {"waist": "80"}), "DATA_LOCKED", "subject")
    lyon = trial.save(trial.lyon_investigator, {"waist": "80"}, subject=trial.lyon_subject)
    assert lyon.status_code == 200, lyon.json


def test_the_holds_over_a_section_are_read_strongest_first(trial):
    manager = trial.data_manager
    visit = act(trial, manager, "freeze", target(trial, "visit")).json
    section = act(trial, manager, "freeze", target(trial, "section")).json
    subject = act(trial, manager, "lock", target(trial, "subject")).json
    locks = trial.read(trial.investigator).json["annotations"]["locks"]
    assert (locks["status"], locks["level"]) == ("locked", "subject")
    assert [(h["uuid"], h["status"]) for h in locks["holds"]] == [
        (subject["uuid"], "locked"),
        (visit["uuid"], "frozen"),
        (section["uuid"], "frozen"),
    ]
    assert locks["holds"][0]["since"] == subject["locked_at"]
    refused(trial.save(trial.investigator, {"weight": "71"}), "DATA_LOCKED", "subject")
    lyon = trial.read(trial.lyon_investigator, subject=trial.lyon_subject).json
    assert lyon["annotations"]["locks"]["level"] == "visit"


def test_refuse_if_locked_refuses_only_what_a_lock_holds(app, trial, tenant):
    manager = trial.data_manager
    act(trial, manager, "freeze", target(trial, "subject"))
    act(trial, manager, "lock", target(trial, "visit", section=1))
    act(trial, manager, "lock", target(trial, "section", trial.lyon_subject))
    screening, week_4 = (uuid.UUID(s) for s in trial.sections)
    with app.app_context(), tenant_context(tenant):
        study = db.session.execute(
            sa.select(Study).where(Study.uuid == uuid.UUID(trial.headers["Study-Uuid"]))
        ).scalar_one()
        paris = get_subject(study, trial.subject)
        lyon = get_subject(study, trial.lyon_subject)
        # Frozen is not locked: monitoring goes on there.
        refuse_if_locked([paris], [screening])
        refuse_if_locked([paris])
        refuse_if_locked([lyon])  # the whole subject: a lock of one section is not it
        for participation, sections, level in (
            (paris, [week_4], "visit"),
            (paris, [screening, week_4], "visit"),
            (lyon, [screening], "section"),
        ):
            with pytest.raises(DatacaptException) as raised:
                refuse_if_locked([participation], sections)
            assert raised.value.internal_code.name == "DATA_LOCKED"
            assert raised.value.details is not None and raised.value.details["level"] == level
        with pytest.raises(DatacaptException) as raised:  # one of several subjects is enough
            refuse_if_locked([paris, lyon], [screening])
        assert raised.value.details is not None and raised.value.details["level"] == "section"


@pytest.fixture
def lock_statements(db_engine) -> Iterator[list[str]]:
    """The statements reading or writing holds, as the database gets them."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if "monitoring_data_locks" in statement:
            seen.append(statement)

    sa.event.listen(db_engine, "before_cursor_execute", note)
    yield seen
    sa.event.remove(db_engine, "before_cursor_execute", note)


def test_a_save_asks_once_and_a_save_that_changes_nothing_does_not_ask(trial, lock_statements):
    etag = trial.read(trial.investigator).headers["ETag"]
    lock_statements.clear()
    headers = {**trial.headers, "If-Match": etag, "Reason-For-Change": "Source"}
    saved = trial.investigator.put(
        trial.section_url(), json={"answers": {"weight": "72"}}, headers=headers
    )
    assert saved.status_code == 200, saved.json
    # The check, then the read's annotation of the saved section.
    assert len(lock_statements) == 2
    lock_statements.clear()
    same = trial.investigator.put(
        trial.section_url(),
        json={"answers": dict(SCREENING, weight="72")},
        headers={**headers, "If-Match": saved.headers["ETag"]},
    )
    assert same.status_code == 200, same.json
    assert len(lock_statements) == 1  # the annotation only


def _waiting_on_a_lock(connection: sa.Connection) -> bool:
    waiting = connection.execute(
        sa.text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    ).scalar_one()
    connection.rollback()  # the activity is read once per transaction
    return bool(waiting)


def test_a_lock_waits_for_a_save_under_way_and_sees_its_queries(trial, db_engine, tenant):
    schema = tenant.schema_name
    outcome: dict[str, Any] = {}

    def lock_subject() -> None:
        outcome["answer"] = act(trial, trial.data_manager, "lock", target(trial, "subject"))

    with db_engine.connect() as save, db_engine.connect() as observer:
        # A save under way holds its subject, as data entry does, until it commits.
        save.execute(
            sa.text(
                f'SELECT id FROM "{schema}".subjects_in_studies'
                " WHERE uuid = :subject FOR NO KEY UPDATE"
            ),
            {"subject": trial.subject},
        )
        locking = threading.Thread(target=lock_subject)
        locking.start()
        deadline = time.monotonic() + 10
        while not _waiting_on_a_lock(observer):
            assert time.monotonic() < deadline, outcome  # the lock waits for the save
            time.sleep(0.02)
        # The save opens a query and commits: the lock, checking after it, sees the query.
        save.execute(
            sa.text(
                f'INSERT INTO "{schema}".ecrf_queries (uuid, created_at, modified_at,'
                " subject_in_study_id, study_id, center_id, target, origin, assignee_role,"
                " closed_modified, closed_automatically, opened_at, code, level, message,"
                " status)"
                " SELECT :uuid, now(), now(), id, study_id, center_id, 'data_point',"
                " 'automatic', 'investigator', false, false, now(), 'bmi', 'warning',"
                " 'BMI above 40', 'open'"
                f' FROM "{schema}".subjects_in_studies WHERE uuid = :subject'
            ),
            {"uuid": uuid.uuid4(), "subject": trial.subject},
        )
        save.commit()
        locking.join(10)
    answer = outcome["answer"]
    assert answer.status_code == 409, answer.json
    assert answer.json["error"]["internal_name"] == "LOCK_QUERIES_UNRESOLVED"


def test_on_frozen_data_verification_and_review_go_on_and_on_locked_data_nothing_changes(trial):
    sdv, review = "/api/monitoring/verification", "/api/monitoring/review"
    item = f"{sdv}/subjects/{trial.subject}/items"
    section = f"{trial.subject}/sections/{trial.sections[0]}"
    reason = {**trial.headers, "Reason-For-Change": "Verified the wrong line"}
    assert act(trial, trial.data_manager, "freeze", target(trial, "subject")).status_code == 201
    assert trial.monitor.post(f"{item}/weight", headers=trial.headers).status_code == 201
    assert (
        trial.data_manager.post(f"{review}/subjects/{section}", headers=trial.headers).status_code
        == 201
    )
    assert act(trial, trial.data_manager, "lock", target(trial, "subject")).status_code == 200
    for response in (
        trial.monitor.post(f"{item}/height", headers=trial.headers),
        trial.monitor.delete(f"{item}/weight", headers=reason),
        trial.monitor.post(f"{sdv}/subjects/{section}", headers=trial.headers),
        trial.monitor.post(f"{sdv}/subjects/{trial.subject}", headers=trial.headers),
        trial.monitor.post(f"{sdv}/sections/{trial.sections[0]}", headers=trial.headers),
        trial.data_manager.delete(f"{review}/subjects/{section}", headers=reason),
    ):
        refused(response, "DATA_LOCKED", "subject")
    # Another subject's data is not held; what was verified before the lock stays.
    lyon = f"{sdv}/subjects/{trial.lyon_subject}/items/height"
    assert trial.monitor.post(lyon, headers=trial.headers).status_code == 201
    figures = trial.monitor.get(f"{sdv}/progress", headers=trial.headers).json
    assert figures["study"]["verified_not_required"] == 2, figures  # no plan: none required


def test_queries_go_on_over_frozen_data_and_stop_over_locked_data(trial):
    raised = raise_query(trial, code="weight")
    assert raised.status_code == 201, raised.json
    query = raised.json["uuid"]
    # A query on the section itself holds back the section's lock as one on its answers.
    on_section = raise_query(trial, section=trial.sections[0])
    assert on_section.status_code == 201, on_section.json
    assert act(trial, trial.data_manager, "freeze", target(trial, "section")).status_code == 201
    assert act_on_query(trial, trial.investigator, query, "answer").status_code == 200
    assert act_on_query(trial, trial.data_manager, query, "close").status_code == 200
    held_back = act(trial, trial.data_manager, "lock", target(trial, "section"))
    assert held_back.status_code == 409, held_back.json
    assert held_back.json["error"]["details"]["queries"] == 1  # the section's own query
    cancelled = act_on_query(trial, trial.data_manager, on_section.json["uuid"], "cancel")
    assert cancelled.status_code == 200, cancelled.json
    assert act(trial, trial.data_manager, "lock", target(trial, "section")).status_code == 200
    for response in (
        raise_query(trial, code="height"),
        raise_query(trial, section=trial.sections[0]),
        act_on_query(trial, trial.data_manager, query, "reopen"),
    ):
        refused(response, "DATA_LOCKED", "section")
    # Week 4 of the same subject is not locked: a query there goes on.
    assert raise_query(trial, code="pain").status_code == 201
