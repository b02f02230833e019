"""A study's section saved as a template, inserted into another study's eCRF as a linked
copy, and the outdated-use report once the template has a new version; questions and
whole designs inserted; who may do what; every write audited."""

from __future__ import annotations

from typing import Any

from plugins.templates.tests.support import (
    ECRF,
    FROM_STUDY,
    INSERTIONS,
    TEMPLATES,
    Library,
    audit_of,
    etag_of,
    question,
    read,
    vitals,
)


def test_a_section_saved_inserted_and_reported_outdated_with_the_difference(
    app, tenant, library: Library
):
    designed = library.design(
        library.first,
        vitals(
            {"kind": "static", "content": {"en": "Measure seated."}},
            question("weight", "decimal", required=True),
            question("pulse"),
        ),
    )
    section = designed["sections"][0]["uuid"]
    saved: Any = library.manager.post(
        FROM_STUDY,
        json={"kind": "ecrf_section", "piece": section, "name": "Vital signs", "tags": ["std"]},
        headers=library.first,
    )
    assert saved.status_code == 201, saved.json
    assert saved.json["number"] == 1
    assert "uuid" not in str(saved.json["content"])  # a copy gets its own identities
    template = saved.json["template"]
    # The second study has a visit already; the copy goes before it.
    other = library.design(library.second, vitals(question("alt"), title="Follow-up"))
    refused: Any = library.investigator.post(
        INSERTIONS, json={"template": template}, headers=etag_of(library.manager, library.first)
    )
    assert refused.status_code == 403
    inserted: Any = library.insert(library.second, template=template, position=0)
    assert inserted.status_code == 201, inserted.json
    use = inserted.json
    assert (use["version"], use["latest"], use["outdated"], use["present"]) == (1, 1, False, True)
    design = read(library.manager, ECRF, headers=library.second)
    assert [s["title"]["en"] for s in design["sections"]] == ["Vital signs", "Follow-up"]
    assert design["sections"][0]["uuid"] == use["piece"]
    assert design["sections"][1]["uuid"] == other["sections"][0]["uuid"]
    codes = [b.get("code") for b in design["sections"][0]["subsections"][0]["blocks"]]
    assert codes == [None, "weight", "pulse"]

    # Version 2: the title reworded, weight made optional, pulse gone, temperature added.
    changed = vitals(
        {"kind": "static", "content": {"en": "Measure seated."}},
        question("temperature", "decimal"),
        question("weight", "decimal"),
        title="Vital signs and temperature",
    )
    version: Any = library.manager.post(
        f"{TEMPLATES}{template}/versions/", json={"content": changed, "note": "Temperature"}
    )
    assert version.status_code == 201, version.json
    assert version.json["number"] == 2
    report = read(library.manager, f"{TEMPLATES}{template}/uses", query_string={"outdated": "true"})
    assert [(u["study"]["reference"], u["version"], u["latest"]) for u in report] == [
        ("SECOND", 1, 2)
    ]
    difference = report[0]["difference"]
    assert difference["questions"] == {
        "added": ["temperature"],
        "removed": ["pulse"],
        "changed": [{"code": "weight", "fields": {"required": {"from": True, "to": False}}}],
    }
    assert difference["texts"]["changed"] == [
        {
            "path": "title",
            "from": {"en": "Vital signs"},
            "to": {"en": "Vital signs and temperature"},
        }
    ]
    # The static text only moved: no difference.
    assert difference["texts"]["added"] == difference["texts"]["removed"] == []
    studied = read(library.manager, INSERTIONS, headers=library.second)
    assert [(u["template"]["uuid"], u["outdated"]) for u in studied] == [(template, True)]
    # Its latest refused where the design has its codes: nothing is linked.
    again = library.insert(library.first, template=template, version=2, position=1)
    assert again.status_code == 422  # the first study's design has weight already
    assert again.json["error"]["internal_name"] == "ECRF_DESIGN_INVALID"
    assert read(library.manager, INSERTIONS, headers=library.first) == []
    every = read(library.manager, f"{TEMPLATES}{template}/uses")
    assert [u["outdated"] for u in every] == [True]
    # The second study removes the copy: its use says so.
    follow_up = read(library.manager, ECRF, headers=library.second)["sections"][1]
    library.design(library.second, follow_up)
    studied = read(library.manager, INSERTIONS, headers=library.second)
    assert [(u["outdated"], u["present"]) for u in studied] == [(True, False)]
    # The investigator of the first study sees no use in the second.
    assert read(library.investigator, f"{TEMPLATES}{template}/uses") == []

    assert audit_of(app, tenant, use["uuid"]) == [("create", library.second_uuid)]
    # Created, then its latest version number moved on.
    assert [action for action, _ in audit_of(app, tenant, template)] == ["create", "update"]
    assert [action for action, _ in audit_of(app, tenant, version.json["uuid"])] == ["create"]


