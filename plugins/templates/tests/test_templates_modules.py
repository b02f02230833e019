"""Templates of the optional modules: an ePRO questionnaire saved from one study and made
in another, a consent document made from the library; neither where the tenant lacks the
module."""

from __future__ import annotations

from typing import Any

from plugins.templates.tests.support import (
    FROM_STUDY,
    INSERTIONS,
    TEMPLATES,
    Library,
    question,
    read,
)

QUESTIONNAIRE = {
    "code": "pain",
    "title": {"en": "Pain diary"},
    "blocks": [question("pain_level", "yes_no", required=True)],
    "channels": ["email"],
    "schedule": {"days": [0, 7], "window_hours": 24, "available_hours": 48},
}
CONSENT = {
    "code": "ICF",
    "title": {"en": "Consent"},
    "version": {
        "languages": ["en"],
        "blocks": [{"kind": "static", "content": {"en": "You may stop at any time."}}],
        "signers": [
            {"role": "subject", "statement": {"en": "I agree."}},
            {"role": "investigator", "statement": {"en": "I explained it."}},
        ],
    },
}


def test_questionnaires_and_consent_documents_go_where_their_module_is(
    library: Library, enable_plugins, tenant
):
    consent = library.template("consent_document", CONSENT, name="Standard consent")
    without: Any = library.manager.post(
        INSERTIONS, json={"template": consent["uuid"]}, headers=library.second
    )
    assert without.status_code == 409
    assert without.json["error"]["internal_name"] == "TEMPLATE_NOT_INSERTABLE"

    enable_plugins(tenant, "epro", "econsent")
    made: Any = library.manager.post(
        "/api/epro/questionnaires/", json=QUESTIONNAIRE, headers=library.first
    )
    assert made.status_code == 201, made.json
    saved: Any = library.manager.post(
        FROM_STUDY,
        json={"kind": "epro_questionnaire", "piece": made.json["uuid"], "name": "Pain diary"},
        headers=library.first,
    )
    assert saved.status_code == 201, saved.json
    assert saved.json["content"]["schedule"]["days"] == [0, 7]
    copied: Any = library.manager.post(
        INSERTIONS, json={"template": saved.json["template"]}, headers=library.second
    )
    assert copied.status_code == 201, copied.json
    questionnaires = read(library.manager, "/api/epro/questionnaires/", headers=library.second)
    assert [(q["uuid"], q["code"]) for q in questionnaires] == [(copied.json["piece"], "pain")]
    # Its code is the study's: a second copy is refused, and not linked.
    twice = library.manager.post(
        INSERTIONS, json={"template": saved.json["template"]}, headers=library.second
    )
    assert twice.status_code == 409

    document: Any = library.manager.post(
        INSERTIONS, json={"template": consent["uuid"]}, headers=library.second
    )
    assert document.status_code == 201, document.json
    held = read(library.manager, "/api/econsent/documents/", headers=library.second)
    assert [(d["uuid"], d["code"], d["versions"][0]["status"]) for d in held] == [
        (document.json["piece"], "ICF", "draft")
    ]
    uses = read(library.manager, INSERTIONS, headers=library.second)
    assert {u["template"]["kind"] for u in uses} == {"epro_questionnaire", "consent_document"}
    assert read(library.manager, f"{TEMPLATES}{consent['uuid']}/uses")[0]["outdated"] is False
