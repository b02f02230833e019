"""A monitored trial shared by the monitoring tests: a study with two centers, a design of
two visits, its team (investigators at each center, a monitor, a data manager) and a
subject at each center with answers entered."""

from __future__ import annotations

import dataclasses
from typing import Any

from datacapt.testing import TenantClient


def question(code: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "question", "code": code, "type": kind, "label": {"en": code}, **fields}


# weight (kg) / height (m) squared, one decimal, with a warning above 40: an automatic query
BMI = {"round": [{"/": [{"var": "weight"}, {"*": [{"var": "height"}, {"var": "height"}]}]}, 1]}
BMI_ABOVE_40 = {"rule": {">": [{"var": "bmi"}, 40]}, "level": "warning", "message": "BMI above 40"}

DESIGN = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {
                    "title": {"en": "Base"},
                    "blocks": [
                        question(
                            "sex",
                            "single_choice",
                            required=True,
                            options={"choices": [{"value": "F"}, {"value": "M"}]},
                        ),
                        question("weight", "decimal", required=True, options={"precision": 1}),
                        question("height", "decimal", required=True, options={"precision": 2}),
                        question("bmi", "calculated", calculation=BMI, validations=[BMI_ABOVE_40]),
                        question("smoker", "yes_no"),
                    ],
                }
            ],
        },
        {
            "title": {"en": "Week 4"},
            "subsections": [
                {
                    "title": {"en": "Follow-up"},
                    "blocks": [
                        question("pain", "scale", options={"min": 0, "max": 10, "step": 1}),
                        question(
                            "ae",
                            "repeating_group",
                            columns=[
                                {"code": "term", "type": "short_text", "required": True},
                                {"code": "onset", "type": "date"},
                            ],
                        ),
                    ],
                }
            ],
        },
    ]
}

SCREENING = {"sex": "F", "weight": "70", "height": "1.70", "smoker": False}


def save_design(client: TenantClient, headers: dict[str, str], document: dict[str, Any]) -> Any:
    """Save a design over the one ``client`` reads now (its ETag in If-Match)."""
    etag = client.get("/api/ecrf/", headers=headers).headers["ETag"]
    return client.put("/api/ecrf/", json=document, headers={**headers, "If-Match": etag})


@dataclasses.dataclass
class Trial:
    headers: dict[str, str]
    centers: dict[str, str]  # center uuid by code
    sections: list[str]  # section uuids, in order
    manager: TenantClient
    investigator: TenantClient  # at PAR
    lyon_investigator: TenantClient  # at LYO only
    monitor: TenantClient
    data_manager: TenantClient
    viewer: TenantClient
    subject: str  # at PAR, Screening answered
    lyon_subject: str  # at LYO, Screening answered

    def section_url(self, section: int = 0, subject: str | None = None) -> str:
        return f"/api/ecrf/subjects/{subject or self.subject}/sections/{self.sections[section]}"

    def read(self, client: TenantClient, section: int = 0, subject: str | None = None) -> Any:
        return client.get(self.section_url(section, subject), headers=self.headers)

    def save(
        self,
        client: TenantClient,
        answers: dict[str, Any],
        section: int = 0,
        subject: str | None = None,
        reason: str | None = "Corrected from source",
    ) -> Any:
        """Save answers over the version read now; a reason goes with every save (the
        first entry needs none, it is not refused)."""
        etag = self.read(client, section, subject).headers["ETag"]
        headers = {**self.headers, "If-Match": etag}
        if reason:
            headers["Reason-For-Change"] = reason
        return client.put(
            self.section_url(section, subject), json={"answers": answers}, headers=headers
        )


def make_trial(client_as, make_study, join_study, tenant) -> Trial:
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="MONITORED")
    headers, centers = study.headers, study.centers
    design = save_design(manager, headers, DESIGN)
    assert design.status_code == 200, design.json
    investigator = join_study(headers, tenant, "investigator", centers=[centers["PAR"]])
    lyon = join_study(headers, tenant, "investigator", centers=[centers["LYO"]])
    subjects = []
    for client, center in ((investigator, "PAR"), (lyon, "LYO")):
        added = client.post("/api/subjects/", json={"center": centers[center]}, headers=headers)
        assert added.status_code == 201, added.json
        subjects.append(added.json["uuid"])
    trial = Trial(
        headers=headers,
        centers=centers,
        sections=[s["uuid"] for s in design.json["sections"]],
        manager=manager,
        investigator=investigator,
        lyon_investigator=lyon,
        monitor=join_study(headers, tenant, "monitor"),
        data_manager=join_study(headers, tenant, "data_manager"),
        viewer=join_study(headers, tenant, "viewer"),
        subject=subjects[0],
        lyon_subject=subjects[1],
    )
    for client, subject in ((investigator, subjects[0]), (lyon, subjects[1])):
        saved = trial.save(client, SCREENING, subject=subject, reason=None)
        assert saved.status_code == 200, saved.json
    return trial


def audit_of(client: TenantClient, trial: Trial, object_type: str, **filters: str) -> list[Any]:
    """The study's audit records of one kind of object, oldest first, as ``client`` (who
    reads the audit trail) sees them."""
    query = {"study": trial.headers["Study-Uuid"], "object_type": object_type, "limit": "500"}
    found: Any = client.get("/api/audit-trails/", query_string={**query, **filters})
    assert found.status_code == 200, found.json
    return found.json["records"]


def add_subjects(trial: Trial, client: TenantClient, center: str, count: int) -> list[str]:
    """``count`` new subjects at ``center`` (a code), added by ``client``, in order."""
    added = []
    for _ in range(count):
        subject: Any = client.post(
            "/api/subjects/", json={"center": trial.centers[center]}, headers=trial.headers
        )
        assert subject.status_code == 201, subject.json
        added.append(subject.json["uuid"])
    return added


def outsider_with_a_study(
    enable_plugins: Any, client_as: Any, other_tenant: Any
) -> tuple[TenantClient, dict[str, str]]:
    """An administrator of another tenant with monitoring, and the headers of a study of
    their own."""
    enable_plugins(other_tenant, "monitoring")
    outsider = client_as(other_tenant, "administrator")
    created: Any = outsider.post("/api/studies/", json={"reference": "O", "name": "O"})
    assert created.status_code == 201, created.json
    return outsider, {"Study-Uuid": created.json["uuid"]}


def assert_unknown_study(*responses: Any) -> None:
    """Each answered as for a study that does not exist."""
    for response in responses:
        assert response.status_code == 404, response.json
        assert response.json["error"]["internal_name"] == "STUDY_NOT_FOUND"


QUERIES = "/api/monitoring/queries/"


def raise_query(trial: Trial, client: TenantClient | None = None, **fields: Any) -> Any:
    """A query raised by hand, by the monitor unless ``client``, on the subject at PAR
    unless ``fields`` say otherwise."""
    body = {"subject": trial.subject, "level": "warning", "message": "Check the source.", **fields}
    return (client or trial.monitor).post(QUERIES, json=body, headers=trial.headers)


def act_on_query(
    trial: Trial, client: TenantClient, query: str, action: str, text: str | None = "Done."
) -> Any:
    """One action of the query workflow (release, answer, close, cancel, reopen, messages)."""
    body = {} if text is None else {"text": text}
    return client.post(f"{QUERIES}{query}/{action}", json=body, headers=trial.headers)
