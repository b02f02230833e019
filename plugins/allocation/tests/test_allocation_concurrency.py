"""Dispensings at the same moment, from threads against the real database: never one kit
to two subjects, never more kits to one subject's visit than configured."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from datacapt.testing import tenant_client, tenant_host
from plugins.allocation.tests.support import BASE, Trial

CLIENTS = 8


def _at_once(app, tenant, trial: Trial, subjects: list[str]) -> list[Any]:
    """Each subject's Day 1 dispensed by a client of its own, all let go together."""
    host = tenant_host(app, tenant)
    clients = []
    for _ in subjects:
        client = tenant_client(app).for_host(host)
        client.token = trial.investigator.token
        clients.append(client)
    barrier = threading.Barrier(len(subjects))
    answers: list[Any] = [None] * len(subjects)

    def dispense(index: int) -> None:
        barrier.wait()
        answers[index] = clients[index].post(
            f"{BASE}/subjects/{subjects[index]}/dispensings",
            json={"section": trial.sections["Day 1"], "environment": "test"},
            headers=trial.headers,
        )

    threads = [threading.Thread(target=dispense, args=(i,)) for i in range(len(subjects))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_dispensings_never_take_one_kit(app, tenant, trial: Trial):
    trial.configure()
    trial.stock("dummy", "ACTIVE", "PAR", range(1, CLIENTS + 3))
    trial.stock("dummy", "PLACEBO", "PAR", range(101, 101 + CLIENTS + 2))
    randomized = [trial.randomized_subject(environment="test") for _ in range(CLIENTS)]
    answers = _at_once(app, tenant, trial, [subject for subject, _ in randomized])
    assert [a.status_code for a in answers] == [201] * CLIENTS, [a.json for a in answers]
    numbers = [a.json[0]["kit"]["number"] for a in answers]
    assert len(set(numbers)) == CLIENTS
    # Each arm's subjects took the lowest kits of their type, whatever the order.
    per_arm = Counter(arm for _, arm in randomized)
    active = sorted(n for n in numbers if n < "K00100")
    assert active == [f"K{n:05d}" for n in range(1, per_arm["ACTIVE"] + 1)]
    # One subject dispensed four times at once gets the one kit of the visit.
    subject, _ = trial.randomized_subject(environment="test")
    answers = _at_once(app, tenant, trial, [subject] * 4)
    assert Counter(a.status_code for a in answers) == {201: 1, 409: 3}
    assert {a.json["error"]["internal_name"] for a in answers if a.status_code == 409} == {
        "VISIT_FULLY_DISPENSED"
    }