def test_a_question_and_a_whole_design_inserted(library: Library):
    library.design(library.first, vitals(question("weight", "decimal")))
    design = read(library.manager, ECRF, headers=library.first)
    subsection = design["sections"][0]["subsections"][0]["uuid"]
    smoker = library.template(
        "ecrf_question",
        question("smoker", "yes_no", label={"en": "Smoker?", "fr": "Fumeur ?"}),
        name="Smoking",
    )
    missing = library.insert(library.first, template=smoker["uuid"])
    assert missing.status_code == 422
    assert missing.json["error"]["fields"].keys() == {"subsection"}
    beyond = library.insert(
        library.first, template=smoker["uuid"], subsection=subsection, position=5
    )
    assert beyond.status_code == 422 and "position" in beyond.json["error"]["fields"]
    placed: Any = library.insert(
        library.first, template=smoker["uuid"], subsection=subsection, position=0
    )
    assert placed.status_code == 201, placed.json
    blocks = read(library.manager, ECRF, headers=library.first)["sections"][0]["subsections"][0][
        "blocks"
    ]
    assert [(b["code"], b["uuid"] == placed.json["piece"]) for b in blocks] == [
        ("smoker", True),
        ("weight", False),
    ]
    whole = library.template("ecrf_design", {"sections": [vitals(question("bp"))]}, name="Std")
    not_empty = library.insert(library.first, template=whole["uuid"])
    assert not_empty.status_code == 409
    assert not_empty.json["error"]["internal_name"] == "TEMPLATE_TARGET_INVALID"
    into_empty: Any = library.insert(library.second, template=whole["uuid"])
    assert into_empty.status_code == 201, into_empty.json
    sections = read(library.manager, ECRF, headers=library.second)["sections"]
    assert [b["code"] for b in sections[0]["subsections"][0]["blocks"]] == ["bp"]
    # Emptied and filled again from another template: the eCRF is now a copy of that one.
    library.design(library.second)
    other = library.template("ecrf_design", {"sections": [vitals(question("hr"))]}, name="Alt")
    refilled: Any = library.insert(library.second, template=other["uuid"])
    assert refilled.status_code == 201, refilled.json
    assert refilled.json["piece"] == into_empty.json["piece"]
    uses = read(library.manager, INSERTIONS, headers=library.second)
    assert [u["template"]["name"] for u in uses] == ["Alt"]
    # Without the design's ETag nothing is saved.
    no_etag = library.manager.post(
        INSERTIONS,
        json={"template": smoker["uuid"], "subsection": subsection},
        headers=library.first,
    )
    assert no_etag.status_code == 428
    # A message template goes into no design.
    reminder = library.template(
        "message_template",
        {"channel": "sms", "texts": {"en": {"body": "See you tomorrow."}}},
        name="Reminder",
    )
    nowhere = library.insert(library.first, template=reminder["uuid"])
    assert nowhere.status_code == 409
    assert nowhere.json["error"]["internal_name"] == "TEMPLATE_NOT_INSERTABLE"
    assert len(read(library.manager, INSERTIONS, headers=library.first)) == 1


def test_saving_a_piece_needs_reading_it_in_its_own_module(
    tenant, client_as, join_study, library: Library
):
    designed = library.design(library.first, vitals(question("weight", "decimal")))
    role: Any = client_as(tenant).post(
        "/api/roles/",
        json={"name": "librarian", "permissions": ["templates.access", "templates.save"]},
    )
    assert role.status_code == 201, role.json
    librarian = join_study(library.first, tenant, "librarian")
    piece = {"kind": "ecrf_section", "piece": designed["sections"][0]["uuid"], "name": "Vitals"}
    refused: Any = librarian.post(FROM_STUDY, json=piece, headers=library.first)
    assert refused.status_code == 403, refused.json
    assert library.manager.get(TEMPLATES).json == []
    saved: Any = library.manager.post(FROM_STUDY, json=piece, headers=library.first)
    assert saved.status_code == 201, saved.json
