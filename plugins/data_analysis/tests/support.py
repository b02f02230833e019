"""A study with a known data set shared by the data analysis tests: two centers, a visit
asking age, sex, smoking, symptoms and a note, four subjects answered at Paris, two at
Lyon and a third there with no answer."""

from __future__ import annotations

import dataclasses
from typing import Any

from datacapt.testing import TenantClient

STATISTICS = "/api/data-analysis/statistics"
CROSS_TABULATION = "/api/data-analysis/cross-tabulation"


def question(code: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "question", "code": code, "type": kind, "label": {"en": code.title()}, **fields}


SEX = [{"value": "F", "label": {"en": "Female"}}, {"value": "M", "label": {"en": "Male"}}]
SYMPTOMS = [{"value": "a", "label": {"en": "Ache"}}, {"value": "b", "label": {"en": "Burn"}}]
DESIGN = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {
                    "title": {"en": "Base"},
                    "blocks": [
                        question("age", "integer"),
                        question("sex", "single_choice", options={"choices": SEX}),
                        question("smoker", "yes_no"),
                        question("symptoms", "multiple_choice", options={"choices": SYMPTOMS}),
                        question("note", "short_text"),
                    ],
                }
            ],
        },
        {
            "title": {"en": "Week 4"},
            "subsections": [
                {"title": {"en": "Follow-up"}, "blocks": [question("weight", "decimal")]}
            ],
        },
    ]
}
PARIS = [
    {"age": 30, "sex": "F", "smoker": True, "symptoms": ["a", "b"]},
    {"age": 40, "sex": "F", "smoker": False, "symptoms": ["a"]},
    {"age": 50, "sex": "M", "smoker": False, "note": "fine"},
    {"age": 60, "sex": "F", "smoker": True},
]
LYON = [{"age": 20, "sex": "M", "smoker": False}, {"age": 80, "sex": "F"}, {}]


@dataclasses.dataclass
class Trial:
    headers: dict[str, str]
    centers: dict[str, str]
    sections: list[str]
    manager: TenantClient
    investigator: TenantClient  # at PAR
    viewer: TenantClient

    def statistics(self, client: TenantClient | None = None, **query: str) -> Any:
        return (client or self.manager).get(STATISTICS, query_string=query, headers=self.headers)

    def cross_tabulation(self, client: TenantClient | None = None, **query: str) -> Any:
        return (client or self.manager).get(
            CROSS_TABULATION, query_string=query, headers=self.headers
        )


def make_trial(client_as, make_study, join_study, tenant) -> Trial:
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="ANALYSED")
    headers, centers = study.headers, study.centers
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    design: Any = manager.put("/api/ecrf/", json=DESIGN, headers={**headers, "If-Match": etag})
    assert design.status_code == 200, design.json
    sections = [s["uuid"] for s in design.json["sections"]]
    investigator = join_study(headers, tenant, "investigator", [centers["PAR"]])
    lyon = join_study(headers, tenant, "investigator", [centers["LYO"]])
    for client, center, rows in ((investigator, "PAR", PARIS), (lyon, "LYO", LYON)):
        for answers in rows:
            added: Any = client.post(
                "/api/subjects/", json={"center": centers[center]}, headers=headers
            )
            assert added.status_code == 201, added.json
            if answers:
                url = f"/api/ecrf/subjects/{added.json['uuid']}/sections/{sections[0]}"
                etag = client.get(url, headers=headers).headers["ETag"]
                saved: Any = client.put(
                    url, json={"answers": answers}, headers={**headers, "If-Match": etag}
                )
                assert saved.status_code == 200, saved.json
    return Trial(
        headers=headers,
        centers=centers,
        sections=sections,
        manager=manager,
        investigator=investigator,
        viewer=join_study(headers, tenant, "viewer"),
    )
