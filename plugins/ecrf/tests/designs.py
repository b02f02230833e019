"""Pieces of eCRF designs shared by the eCRF tests."""

from __future__ import annotations

from typing import Any


def save_design(client: Any, headers: dict[str, str], document: dict[str, Any]) -> Any:
    """Save a design over the one ``client`` reads now (its ETag in If-Match)."""
    etag = client.get("/api/ecrf/", headers=headers).headers["ETag"]
    return client.put("/api/ecrf/", json=document, headers={**headers, "If-Match": etag})


def question(code: str, kind: str = "integer", **fields: Any) -> dict[str, Any]:
    return {"kind": "question", "code": code, "type": kind, "label": {"en": code}, **fields}


# weight (kg) / height (m) squared, one decimal
BMI = {"round": [{"/": [{"var": "weight"}, {"*": [{"var": "height"}, {"var": "height"}]}]}, 1]}


SEX = question(
    "sex", "single_choice", required=True, options={"choices": [{"value": "F"}, {"value": "M"}]}
)
BMI_WITH_WARNING = question(
    "bmi",
    "calculated",
    calculation=BMI,
    validations=[
        {"rule": {">": [{"var": "bmi"}, 40]}, "level": "warning", "message": "BMI above 40"}
    ],
)
ADVERSE_EVENTS = question(
    "ae",
    "repeating_group",
    columns=[
        {"code": "term", "type": "short_text", "required": True},
        {"code": "onset", "type": "date"},
    ],
)
