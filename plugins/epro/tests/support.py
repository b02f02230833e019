"""What the ePRO tests share: a questionnaire, the outbox of the file backends, a trial
with a subject to include."""

from __future__ import annotations

import datetime as dt
import email
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datacapt.testing import TenantClient

PARIS_INCLUSION = "2030-03-04"  # Paris is UTC+1 until the end of March
DIARY: dict[str, Any] = {
    "code": "DIARY",
    "title": {"en": "Diary", "fr": "Journal"},
    "blocks": [
        {"kind": "static", "content": {"en": "About your week."}},
        {
            "kind": "question",
            "code": "pain",
            "type": "scale",
            "required": True,
            "options": {"min": 0, "max": 10, "step": 1},
        },
        {"kind": "question", "code": "nausea", "type": "yes_no", "required": True},
        {
            "kind": "question",
            "code": "nausea_days",
            "type": "integer",
            "required": True,
            "visible_if": {"==": [{"var": "nausea"}, True]},
        },
    ],
    "channels": ["email", "sms"],
    "schedule": {"days": [0, 7], "send_time": "09:00", "window_hours": 24, "available_hours": 48},
    "reminders": {"every_hours": 6, "max": 2, "quiet_start": "21:00", "quiet_end": "08:00"},
}


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _in_order(directory: Path, suffix: str) -> list[Path]:
    """The files a backend wrote, in the order it wrote them (their names are random)."""
    return sorted(directory.glob(f"*.{suffix}"), key=lambda path: path.stat().st_mtime_ns)


@dataclass
class Outbox:
    """The messages written by the file backends."""

    mail_dir: Path
    sms_dir: Path

    def emails(self) -> list[email.message.Message]:
        return [email.message_from_bytes(p.read_bytes()) for p in _in_order(self.mail_dir, "eml")]

    def sms(self) -> list[dict[str, str]]:
        return [json.loads(p.read_text()) for p in _in_order(self.sms_dir, "json")]

    def count(self) -> tuple[int, int]:
        return len(self.emails()), len(self.sms())

    def tokens(self) -> set[str]:
        payloads = [m.get_payload(decode=True) for m in self.emails()]  # bytes: not multipart
        texts = [payload.decode() for payload in payloads if isinstance(payload, bytes)]
        texts += [m["body"] for m in self.sms()]
        return {match for text in texts for match in re.findall(r"/epro/([\w-]+)", text)}

    def token(self) -> str:
        (token,) = self.tokens()
        return token


@dataclass
class Trial:
    headers: dict[str, str]
    centers: dict[str, str]
    manager: TenantClient
    investigator: TenantClient  # at PAR only
    subject: str
    questionnaire: dict[str, Any]

    def include(self, date: str = PARIS_INCLUSION) -> Any:
        return self.investigator.patch(
            f"/api/subjects/{self.subject}",
            json={"status": "included", "inclusion_date": date},
            headers=self.headers,
        )

    def save_questionnaire(self, body: dict[str, Any]) -> Any:
        """Replace the questionnaire over the version read now (its ETag in If-Match)."""
        url = f"/api/epro/questionnaires/{self.questionnaire['uuid']}"
        etag = self.manager.get(url, headers=self.headers).headers["ETag"]
        return self.manager.put(url, json=body, headers={**self.headers, "If-Match": etag})

    def occurrences(self, client: TenantClient | None = None) -> list[dict[str, Any]]:
        response: Any = (client or self.investigator).get(  # Werkzeug: json is optional
            # Every occurrence, not the first page only: how many there are depends on the hour.
            f"/api/epro/subjects/{self.subject}/occurrences",
            query_string={"page_size": 100},
            headers=self.headers,
        )
        assert response.status_code == 200, response.json
        return response.json


def make_trial(client_as, make_study, join_study, tenant, *, personal: dict | None = None) -> Trial:
    administrator = client_as(tenant)
    administrator.patch("/api/tenant/settings", json={"time_zone": "Europe/Paris"})
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="EPRO")
    investigator = join_study(study.headers, tenant, "investigator", [study.centers["PAR"]])
    subject = investigator.post(
        "/api/subjects/",
        json={
            "center": study.centers["PAR"],
            "personal_data": personal
            if personal is not None
            else {"email": "subject@example.org", "phone": "+33 6 00 00 00 01", "language": "fr"},
        },
        headers=study.headers,
    ).json
    questionnaire = manager.post("/api/epro/questionnaires/", json=DIARY, headers=study.headers)
    assert questionnaire.status_code == 201, questionnaire.json
    return Trial(
        study.headers, study.centers, manager, investigator, subject["uuid"], questionnaire.json
    )
