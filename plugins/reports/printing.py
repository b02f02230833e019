"""Reports printed to PDF/A from their templates, in the report's language; the headings
are the plugin's translated messages."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from datacapt.toolkit import Message, Study, User, plugin_enabled, render_document, utcnow
from plugins.ecrf.api import compiled_form
from plugins.reports.casebooks.content import casebook, in_utc
from plugins.reports.values import choices, text
from plugins.subjects.api import SubjectInStudy

TEMPLATES = Path(__file__).parent / "templates"

HEADINGS = {
    "casebook": Message("Casebook"),
    "annotated_crf": Message("Annotated CRF"),
    "study": Message("Study"),
    "center": Message("Center"),
    "status": Message("Status"),
    "arm": Message("Arm"),
    "printed": Message("Printed"),
    "code": Message("Code"),
    "question": Message("Question"),
    "value": Message("Value"),
    "type": Message("Type"),
    "coded_values": Message("Coded values"),
    "ecrf_version": Message("eCRF version"),
    "shown_if": Message("Shown if"),
    "when": Message("When"),
    "who": Message("Who"),
    "action": Message("Action"),
    "reason": Message("Reason"),
    "queries": Message("Queries"),
    "text": Message("Text"),
    "platform": Message("The platform"),
    "none": Message("None."),
    "signatures": Message("Signatures"),
    "signed_by": Message("Signed by"),
    "signed_at": Message("Date and time"),
    "meaning": Message("Meaning"),
    "signed": Message("Signed"),
    "whole_casebook": Message("The whole casebook"),
    "declaration": Message("Declaration"),
}


@cache
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _common(language: str, printed_by: User) -> dict[str, Any]:
    return {
        "language": language,
        "t": {key: message.render(language) for key, message in HEADINGS.items()},
        "printed_at": utcnow().strftime("%Y-%m-%d %H:%M:%S"),
        "printed_by": printed_by.display_name,
    }


def casebook_pdf(
    study: Study,
    participation: SubjectInStudy,
    language: str,
    reveals_arm: bool,
    printed_by: User,
) -> bytes:
    """One subject's casebook, printed."""
    return render_document(
        _template("casebook.html"),
        book=casebook(study, participation, language, reveals_arm),
        monitoring=plugin_enabled("monitoring"),
        utc=in_utc,
        **_common(language, printed_by),
    ).pdf


def has_design(study: Study) -> bool:
    return bool(compiled_form(study).document["sections"])


def annotated_crf_pdf(study: Study, language: str, printed_by: User) -> bytes:
    """The blank design with each question's code, type and coded values."""
    document = compiled_form(study).document
    return render_document(
        _template("annotated_crf.html"),
        study=study,
        version=document["version"],
        sections=[
            {
                "uuid": section["uuid"],
                "title": text(section["title"], language),
                "subsections": [
                    {
                        "title": text(sub["title"], language),
                        "visible_if": _logic(sub.get("visible_if")),
                        "questions": [
                            _annotated(block, language)
                            for block in sub["blocks"]
                            if block["kind"] == "question"
                        ],
                    }
                    for sub in section["subsections"]
                ],
            }
            for section in document["sections"]
        ],
        **_common(language, printed_by),
    ).pdf


def _annotated(block: dict[str, Any], language: str) -> dict[str, Any]:
    options = block.get("options") or {}
    annotations = [
        f"{name}: {_logic(options[name])}"
        for name in ("min", "max", "step", "precision", "partial")
        if options.get(name) is not None
    ]
    return {
        "code": block["code"],
        "label": text(block.get("label"), language, block["code"]),
        "type": block.get("type"),
        "unit": options.get("unit"),
        "required": block.get("required"),
        "visible_if": _logic(block.get("visible_if")),
        "calculation": _logic(block.get("calculation")),
        "choices": choices(block, language)
        if block.get("type") in ("single_choice", "multiple_choice", "yes_no")
        else [],
        "annotations": annotations,
        "columns": block.get("columns") or [],
    }


def _logic(rule: Any) -> str:
    return "" if rule is None else json.dumps(rule, ensure_ascii=False, sort_keys=True)
