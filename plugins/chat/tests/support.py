"""What the chat tests share: a study at PAR and LYO with an investigator at each, a
second one at PAR, a monitor and a viewer, a subject at PAR, and the subject's token."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from datacapt.testing import TenantClient, delivered_body, emails_to
from datacapt.toolkit import tenant_context

THREADS = "/api/chat/threads/"
PUBLIC = "/api/chat/public"
SUBJECT_EMAIL = "chatting@example.org"
START = "2030-05-06T08:00:00"  # the tests begin then (UTC)
PDF = b"%PDF-1.4\n% a small document\n"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json["error"]["internal_name"]


@dataclass
class Team:
    headers: dict[str, str]
    centers: dict[str, str]
    manager: TenantClient
    investigator: TenantClient  # at PAR, the subject's center
    colleague: TenantClient  # another investigator at PAR
    lyon: TenantClient  # an investigator at LYO only
    monitor: TenantClient  # every center, no subject threads; reads the audit trail
    viewer: TenantClient  # reads only
    subject: str

    def open(self, client: TenantClient | None = None, **fields: Any) -> Any:
        body = {"kind": "subject", "title": "Your visit", "subject": self.subject, **fields}
        return (client or self.investigator).post(THREADS, json=body, headers=self.headers)

    def thread(self, client: TenantClient | None = None, **fields: Any) -> dict[str, Any]:
        opened = self.open(client, **fields)
        assert opened.status_code == 201, opened.json
        return opened.json

    def say(self, client: TenantClient, thread: dict, text: str, **fields: Any) -> Any:
        return client.post(
            f"{THREADS}{thread['uuid']}/messages/",
            json={"text": text, **fields},
            headers=self.headers,
        )

    def get(self, client: TenantClient, path: str = "", **query: Any) -> Any:
        return client.get(f"{THREADS}{path}", headers=self.headers, query_string=query)

    def link(self, client: TenantClient | None = None) -> Any:
        return (client or self.investigator).post(
            f"/api/chat/subjects/{self.subject}/link", headers=self.headers
        )

    def token(self) -> str:
        answered = self.link()
        assert answered.status_code == 200, answered.json
        return answered.json["token"]


def emails(app: Any, tenant: Any, address: str) -> list[tuple[str, str, str]]:
    """The emails to an address, oldest first: template, language, text as delivered."""
    with app.app_context(), tenant_context(tenant.schema_name):
        return [
            (message.template, message.language, delivered_body(message))
            for message in emails_to(address)
        ]


def make_team(client_as, make_study, join_study, tenant) -> Team:
    # The tests move the clock by hours and days: sessions stay open that long.
    sessions = {"session_idle_minutes": 24 * 60, "session_lifetime_hours": 24 * 30}
    assert client_as(tenant).patch("/api/tenant/settings", json=sessions).status_code == 200
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="CHAT")
    par = [study.centers["PAR"]]

    def join(role: str, centers: list[str] | None = None) -> TenantClient:
        return join_study(study.headers, tenant, role, centers)

    investigator, colleague = join("investigator", par), join("investigator", par)
    lyon = join("investigator", [study.centers["LYO"]])
    monitor, viewer = join("monitor"), join("viewer")
    subject: Any = investigator.post(
        "/api/subjects/",
        json={
            "center": study.centers["PAR"],
            "personal_data": {"email": SUBJECT_EMAIL, "language": "fr"},
        },
        headers=study.headers,
    )
    assert subject.status_code == 201, subject.json
    return Team(
        study.headers,
        study.centers,
        manager,
        investigator,
        colleague,
        lyon,
        monitor,
        viewer,
        subject.json["uuid"],
    )
