"""Randomizations at the same moment, from threads against the real database: never two
subjects on one slot, never one subject twice, and minimization counts every one."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from datacapt.testing import TenantClient, tenant_client, tenant_host
from plugins.randomizations.tests.support import BASE, DESIGNS, Trial, blocks, minimization

CLIENTS = 8


def _at_once(
    app, tenant, trial: Trial, subjects: list[str], design: str, token: str | None = None
) -> list[Any]:
    """Each subject randomized by a client of its own, all let go together."""
    host = tenant_host(app, tenant)
    clients: list[TenantClient] = []
    for _ in subjects:
        client = tenant_client(app).for_host(host)
        client.token = token or trial.investigator.token
        clients.append(client)
    barrier = threading.Barrier(len(subjects))
    answers: list[Any] = [None] * len(subjects)

    def randomize(index: int) -> None:
        barrier.wait()
        answers[index] = clients[index].post(
            f"{BASE}/subjects/{subjects[index]}/randomize",
            json={"design": design, "environment": "production"},
            headers=trial.headers,
        )

    threads = [threading.Thread(target=randomize, args=(i,)) for i in range(len(subjects))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_randomizations_of_one_stratum_never_share_a_slot(app, tenant, trial: Trial):
    design = trial.live_design(blocks(factors=[]))
    # The stratum exists (its first subject made it): the others queue on its row.
    assert trial.randomize(trial.subject(), design).json["number"] == "S01-0001"
    subjects = [trial.subject() for _ in range(CLIENTS)]
    answers = _at_once(app, tenant, trial, subjects, design)
    assert [a.status_code for a in answers] == [201] * CLIENTS, [a.json for a in answers]
    numbers = sorted(a.json["number"] for a in answers)
    assert numbers == [f"S01-{n:04d}" for n in range(2, CLIENTS + 2)]
    slots: Any = trial.statistician.get(
        f"{DESIGNS}{design}/slots", query_string={"page_size": 100}, headers=trial.headers
    )
    assert sum(slot["taken"] for slot in slots.json) == CLIENTS + 1
    check = trial.verification(design)
    assert check["consistent"] is True


def test_one_subject_randomized_twice_at_once_gets_one_assignment(app, tenant, trial: Trial):
    design = trial.live_design(blocks(factors=[]))
    subject = trial.subject()
    answers = _at_once(app, tenant, trial, [subject] * 4, design)
    assert Counter(a.status_code for a in answers) == {201: 1, 409: 3}
    refused = {a.json["error"]["internal_name"] for a in answers if a.status_code == 409}
    assert refused == {"SUBJECT_ALREADY_RANDOMIZED"}


def test_concurrent_minimizations_each_count_the_ones_before(app, tenant, trial: Trial, join_study):
    design = trial.live_design(minimization(random_first=0), "minimization")
    subjects = [trial.subject("PAR" if i % 2 else "LYO") for i in range(CLIENTS)]
    everywhere = join_study(trial.headers, tenant, "investigator")
    answers = _at_once(app, tenant, trial, subjects, design, everywhere.token)
    assert [a.status_code for a in answers] == [201] * CLIENTS, [a.json for a in answers]
    assert sorted(a.json["number"] for a in answers) == [f"{n:04d}" for n in range(1, CLIENTS + 1)]
    check = trial.verification(design)
    assert check["consistent"] is True, check
    assert check["lists"][0]["assignments_checked"] == CLIENTS
