"""The demo study's eCRF: a screening visit with a calculation and a warning rule, and a
follow-up visit with a condition across visits and a repeating group."""

from __future__ import annotations

from typing import Any

from datacapt.toolkit import Study
from plugins.ecrf.schemas import EcrfWriteSchema
from plugins.ecrf.services import design, save_design


def _question(code: str, kind: str, label: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "question", "code": code, "type": kind, "label": {"en": label}, **fields}


DEMO_DESIGN = {
    "sections": [
        {
            "title": {"en": "Screening", "fr": "Sélection"},
            "subsections": [
                {
                    "title": {"en": "Vital signs", "fr": "Signes vitaux"},
                    "blocks": [
                        _question("visit_date", "date", "Visit date", required=True),
                        _question(
                            "sex",
                            "single_choice",
                            "Sex",
                            required=True,
                            options={"choices": [{"value": "F"}, {"value": "M"}]},
                        ),
                        _question(
                            "weight",
                            "decimal",
                            "Weight",
                            required=True,
                            options={"precision": 1, "unit": "kg", "min": 30, "max": 250},
                        ),
                        _question(
                            "height",
                            "decimal",
                            "Height",
                            required=True,
                            options={"precision": 2, "unit": "m", "min": 1, "max": 2.5},
                        ),
                        _question(
                            "bmi",
                            "calculated",
                            "Body mass index",
                            calculation={
                                "round": [
                                    {
                                        "/": [
                                            {"var": "weight"},
                                            {"*": [{"var": "height"}, {"var": "height"}]},
                                        ]
                                    },
                                    1,
                                ]
                            },
                        ),
                        _question(
                            "systolic",
                            "integer",
                            "Systolic blood pressure (mmHg)",
                            required=True,
                            options={"min": 60, "max": 260},
                            validations=[
                                {
                                    "rule": {">=": [{"var": "systolic"}, 180]},
                                    "level": "warning",
                                    "message": "Systolic pressure of 180 mmHg or more",
                                }
                            ],
                        ),
                    ],
                }
            ],
        },
        {
            "title": {"en": "Week 4", "fr": "Semaine 4"},
            "subsections": [
                {
                    "title": {"en": "Follow-up", "fr": "Suivi"},
                    "blocks": [
                        _question(
                            "pregnancy_test",
                            "yes_no",
                            "Pregnancy test positive",
                            required=True,
                            visible_if={"==": [{"var": "sex"}, "F"]},
                        ),
                        _question(
                            "adverse_events",
                            "repeating_group",
                            "Adverse events",
                            columns=[
                                {"code": "term", "type": "short_text", "required": True},
                                {"code": "onset", "type": "date", "options": {"partial": True}},
                            ],
                        ),
                    ],
                }
            ],
        },
    ]
}


def add_demo_design(study: Study) -> None:
    """The demo design, unless the study has a design already; loaded as the API loads a
    design, so it reads back in the same shape."""
    if not design(study)["sections"]:
        save_design(study, EcrfWriteSchema().load(DEMO_DESIGN))
