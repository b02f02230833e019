"""A questionnaire nobody answered can be deleted, with what was planned for it."""

from __future__ import annotations

import pytest
import time_machine

from plugins.epro.tests.support import utc

QUESTIONNAIRES = "/api/epro/questionnaires/"


def test_a_questionnaire_without_answers_is_deleted_with_its_occurrences(trial, tick, outbox):
    trial.include()
    tick("2030-03-04T08:00:00")  # the first invitation goes out: sent, not answered
    assert trial.occurrences()
    url = f"{QUESTIONNAIRES}{trial.questionnaire['uuid']}"
    assert trial.investigator.delete(url, headers=trial.headers).status_code == 403
    deleted = trial.manager.delete(url, headers=trial.headers)
    assert deleted.status_code == 204, deleted.json
    assert trial.manager.get(url, headers=trial.headers).status_code == 404
    assert trial.occurrences() == []


@pytest.mark.requirement("P11-11.10c")
def test_a_questionnaire_with_answers_is_kept(trial, tick, outbox, api_client):
    trial.include()
    tick("2030-03-04T08:00:00")
    with time_machine.travel(utc("2030-03-04T10:00:00"), tick=False):
        saved = api_client.put(
            "/api/epro/public/questionnaire",
            json={"answers": {"pain": 3}},
            headers={"Qr-Code": outbox.token()},
        )
        assert saved.status_code == 200, saved.json
    url = f"{QUESTIONNAIRES}{trial.questionnaire['uuid']}"
    refused = trial.manager.delete(url, headers={**trial.headers, "Language": "fr"})
    assert refused.status_code == 409
    assert refused.json["error"]["internal_name"] == "QUESTIONNAIRE_HAS_ANSWERS"
    assert refused.json["error"]["details"] == {"answers": 1}
    assert "ne peut pas" in refused.json["error"]["message"]
    assert trial.manager.get(url, headers=trial.headers).status_code == 200
    assert len(trial.occurrences()) == 2
