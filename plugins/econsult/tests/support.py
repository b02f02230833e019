"""What the eConsult tests share: a study with a subject at PAR, an investigator there and
one at LYO, and the tenant's video service set as an operator sets it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from datacapt.testing import TenantClient, delivered_body, emails_to
from datacapt.toolkit import tenant_context

JITSI_URL = "https://meet.example.org"
SECRET = "a-jitsi-app-secret-for-tests-only"
SUBJECT_EMAIL = "consulted@example.org"
BOOKED_AT = "2030-03-04T08:00:00"  # the tests begin then (UTC)
START = "2030-03-04T10:00:00"  # the room booked in the tests starts then
ROOMS = "/api/econsult/rooms/"
PUBLIC = "/api/econsult/public/room"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json["error"]["internal_name"]


@dataclass
class Trial:
    headers: dict[str, str]
    centers: dict[str, str]
    manager: TenantClient
    investigator: TenantClient  # at PAR, the subject's center
    lyon: TenantClient  # an investigator at LYO only
    monitor: TenantClient
    subject: str

    def book(self, client: TenantClient | None = None, **fields: Any) -> Any:
        body = {
            "subject": self.subject,
            "starts_at": f"{START}Z",
            "duration_minutes": 30,
            "purpose": "consent",
            **fields,
        }
        return (client or self.investigator).post(ROOMS, json=body, headers=self.headers)

    def room(self, **fields: Any) -> dict[str, Any]:
        booked = self.book(**fields)
        assert booked.status_code == 201, booked.json
        return booked.json

    def post(self, client: TenantClient, room: dict, action: str, **body: Any) -> Any:
        return client.post(f"{ROOMS}{room['uuid']}/{action}", json=body, headers=self.headers)

    def read(self, room: dict, client: TenantClient | None = None) -> Any:
        return (client or self.manager).get(f"{ROOMS}{room['uuid']}", headers=self.headers)


def subject_emails(app: Any, tenant: Any) -> list[tuple[str, str, str]]:
    """The emails to the subject, oldest first: template, language, text as delivered."""
    with app.app_context(), tenant_context(tenant.schema_name):
        return [
            (message.template, message.language, delivered_body(message))
            for message in emails_to(SUBJECT_EMAIL)
        ]


def subject_token(app: Any, tenant: Any) -> str:
    """The token of the link last emailed to the subject."""
    texts = [text for _, _, text in subject_emails(app, tenant)]
    return [t for text in texts for t in re.findall(r"/econsult/([\w-]+)", text)][-1]


def make_trial(client_as, make_study, join_study, tenant) -> Trial:
    # The tests move the clock by hours: sessions stay open that long.
    client_as(tenant).patch("/api/tenant/settings", json={"session_idle_minutes": 24 * 60})
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="CONSULT")
    investigator = join_study(study.headers, tenant, "investigator", [study.centers["PAR"]])
    lyon = join_study(study.headers, tenant, "investigator", [study.centers["LYO"]])
    monitor = join_study(study.headers, tenant, "monitor")
    subject = investigator.post(
        "/api/subjects/",
        json={
            "center": study.centers["PAR"],
            "personal_data": {"email": SUBJECT_EMAIL, "language": "fr"},
        },
        headers=study.headers,
    ).json
    return Trial(
        study.headers, study.centers, manager, investigator, lyon, monitor, subject["uuid"]
    )
