"""A consent document's life: a draft that changes, published (then immutable), superseded
by the next version, archived; its content checked; who may do what; centers apart."""

from __future__ import annotations

import threading
import time
from typing import Any

import sqlalchemy as sa

from plugins.econsent.tests.support import DOCUMENTS, Trial, version


def _count(trial: Trial) -> int:
    documents: Any = trial.manager.get(DOCUMENTS, headers=trial.headers)
    return len(documents.json)


def test_a_document_goes_from_draft_to_published_superseded_and_archived(trial: Trial):
    created = trial.create_document(publish=False)
    url = f"{DOCUMENTS}{trial.document}/versions/1"
    assert created["versions"][0]["status"] == "draft"
    changed: Any = trial.manager.put(
        url, json=version(ethics_reference="CPP-2026-43"), headers=trial.headers
    )
    assert changed.status_code == 200 and changed.json["ethics_reference"] == "CPP-2026-43"
    # The investigator neither writes nor publishes documents.
    assert trial.investigator.put(url, json=version(), headers=trial.headers).status_code == 403
    assert trial.investigator.post(f"{url}/publication", headers=trial.headers).status_code == 403
    first = trial.publish(1)
    assert first["version"]["status"] == "published" and first["reconsent"] == []
    assert first["previous"] is None
    immutable: Any = trial.manager.put(url, json=version(), headers=trial.headers)
    assert immutable.status_code == 409
    assert immutable.json["error"]["internal_name"] == "CONSENT_VERSION_NOT_DRAFT"
    assert trial.manager.delete(url, headers=trial.headers).status_code == 409

    versions = f"{DOCUMENTS}{trial.document}/versions/"
    assert trial.manager.post(versions, json=version(), headers=trial.headers).status_code == 201
    second: Any = trial.manager.post(versions, json=version(), headers=trial.headers)
    assert second.status_code == 409
    assert second.json["error"]["internal_name"] == "CONSENT_DRAFT_EXISTS"
    trial.publish(2)
    statuses: Any = trial.viewer.get(f"{DOCUMENTS}{trial.document}", headers=trial.headers).json
    assert [v["status"] for v in statuses["versions"]] == ["superseded", "published"]
    archived: Any = trial.manager.post(f"{url}/archival", headers=trial.headers)
    assert archived.status_code == 200 and archived.json["status"] == "archived"


def test_a_version_with_problems_is_refused_whole(trial: Trial):
    bad = version(
        signers=[
            {"role": "investigator", "statement": {"en": "x", "fr": "x"}},
            {"role": "subject", "statement": {"en": "y"}},
        ],
        correct_answers={"nowhere": True},
        optional_parts=["may_stop"],
    )
    bad["blocks"][0]["content"] = {"en": "Only English"}
    refused: Any = trial.manager.post(
        DOCUMENTS,
        json={"code": "ICF", "title": {"en": "Consent"}, "version": bad},
        headers=trial.headers,
    )
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["internal_name"] == "CONSENT_VERSION_INVALID"
    fields = {p["field"] for p in refused.json["error"]["details"]["problems"]}
    assert fields == {
        "blocks.0",
        "signers",
        "signers.1.statement",
        "correct_answers.nowhere",
        "optional_parts.0",
    }
    malformed: Any = trial.manager.post(
        DOCUMENTS,
        json={"code": "", "title": {}, "version": {"languages": ["xx"], "blocks": []}},
        headers=trial.headers,
    )
    assert malformed.status_code == 422
    outside: Any = trial.manager.post(
        DOCUMENTS,
        json={
            "code": "ICF",
            "title": {"en": "Consent"},
            "version": version(centers=["00000000-0000-0000-0000-000000000000"]),
        },
        headers=trial.headers,
    )
    assert outside.status_code in (404, 422)
    assert _count(trial) == 0  # nothing half-written


def test_consents_are_asked_at_the_centers_a_version_applies_to_and_seen_there(trial: Trial):
    trial.create_document(version(centers=[trial.centers["PAR"]]))
    lyon = trial.subject("LYO")
    refused: Any = trial.ask(lyon, client=trial.lyon_investigator)
    assert refused.status_code == 409
    assert refused.json["error"]["internal_name"] == "CONSENT_NO_VERSION_APPLIES"
    paris = trial.subject()
    consent = trial.asked(paris)
    twice: Any = trial.ask(paris)
    assert twice.status_code == 409
    assert twice.json["error"]["internal_name"] == "CONSENT_ALREADY_ASKED"
    # Lyon's investigator sees neither Paris's subject nor their consent.
    detail = f"/api/econsent/consents/{consent['uuid']}"
    assert trial.lyon_investigator.get(detail, headers=trial.headers).status_code == 404
    assert trial.lyon_investigator.get("/api/econsent/consents/", headers=trial.headers).json == []
    assert trial.viewer.get(detail, headers=trial.headers).status_code == 200
    # The viewer asks no one; nobody without econsent.view_records downloads a record.
    assert trial.ask(paris, client=trial.viewer).status_code == 403
    assert trial.viewer.get(f"{detail}/record", headers=trial.headers).status_code == 403
    no_record: Any = trial.monitor.get(f"{detail}/record", headers=trial.headers)
    assert no_record.status_code == 409
    bad: Any = trial.investigator.post(
        f"/api/econsent/subjects/{paris}/consents",
        json={"document": trial.document, "mode": "by_pigeon"},
        headers=trial.headers,
    )
    assert bad.status_code == 422


def _waiting_on_a_lock(connection: sa.Connection) -> bool:
    waiting = connection.execute(
        sa.text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    ).scalar_one()
    connection.rollback()  # the activity is read once per transaction
    return bool(waiting)


def test_a_draft_saved_while_it_is_published_is_refused_not_written(
    trial: Trial, db_engine, tenant
):
    trial.create_document(publish=False)
    url = f"{DOCUMENTS}{trial.document}/versions/1"
    outcome: dict[str, Any] = {}

    def save() -> None:
        outcome["answer"] = trial.manager.put(
            url, json=version(ethics_reference="CHANGED"), headers=trial.headers
        )

    versions = f'"{tenant.schema_name}".econsent_versions'
    with db_engine.connect() as publishing, db_engine.connect() as observer:
        # A publication under way holds the version until it commits.
        publishing.execute(sa.text(f"SELECT id FROM {versions} WHERE number = 1 FOR UPDATE"))
        saving = threading.Thread(target=save)
        saving.start()
        deadline = time.monotonic() + 10
        while not _waiting_on_a_lock(observer):
            assert time.monotonic() < deadline, outcome  # the save waits for the publication
            time.sleep(0.02)
        publishing.execute(sa.text(f"UPDATE {versions} SET status = 'published'"))
        publishing.commit()
        saving.join(10)
    answer = outcome["answer"]
    assert answer.status_code == 409, answer.json
    assert answer.json["error"]["internal_name"] == "CONSENT_VERSION_NOT_DRAFT"
    read: Any = trial.manager.get(url, headers=trial.headers)
    assert read.json["ethics_reference"] == "CPP-2026-42"
