"""The eCRF builder: the whole design saved and read back, checked by the form engine,
free while the study is a draft, versioned and protective of data once it is live."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from datacapt.toolkit import AuditRecord, db, tenant_context
from plugins.ecrf.models import Answer
from plugins.ecrf.tests.designs import (
    ADVERSE_EVENTS,
    BMI_WITH_WARNING,
    SEX,
    question,
    save_design,
)
from plugins.subjects.api import SubjectInStudy

DESIGN = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {
                    "title": {"en": "Demography"},
                    "blocks": [
                        {"kind": "static", "content": {"en": "Ask the subject."}},
                        SEX,
                        question(
                            "weight",
                            "decimal",
                            required=True,
                            options={"precision": 1, "unit": "kg"},
                        ),
                        question(
                            "height",
                            "decimal",
                            required=True,
                            options={"precision": 2, "unit": "m"},
                        ),
                        BMI_WITH_WARNING,
                    ],
                },
                {
                    "title": {"en": "Pregnancy"},
                    "visible_if": {"==": [{"var": "sex"}, "F"]},
                    "blocks": [
                        question("pregnant", "yes_no", required=True),
                    ],
                },
            ],
        },
        {
            "title": {"en": "Week 4"},
            "subsections": [
                {
                    "title": {"en": "Events"},
                    "blocks": [
                        ADVERSE_EVENTS,
                    ],
                },
            ],
        },
    ]
}


@pytest.fixture
def study(enable_plugins, client_as, make_study, tenant):
    enable_plugins(tenant, "ecrf")
    manager = client_as(tenant, "study_manager")
    created = make_study(manager, reference="CRF-1")
    return {"uuid": created.uuid, "headers": created.headers, "manager": manager}


def save(client, study, document):
    return save_design(client, study["headers"], document)


def codes(design) -> list[str]:
    return [
        b.get("code") or "static"
        for s in design["sections"]
        for sub in s["subsections"]
        for b in sub["blocks"]
    ]


def test_the_design_is_saved_whole_and_read_back_in_order(study):
    manager = study["manager"]
    saved = save(manager, study, DESIGN)
    assert saved.status_code == 200, saved.json
    read = manager.get("/api/ecrf/", headers=study["headers"]).json
    assert codes(read) == ["static", "sex", "weight", "height", "bmi", "pregnant", "ae"]
    assert read["version"] == 1 and read["study_status"] == "draft"
    assert read["sections"][0]["subsections"][1]["visible_if"] == {"==": [{"var": "sex"}, "F"]}
    assert read["sections"][1]["subsections"][0]["blocks"][0]["columns"][0]["code"] == "term"
    # Reorder the visits and drop a question: free while the study is a draft.
    week4, screening = read["sections"][1], read["sections"][0]
    screening["subsections"][0]["blocks"] = [
        b
        for b in screening["subsections"][0]["blocks"]
        if b.get("code") != "height" and b.get("code") != "bmi"
    ]
    again = save(manager, study, {"sections": [week4, screening]}).json
    assert [s["title"]["en"] for s in again["sections"]] == ["Week 4", "Screening"]
    assert again["sections"][1]["uuid"] == screening["uuid"]  # identity kept by uuid
    assert "height" not in codes(again)


def _blocks(design, section: int = 0, subsection: int = 0) -> list:
    return design["sections"][section]["subsections"][subsection]["blocks"]


def _deep_rule(levels: int) -> dict:
    rule: dict = {"var": "sex"}
    for _ in range(levels):
        rule = {"!": rule}
    return rule


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: _blocks(d).append(question("sex")), ("sex", "code", "this code is used twice")),
        (
            lambda d: d["sections"][0]["subsections"][1].update(
                visible_if={"==": [{"var": "ghost"}, 1]}
            ),
            ("pregnant", "visible_if", "unknown question 'ghost'"),
        ),
        (
            lambda d: _blocks(d).extend(
                [
                    question("a", "calculated", calculation={"+": [{"var": "b"}, 1]}),
                    question("b", "calculated", calculation={"+": [{"var": "a"}, 1]}),
                ]
            ),
            ("a", "calculation", "these depend on each other: a -> b -> a"),
        ),
        (
            lambda d: _blocks(d).append(question("bad", visible_if={"exec": ["x"]})),
            ("bad", "visible_if", "unknown operator 'exec'"),
        ),
        (
            lambda d: _blocks(d).append(question("n", options={"mni": 1})),
            ("n", "options.mni", "integer questions have no option mni"),
        ),
        (
            lambda d: _blocks(d).append(question("n", options={"min": 10, "max": 1})),
            ("n", "options.min", "min is greater than max"),
        ),
        (
            lambda d: _blocks(d).append(
                question("n", "scale", options={"min": 0, "max": 10, "step": 0})
            ),
            ("n", "options.step", "a step is greater than 0"),
        ),
        (
            lambda d: _blocks(d).append(question("n", "single_choice")),
            ("n", "options.choices", "a choice question needs a list of choices"),
        ),
        (
            lambda d: _blocks(d).append(
                question("n", validations=[{"rule": _deep_rule(40), "level": "warning"}])
            ),
            ("n", "validations.0.rule", "rules nest at most 32 levels"),
        ),
        (
            lambda d: _blocks(d).append(
                question(
                    "g",
                    "repeating_group",
                    columns=[{"code": "c", "type": "integer", "options": {"step": 1}}],
                )
            ),
            ("c", "columns.0.options.step", "integer questions have no option step"),
        ),
    ],
    ids=[
        "duplicate-code",
        "unknown-reference",
        "cycle",
        "unknown-operator",
        "unknown-option",
        "min-above-max",
        "zero-step",
        "no-choices",
        "rule-too-deep",
        "column-option",
    ],
)
def test_a_design_with_problems_is_refused_and_nothing_changes(study, change, problem):
    manager = study["manager"]
    before = save(manager, study, DESIGN).json
    import copy

    broken = copy.deepcopy(before)
    change(broken)
    response = save(manager, study, broken)
    assert (
        response.status_code == 422
        and response.json["error"]["internal_name"] == "ECRF_DESIGN_INVALID"
    )
    found = response.json["error"]["details"]["problems"]
    assert any((p["question"], p["field"], p["message"]) == problem for p in found), found
    assert all(set(p) == {"section", "block", "question", "field", "message"} for p in found)
    assert manager.get("/api/ecrf/", headers=study["headers"]).json == before


def test_a_problem_points_at_the_section_and_block_of_its_question(study):
    manager = study["manager"]
    design = save(manager, study, DESIGN).json
    weight = next(b for b in _blocks(design) if b.get("code") == "weight")
    weight["options"] = {"precision": 1, "min": 300, "max": 20}
    response = save(manager, study, design)
    assert response.json["error"]["details"]["problems"] == [
        {
            "section": design["sections"][0]["uuid"],
            "block": weight["uuid"],
            "question": "weight",
            "field": "options.min",
            "message": "min is greater than max",
        }
    ]


def test_rules_nested_900_levels_are_refused_before_anything_recurses(study):
    rule = "[" * 900 + "]" * 900
    body = (
        '{"sections": [{"title": {"en": "V"}, "subsections": [{"title": {"en": "S"}, "blocks":'
        f' [{{"kind": "question", "code": "n", "type": "integer", "visible_if": {rule}}}]}}]}}]}}'
    )
    response = study["manager"].put(
        "/api/ecrf/", data=body, content_type="application/json", headers=study["headers"]
    )
    assert response.status_code == 400
    assert response.json["error"]["internal_name"] == "JSON_TOO_DEEP"


def test_blocks_move_between_subsections_whose_old_home_is_removed(study):
    manager = study["manager"]
    design = save(manager, study, DESIGN).json
    screening = design["sections"][0]
    pregnancy = screening["subsections"].pop(1)  # removed; its question moves up
    screening["subsections"][0]["blocks"].extend(pregnancy["blocks"])
    moved = save(manager, study, design)
    assert moved.status_code == 200, moved.json
    blocks = moved.json["sections"][0]["subsections"][0]["blocks"]
    assert blocks[-1]["code"] == "pregnant" and blocks[-1]["uuid"] == pregnancy["blocks"][0]["uuid"]
    assert len(moved.json["sections"][0]["subsections"]) == 1


def test_a_question_needs_a_code_and_a_type(study):
    response = save(
        study["manager"],
        study,
        {
            "sections": [
                {
                    "title": {"en": "S"},
                    "subsections": [
                        {
                            "title": {"en": "A"},
                            "blocks": [{"kind": "question", "label": {"en": "?"}}],
                        }
                    ],
                }
            ]
        },
    )
    assert response.status_code == 422


def record_answer(app, tenant, study_uuid, code, value):
    """Data for a question, as data entry will store it."""
    with app.app_context(), tenant_context(tenant):
        from datacapt.toolkit import Study, StudyCenter
        from plugins.subjects.api import Subject

        study = db.session.execute(sa.select(Study).where(Study.uuid == study_uuid)).scalar_one()
        center_id = db.session.execute(sa.select(StudyCenter.id).limit(1)).scalar()
        subject = Subject()
        db.session.add(subject)
        db.session.flush()
        participation = SubjectInStudy(
            study_id=study.id,
            subject_id=subject.id,
            center_id=center_id,
            study_subject_id="X-001",
            status="included",
        )
        db.session.add(participation)
        db.session.flush()
        db.session.add(Answer(subject_in_study_id=participation.id, code=code, value=value))
        db.session.commit()


def test_once_live_adding_makes_a_new_version_and_data_is_protected(app, study, tenant):
    manager, headers = study["manager"], study["headers"]
    manager.post("/api/centers/", json={"code": "C1", "name": "C1", "country": "FR"})
    design = save(manager, study, DESIGN).json
    manager.patch(f"/api/studies/{study['uuid']}", json={"status": "live"})
    record_answer(app, tenant, study["uuid"], "weight", "72.5")
    screening = design["sections"][0]["subsections"][0]["blocks"]
    screening.append(question("pulse"))
    added = save(manager, study, design)
    assert added.status_code == 200 and added.json["version"] == 2
    design = added.json
    blocks = design["sections"][0]["subsections"][0]["blocks"]
    blocks[:] = [b for b in blocks if b.get("code") not in ("weight", "bmi")]
    removed = save(manager, study, design)
    assert removed.status_code == 409 and removed.json["error"]["details"]["removed"] == ["weight"]
    design = manager.get("/api/ecrf/", headers=headers).json
    weight = next(
        b for b in design["sections"][0]["subsections"][0]["blocks"] if b.get("code") == "weight"
    )
    weight["type"] = "integer"
    weight["options"] = {}
    retyped = save(manager, study, design)
    assert retyped.status_code == 409 and retyped.json["error"]["details"]["retyped"] == ["weight"]
    design = manager.get("/api/ecrf/", headers=headers).json
    pulse_gone = [
        b for b in design["sections"][0]["subsections"][0]["blocks"] if b.get("code") != "pulse"
    ]
    design["sections"][0]["subsections"][0]["blocks"] = pulse_gone
    assert save(manager, study, design).json["version"] == 3  # no data: it may go


def test_an_ended_study_s_ecrf_no_longer_changes(study):
    manager = study["manager"]
    design = save(manager, study, DESIGN).json
    for status in ("live", "ended"):
        manager.patch(f"/api/studies/{study['uuid']}", json={"status": status})
    response = save(manager, study, design)
    assert response.status_code == 409 and response.json["error"]["internal_name"] == "ECRF_LOCKED"


def test_who_may_read_and_design(join_study, study, client_as, tenant):
    manager, headers = study["manager"], study["headers"]
    save(manager, study, DESIGN)
    for role, can_design in (("investigator", False), ("viewer", False), ("data_manager", True)):
        member = join_study(headers, tenant, role)
        assert member.get("/api/ecrf/", headers=headers).status_code == 200
        assert (save_design(member, headers, DESIGN).status_code != 403) is can_design


def test_design_changes_are_audited(app, study, tenant):
    save(study["manager"], study, DESIGN)
    with app.app_context(), tenant_context(tenant):
        created = (
            db.session.execute(
                sa.select(AuditRecord.changes).where(
                    AuditRecord.object_type == "ecrf_blocks", AuditRecord.action == "create"
                )
            )
            .scalars()
            .all()
        )
    assert {c["code"][1] for c in created} >= {"sex", "weight", "bmi", "pregnant", "ae"}


def test_two_questions_can_swap_codes_in_one_save(study):
    manager = study["manager"]
    design = save(manager, study, DESIGN).json
    blocks = design["sections"][0]["subsections"][0]["blocks"]
    weight = next(b for b in blocks if b.get("code") == "weight")
    height = next(b for b in blocks if b.get("code") == "height")
    weight["code"], height["code"] = "height", "weight"
    swapped = save(manager, study, {"sections": design["sections"]})
    assert swapped.status_code == 200, swapped.json
    saved = swapped.json["sections"][0]["subsections"][0]["blocks"]
    assert {b["uuid"]: b["code"] for b in saved if b.get("code") in ("weight", "height")} == {
        weight["uuid"]: "height",
        height["uuid"]: "weight",
    }


def test_a_stale_design_save_never_overwrites_a_colleagues(join_study, study, tenant):
    manager, headers = study["manager"], study["headers"]
    colleague = join_study(headers, tenant, "data_manager")
    first = manager.get("/api/ecrf/", headers=headers)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    saved = colleague.put("/api/ecrf/", json=DESIGN, headers={**headers, "If-Match": etag})
    assert saved.status_code == 200 and saved.headers["ETag"] != etag
    assert saved.headers["ETag"] == manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    mine = {"sections": [{"title": {"en": "Mine"}, "subsections": []}]}
    stale = manager.put("/api/ecrf/", json=mine, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json["error"]["internal_name"] == "PRECONDITION_FAILED"
    missing = manager.put("/api/ecrf/", json=mine, headers=headers)
    assert missing.status_code == 428
    assert missing.json["error"]["internal_name"] == "PRECONDITION_REQUIRED"
    assert [
        s["title"]["en"] for s in manager.get("/api/ecrf/", headers=headers).json["sections"]
    ] == [
        "Screening",
        "Week 4",
    ]
    current = saved.headers["ETag"]
    listed = manager.put(
        "/api/ecrf/", json=mine, headers={**headers, "If-Match": f'"other", {current}'}
    )
    assert listed.status_code == 200


@pytest.mark.parametrize(
    ("if_match", "status", "message"),
    [
        ("*", 400, "If-Match: * is not accepted: send the ETag of what you read."),
        ("W/{etag}", 400, "If-Match takes the strong ETag of the read, not a weak one (W/)."),
        ("{bare}", 400, 'If-Match takes the ETag as it was read, in double quotes: "3".'),
        (
            '{etag}, "unclosed',
            400,
            'If-Match takes the ETag as it was read, in double quotes: "3".',
        ),
        ("   ", 428, "Send If-Match with the ETag of what you read."),
    ],
)
def test_a_design_save_says_what_is_wrong_with_its_if_match(study, if_match, status, message):
    manager, headers = study["manager"], study["headers"]
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    value = if_match.format(etag=etag, bare=etag.strip('"'))
    refused = manager.put("/api/ecrf/", json=DESIGN, headers={**headers, "If-Match": value})
    assert refused.status_code == status and refused.json["error"]["message"] == message
    french = manager.put(
        "/api/ecrf/", json=DESIGN, headers={**headers, "If-Match": value, "Language": "fr"}
    )
    assert french.status_code == status and french.json["error"]["message"] != message
    assert manager.get("/api/ecrf/", headers=headers).json["sections"] == []


def test_the_api_description_declares_the_design_headers(client):
    spec = client.get("/api/openapi.json").json["paths"]["/api/ecrf/"]
    assert "ETag" in spec["get"]["responses"]["200"]["headers"]
    assert "ETag" in spec["put"]["responses"]["200"]["headers"]
    parameters = {(p["in"], p["name"]): p for p in spec["put"]["parameters"]}
    assert parameters[("header", "If-Match")]["required"] is True


def test_concurrent_saves_of_one_read_leave_one_winner(app, study):
    manager, headers = study["manager"], study["headers"]
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    statuses: list[int] = []

    def save_mine(title: str) -> None:
        document = {"sections": [{"title": {"en": title}, "subsections": []}]}
        response = app.test_client().put(
            "/api/ecrf/",
            json=document,
            headers={
                **headers,
                "If-Match": etag,
                "Authorization": f"Bearer {manager.token}",
                "Host": manager.host,
            },
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=save_mine, args=(f"V{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412, 412, 412]
    assert len(manager.get("/api/ecrf/", headers=headers).json["sections"]) == 1
