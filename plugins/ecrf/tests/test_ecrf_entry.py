"""Data entry: sections read with logic and calculations, saves checked per type, stale
saves refused, hidden answers cleared, every change audited with its reason, progress."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from datacapt.toolkit import (
    AuditRecord,
    DatacaptException,
    InternalCodes,
    Message,
    Study,
    conflict,
    db,
    tenant_context,
)
from plugins.ecrf.api import answers_changed, answers_changing, subject_answers
from plugins.ecrf.tests.designs import ADVERSE_EVENTS, BMI_WITH_WARNING, SEX, question, save_design
from plugins.subjects.api import SubjectInStudy, get_subject

DESIGN = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [
                {
                    "title": {"en": "Base"},
                    "blocks": [
                        {"kind": "static", "content": {"en": "Measure the subject."}},
                        SEX,
                        question(
                            "pregnant",
                            "yes_no",
                            required=True,
                            visible_if={"==": [{"var": "sex"}, "F"]},
                        ),
                        question(
                            "weight",
                            "decimal",
                            required=True,
                            options={"precision": 1, "min": 20, "max": 300},
                        ),
                        question("height", "decimal", required=True, options={"precision": 2}),
                        BMI_WITH_WARNING,
                        question("visit_date", "date", options={"partial": True}),
                        question("visit_time", "time"),
                        question(
                            "symptoms",
                            "multiple_choice",
                            options={"choices": [{"value": "cough"}, {"value": "fever"}]},
                        ),
                        question("pain", "scale", options={"min": 0, "max": 10, "step": 1}),
                        question("note", "long_text"),
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
                        question(
                            "pregnancy_test",
                            "yes_no",
                            required=True,
                            visible_if={"==": [{"var": "sex"}, "F"]},
                        ),
                        ADVERSE_EVENTS,
                    ],
                }
            ],
        },
    ]
}


@pytest.fixture
def trial(join_study, enable_plugins, client_as, make_study, tenant):
    """A study with the design, two centers, an investigator and a subject at Paris."""
    enable_plugins(tenant, "ecrf")
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="ENTRY")
    headers, centers = study.headers, study.centers
    design = save_design(manager, headers, DESIGN).json
    investigator = join_study(headers, tenant, "investigator")
    subject = investigator.post(
        "/api/subjects/",
        json={"center": centers["PAR"], "personal_data": {"last_name": "Secret"}},
        headers=headers,
    ).json
    sections = [s["uuid"] for s in design["sections"]]
    return {
        "headers": headers,
        "centers": centers,
        "manager": manager,
        "investigator": investigator,
        "subject": subject["uuid"],
        "sections": sections,
        "study": study.uuid,
    }


def url(trial, section: int = 0) -> str:
    return f"/api/ecrf/subjects/{trial['subject']}/sections/{trial['sections'][section]}"


def read(client, trial, section: int = 0):
    return client.get(url(trial, section), headers=trial["headers"])


def save(
    client, trial, answers, section: int = 0, etag: str | None = "read", reason: str | None = None
):
    if etag == "read":
        etag = read(client, trial, section).headers["ETag"]
    headers = {
        **trial["headers"],
        **({"If-Match": etag} if etag else {}),
        **({"Reason-For-Change": reason} if reason else {}),
    }
    return client.put(url(trial, section), json={"answers": answers}, headers=headers)


def blocks(view) -> list[dict]:
    """The blocks of a section read, in their subsections' order."""
    return [block for sub in view["subsections"] for block in sub["blocks"]]


def values(view) -> dict:
    return {b["code"]: b["value"] for b in blocks(view) if b["kind"] == "question"}


@pytest.mark.requirement("P11-11.10b", "GDPR-25")
def test_a_section_reads_with_visibility_values_and_no_personal_data(trial):
    view = read(trial["investigator"], trial)
    assert view.status_code == 200 and view.headers["ETag"] == '"0"'
    visible = {b["code"]: b["visible"] for b in blocks(view.json) if b["kind"] == "question"}
    assert visible["sex"] and not visible["pregnant"]  # sex unanswered: not "F"
    static = blocks(view.json)[0]
    assert (static["kind"], static["content"]) == ("static", {"en": "Measure the subject."})
    assert "Secret" not in str(view.json)


def test_a_section_read_keeps_the_design_structure_and_rules(trial):
    """A frontend groups questions by subsection and evaluates the rules as the user types,
    without merging the read with the design."""
    design = trial["manager"].get("/api/ecrf/", headers=trial["headers"]).json
    (designed,) = design["sections"][0]["subsections"]
    view = read(trial["investigator"], trial).json
    (subsection,) = view["subsections"]
    assert (subsection["uuid"], subsection["title"]) == (designed["uuid"], {"en": "Base"})
    assert [b["uuid"] for b in subsection["blocks"]] == [b["uuid"] for b in designed["blocks"]]
    by_code = {b["code"]: b for b in subsection["blocks"] if b["kind"] == "question"}
    assert by_code["pregnant"]["visible_if"] == {"==": [{"var": "sex"}, "F"]}
    assert by_code["bmi"]["calculation"] == BMI_WITH_WARNING["calculation"]
    assert by_code["bmi"]["validations"] == BMI_WITH_WARNING["validations"]


@pytest.mark.requirement("E6-4.2.1")
def test_saving_computes_checks_and_counts(trial):
    investigator = trial["investigator"]
    saved = save(
        investigator,
        trial,
        {
            "sex": "F",
            "pregnant": False,
            "weight": "130",
            "height": "1.75",
            "visit_date": "2026-03",
            "visit_time": "09:15",
            "symptoms": ["fever", "cough"],
            "pain": 3,
            "note": "ok",
        },
    )
    assert saved.status_code == 200, saved.json
    assert saved.headers["ETag"] == '"1"'
    answers = values(saved.json)
    assert (
        answers["bmi"] == "42.4"
        and answers["weight"] == "130"
        and answers["symptoms"] == ["cough", "fever"]
    )
    (query,) = saved.json["queries"]
    assert (query["code"], query["level"], query["message"]) == ("bmi", "warning", "BMI above 40")
    assert saved.json["progress"] == {"required": 4, "answered": 4}
    week4 = read(investigator, trial, 1).json
    assert {b["code"]: b["visible"] for b in blocks(week4)}[
        "pregnancy_test"
    ] is True  # logic across sections
    progress = investigator.get(
        f"/api/ecrf/subjects/{trial['subject']}/progress", headers=trial["headers"]
    ).json
    assert (progress["required"], progress["answered"]) == (5, 4)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"weight": "heavy"}, "weight"),
        ({"weight": "12.34"}, "weight"),
        ({"weight": "500"}, "weight"),
        ({"sex": "X"}, "sex"),
        ({"pregnant": "yes"}, "pregnant"),
        ({"visit_date": "2026-13-01"}, "visit_date"),
        ({"visit_time": "9h"}, "visit_time"),
        ({"symptoms": ["sneeze"]}, "symptoms"),
        ({"pain": 11}, "pain"),
        ({"bmi": 20}, "bmi"),
        ({"ghost": 1}, "ghost"),
        ({"ae": [{"onset": "2026-01-01"}]}, "ae"),
    ],
)
@pytest.mark.requirement("E6-4.2.1")
def test_bad_answers_get_field_errors_and_write_nothing(trial, answers, field):
    response = save(trial["investigator"], trial, answers, section=1 if "ae" in answers else 0)
    assert response.status_code == 422 and field in response.json["error"]["fields"]
    assert read(trial["investigator"], trial).headers["ETag"] == '"0"'


def test_field_errors_speak_the_language_of_the_request(trial):
    investigator, headers = trial["investigator"], {**trial["headers"], "Language": "fr"}
    etag = read(investigator, trial).headers["ETag"]
    answers = {"weight": "heavy", "pain": 11}
    french = investigator.put(
        url(trial), json={"answers": answers}, headers={**headers, "If-Match": etag}
    )
    assert french.json["error"]["fields"] == {"weight": ["un nombre"], "pain": ["au plus 10"]}
    rows = {"ae": [{"term": "Headache"}, {"onset": "2026-01-01"}]}
    english = save(investigator, trial, rows, section=1)
    assert english.json["error"]["fields"] == {"ae": ["row 2, term: required"]}
    french = investigator.put(
        url(trial, 1),
        json={"answers": {"ae": [{"term": "Headache", "onset": "soon"}]}},
        headers={**headers, "If-Match": read(investigator, trial, 1).headers["ETag"]},
    )
    assert french.json["error"]["fields"] == {"ae": ["ligne 1, onset : une date (AAAA-MM-JJ)"]}


@pytest.mark.requirement("E6-4.2.1")
def test_a_repeating_group_reports_every_problem_of_its_rows(trial):
    refused = save(
        trial["investigator"],
        trial,
        {"ae": [{"onset": "soon"}, {"term": "Nausea", "onset": "2026-13-01"}]},
        section=1,
    )
    assert refused.json["error"]["fields"] == {
        "ae": [
            "row 1, term: required",
            "row 1, onset: a date (YYYY-MM-DD)",
            "row 2, onset: a date (YYYY-MM-DD)",
        ]
    }


def test_a_nul_in_a_repeating_group_cell_is_refused_naming_the_cell(trial):
    etag = read(trial["investigator"], trial, 1).headers["ETag"]
    refused = trial["investigator"].put(
        url(trial, 1),
        data='{"answers": {"ae": [{"term": "ok"}, {"term": "Head\\u0000ache"}]}}',
        content_type="application/json",
        headers={**trial["headers"], "If-Match": etag},
    )
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["internal_name"] == "CHARACTERS_REFUSED"
    assert list(refused.json["error"]["fields"]) == ["answers.ae.1.term"]


@pytest.mark.requirement("P11-11.10f")
def test_a_save_must_name_and_match_the_version_it_read(trial):
    investigator = trial["investigator"]
    assert save(investigator, trial, {"sex": "M"}, etag=None).status_code == 428
    stale = read(investigator, trial).headers["ETag"]
    save(investigator, trial, {"sex": "M"})
    refused = save(investigator, trial, {"weight": "80"}, etag=stale)
    assert (
        refused.status_code == 412
        and refused.json["error"]["internal_name"] == "PRECONDITION_FAILED"
    )
    assert values(read(investigator, trial).json)["weight"] is None


@pytest.mark.parametrize(
    ("header", "says"),
    [("0", "double quotes"), ('W/"0"', "weak"), ("*", "*"), ('"0", 1', "double quotes")],
)
def test_an_if_match_that_is_no_etag_is_400_saying_what_is_wrong(trial, header, says):
    refused = save(trial["investigator"], trial, {"sex": "M"}, etag=header)
    assert refused.status_code == 400, refused.json
    assert refused.json["error"]["internal_name"] == "IF_MATCH_INVALID"
    assert says in refused.json["error"]["message"]
    assert save(trial["investigator"], trial, {"sex": "M"}, etag='"5", "0"').status_code == 200


@pytest.mark.requirement("P11-11.10e", "A11-9", "E6-4.2.4")
def test_changes_after_the_first_entry_need_a_reason_and_hidden_answers_are_cleared(
    app, tenant, trial
):
    investigator = trial["investigator"]
    save(investigator, trial, {"sex": "F", "pregnant": True})
    refused = save(investigator, trial, {"sex": "M"})
    assert (
        refused.status_code == 422
        and refused.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    )
    assert values(read(investigator, trial).json)["sex"] == "F"
    changed = save(investigator, trial, {"sex": "M"}, reason="Entered for the wrong subject")
    assert changed.status_code == 200
    answers = values(changed.json)
    assert answers["sex"] == "M" and answers["pregnant"] is None  # hidden now: cleared
    with app.app_context(), tenant_context(tenant):
        updates = db.session.execute(
            sa.select(AuditRecord.changes, AuditRecord.reason).where(
                AuditRecord.object_type == "ecrf_answers", AuditRecord.action == "update"
            )
        ).all()
    assert {(c["value"][0], c["value"][1], r) for c, r in updates} == {
        ("F", "M", "Entered for the wrong subject"),
        (True, None, "Entered for the wrong subject"),
    }


def _update_reasons(app, tenant) -> list[str | None]:
    with app.app_context(), tenant_context(tenant):
        return list(
            db.session.execute(
                sa.select(AuditRecord.reason)
                .where(AuditRecord.object_type == "ecrf_answers", AuditRecord.action == "update")
                .order_by(AuditRecord.sequence)
            ).scalars()
        )


def test_a_reason_for_change_in_any_language(app, tenant, trial):
    investigator = trial["investigator"]
    save(investigator, trial, {"weight": "70"})
    encoded = save(investigator, trial, {"weight": "71"}, reason="Pes%C3%A9e %E4%BD%93%E9%87%8D")
    # A raw UTF-8 header reaches the application as its bytes read as Latin-1.
    raw = save(investigator, trial, {"weight": "72"}, reason="Pesée 2".encode().decode("latin-1"))
    etag = read(investigator, trial).headers["ETag"]
    in_body = investigator.put(
        url(trial),
        json={"answers": {"weight": "73"}, "reason_for_change": "Pesée 3 ✓"},
        headers={**trial["headers"], "If-Match": etag},
    )
    assert [encoded.status_code, raw.status_code, in_body.status_code] == [200, 200, 200]
    assert _update_reasons(app, tenant) == ["Pesée 体重", "Pesée 2", "Pesée 3 ✓"]


@pytest.mark.parametrize("reason", ["x" * 1001, "Pes\xe9e", "a%00b", "%C3"])
def test_a_reason_too_long_or_not_utf8_is_422_and_writes_nothing(app, tenant, trial, reason):
    investigator = trial["investigator"]
    save(investigator, trial, {"weight": "70"})
    refused = save(investigator, trial, {"weight": "71"}, reason=reason)
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["internal_name"] == "REASON_FOR_CHANGE_INVALID"
    assert list(refused.json["error"]["fields"]) == ["reason_for_change"]
    assert values(read(investigator, trial).json)["weight"] == "70"
    assert _update_reasons(app, tenant) == []


@pytest.mark.requirement("E6-4.2.1", "E6-4.2.4")
def test_validation_rules_open_queries_that_close_when_the_data_is_corrected(trial):
    investigator = trial["investigator"]
    opened = save(investigator, trial, {"sex": "M", "weight": "130", "height": "1.75"}).json
    assert [q["code"] for q in opened["queries"]] == ["bmi"]
    again = save(investigator, trial, {"note": "seen"}).json
    assert [q["uuid"] for q in again["queries"]] == [
        opened["queries"][0]["uuid"]
    ]  # not opened twice
    corrected = save(investigator, trial, {"weight": "70"}, reason="Typo: 70 kg").json
    assert corrected["queries"] == []


def test_an_automatic_query_closes_saying_whether_the_data_or_its_hiding_ended_it(
    trial, tenant, join_study
):
    """Without monitoring too: the thread, seen here in the audit trail, says why."""
    design = trial["manager"].get("/api/ecrf/", headers=trial["headers"]).json
    (pregnant,) = [
        b for b in design["sections"][0]["subsections"][0]["blocks"] if b.get("code") == "pregnant"
    ]
    pregnant["validations"] = [
        {"rule": {"==": [{"var": "pregnant"}, True]}, "level": "exclusion", "message": "Pregnant"}
    ]
    assert save_design(trial["manager"], trial["headers"], design).status_code == 200
    investigator = trial["investigator"]
    opened = save(
        investigator, trial, {"sex": "F", "pregnant": True, "weight": "130", "height": "1.75"}
    )
    assert {(q["code"], q["status"], q["origin"]) for q in opened.json["queries"]} == {
        ("bmi", "open", "automatic"),
        ("pregnant", "open", "automatic"),
    }
    save(investigator, trial, {"weight": "70"}, reason="Typo")
    hidden = save(investigator, trial, {"sex": "M"}, reason="Wrong sex entered").json
    assert hidden["queries"] == []
    monitor = join_study(trial["headers"], tenant, "monitor")
    records = monitor.get(
        "/api/audit-trails/",
        query_string={"object_type": "ecrf_query_messages", "subject": trial["subject"]},
    ).json["records"]
    assert [(r["question"], r["changes"]["text"][1]) for r in records] == [
        ("pregnant", "Pregnant"),
        ("bmi", "BMI above 40"),
        ("bmi", "Closed automatically: the data no longer raises it."),
        ("pregnant", "Closed automatically: its question is hidden."),
    ]


def test_repeating_groups_are_saved_row_by_row(trial):
    saved = save(
        trial["investigator"],
        trial,
        {"ae": [{"term": "Headache", "onset": "2026-03-02"}]},
        section=1,
    )
    assert values(saved.json)["ae"] == [{"term": "Headache", "onset": "2026-03-02"}]


@pytest.mark.requirement("P11-11.10g")
def test_center_restriction_and_permissions_hold(join_study, trial, client_as, tenant):
    headers = trial["headers"]
    lyon_only = join_study(headers, tenant, "investigator", [trial["centers"]["LYO"]])
    assert read(lyon_only, trial).status_code == 404
    viewer = join_study(headers, tenant, "viewer")
    assert read(viewer, trial).status_code == 200
    assert save(viewer, trial, {"sex": "M"}).status_code == 403


@pytest.mark.requirement("E6-4.3.3")
def test_another_tenant_reaches_none_of_it(trial, enable_plugins, client_as, other_tenant):
    save(trial["investigator"], trial, {"sex": "F", "pregnant": False})
    enable_plugins(other_tenant, "ecrf")
    outsider = client_as(other_tenant, "administrator")
    own = {
        "Study-Uuid": outsider.post("/api/studies/", json={"reference": "O", "name": "O"}).json[
            "uuid"
        ]
    }
    # This tenant's study is unknown there; its subject is unknown in the outsider's study.
    read_there = outsider.get(url(trial), headers=trial["headers"])
    write_there = outsider.put(
        url(trial), json={"answers": {"sex": "M"}}, headers={**trial["headers"], "If-Match": '"1"'}
    )
    for response in (read_there, write_there):
        assert response.status_code == 404
        assert response.json["error"]["internal_name"] == "STUDY_NOT_FOUND"
    in_own_study = outsider.get(url(trial), headers=own)
    assert in_own_study.status_code == 404
    assert in_own_study.json["error"]["internal_name"] == "OBJECT_NOT_FOUND"
    assert outsider.get("/api/ecrf/subjects/", headers=own).json == []
    assert values(read(trial["investigator"], trial).json)["sex"] == "F"


def test_lists_and_dashboard_show_completion(trial):
    investigator, headers = trial["investigator"], trial["headers"]
    investigator.post("/api/subjects/", json={"center": trial["centers"]["LYO"]}, headers=headers)
    save(investigator, trial, {"sex": "M", "weight": "70", "height": "1.80"})
    listed = investigator.get("/api/ecrf/subjects/", headers=headers).json
    # LYO-001 has nothing saved: it counts what a blank form asks (pregnancy hidden).
    assert [(s["study_subject_id"], s["required"], s["answered"]) for s in listed] == [
        ("LYO-001", 3, 0),
        ("PAR-001", 3, 3),
    ]
    board = investigator.get("/api/ecrf/dashboard", headers=headers).json
    assert board["subjects_per_status"] == {"screening": 2}
    assert board["study"] == {"required": 6, "answered": 3, "completion": 0.5}
    assert [(s["title"]["en"], s["completion"]) for s in board["sections"]] == [
        ("Screening", 0.5),
        ("Week 4", None),
    ]
    assert [(c["code"], c["completion"]) for c in board["centers"]] == [
        ("LYO", 0.0),
        ("PAR", 1.0),
    ]
    lyon = investigator.get(
        f"/api/ecrf/subjects/{listed[0]['uuid']}/progress", headers=headers
    ).json
    assert [(s["required"], s["answered"]) for s in lyon["sections"]] == [(3, 0), (0, 0)]


def test_subject_list_pages_keep_order_counts_and_centers(trial, join_study, tenant):
    """Each page sums the counters of its own subjects only, pages follow the subject id
    order, the total counts the visible subjects, and a restricted member's pages hold
    their center's subjects alone."""
    investigator, headers = trial["investigator"], trial["headers"]
    for center in ("LYO", "LYO", "PAR"):
        investigator.post(
            "/api/subjects/", json={"center": trial["centers"][center]}, headers=headers
        )
    save(investigator, trial, {"sex": "M", "weight": "70"})

    def pages(client, size: int) -> tuple[list[list[tuple[str, int, int]]], int]:
        """Every page of the list until an empty one, and the total the pages announce."""
        listed: list[list[tuple[str, int, int]]] = []
        number = 1
        while True:
            answer = client.get(
                "/api/ecrf/subjects/",
                query_string={"page": number, "page_size": size},
                headers=headers,
            )
            assert answer.status_code == 200
            pagination = json.loads(answer.headers["X-Pagination"])
            if not answer.json:
                return listed, pagination["total"]
            listed.append(
                [(s["study_subject_id"], s["required"], s["answered"]) for s in answer.json]
            )
            number += 1

    everyone = [("LYO-001", 3, 0), ("LYO-002", 3, 0), ("PAR-001", 3, 2), ("PAR-002", 3, 0)]
    assert pages(investigator, 2) == ([everyone[:2], everyone[2:]], 4)
    assert pages(investigator, 3) == ([everyone[:3], everyone[3:]], 4)
    lyon_only = join_study(headers, tenant, "investigator", [trial["centers"]["LYO"]])
    assert pages(lyon_only, 1) == ([[row] for row in everyone[:2]], 2)


def add_file_questions(manager, headers) -> None:
    """A file question (ecg) and a repeating group with a file column (scans) in section 2."""
    design = manager.get("/api/ecrf/", headers=headers).json
    design["sections"][1]["subsections"][0]["blocks"] += [
        question("ecg", "file"),
        question("scans", "repeating_group", columns=[{"code": "scan", "type": "file"}]),
    ]
    assert save_design(manager, headers, design).status_code == 200


def test_file_questions_take_the_id_of_an_upload(trial, enable_plugins, tenant):
    import io

    manager, investigator, headers = trial["manager"], trial["investigator"], trial["headers"]
    add_file_questions(manager, headers)
    unknown = "0b1d2c3e-0000-4000-8000-000000000000"
    missing = save(investigator, trial, {"ecg": unknown, "scans": [{"scan": unknown}]}, section=1)
    assert missing.status_code == 422
    assert set(missing.json["error"]["fields"]) == {"ecg", "scans"}
    uploaded = investigator.post(
        "/api/files/",
        data={"file": (io.BytesIO(b"%PDF-1.7 trace"), "ecg.pdf", "application/pdf")},
        content_type="multipart/form-data",
    ).json
    saved = save(
        investigator, trial, {"ecg": uploaded["uuid"], "scans": [{"scan": uploaded["uuid"]}]}, 1
    )
    assert saved.status_code == 200 and values(saved.json)["ecg"] == uploaded["uuid"]
    assert values(saved.json)["scans"] == [{"scan": uploaded["uuid"]}]


def test_a_file_of_study_data_is_visible_exactly_where_the_data_is(
    trial, join_study, client_as, make_study, tenant
):
    import io

    manager, investigator, headers = trial["manager"], trial["investigator"], trial["headers"]
    add_file_questions(manager, headers)

    def upload(client) -> str:
        return client.post(
            "/api/files/",
            data={"file": (io.BytesIO(b"%PDF-1.7 trace"), "ecg.pdf", "application/pdf")},
            content_type="multipart/form-data",
        ).json["uuid"]

    ecg, scan, loose = upload(investigator), upload(investigator), upload(investigator)
    saved = save(investigator, trial, {"ecg": ecg, "scans": [{"scan": scan}]}, section=1)
    assert saved.status_code == 200
    lyon = join_study(headers, tenant, "investigator", centers=[trial["centers"]["LYO"]])
    paris = join_study(headers, tenant, "investigator", centers=[trial["centers"]["PAR"]])
    outsider = client_as(tenant, "study_manager")  # of another study
    make_study(outsider, "OUT", reference="OTHER")
    for file in (ecg, scan):
        assert investigator.get(f"/api/files/{file}").status_code == 200
        assert paris.get(f"/api/files/{file}").status_code == 200
        for refused in (lyon, outsider):
            answer = refused.get(f"/api/files/{file}")
            assert answer.status_code == 404 and b"PDF" not in answer.data
    # An upload no data refers to yet is not restricted to a study.
    assert lyon.get(f"/api/files/{loose}").status_code == 200


def test_an_upload_s_id_in_a_text_cell_attaches_nothing(trial, join_study, tenant):
    """Only file columns attach an upload: pasting a Paris file's id into a text cell of a
    Lyon subject's row does not open the file to Lyon."""
    import io

    manager, investigator, headers = trial["manager"], trial["investigator"], trial["headers"]
    design = manager.get("/api/ecrf/", headers=headers).json
    design["sections"][1]["subsections"][0]["blocks"] += [
        question("ecg", "file"),
        question(
            "docs",
            "repeating_group",
            columns=[{"code": "scan", "type": "file"}, {"code": "note", "type": "short_text"}],
        ),
    ]
    assert save_design(manager, headers, design).status_code == 200
    ecg = investigator.post(
        "/api/files/",
        data={"file": (io.BytesIO(b"%PDF-1.7 trace"), "ecg.pdf", "application/pdf")},
        content_type="multipart/form-data",
    ).json["uuid"]
    assert save(investigator, trial, {"ecg": ecg}, section=1).status_code == 200
    lyon = join_study(headers, tenant, "investigator", centers=[trial["centers"]["LYO"]])
    lyon_subject = lyon.post(
        "/api/subjects/",
        json={"center": trial["centers"]["LYO"], "personal_data": {"last_name": "L"}},
        headers=headers,
    ).json["uuid"]
    pasted = save(lyon, {**trial, "subject": lyon_subject}, {"docs": [{"note": ecg}]}, 1)
    assert pasted.status_code == 200, pasted.json
    assert lyon.get(f"/api/files/{ecg}").status_code == 404
    assert investigator.get(f"/api/files/{ecg}").status_code == 200


def test_a_new_design_is_used_at_once_and_recounts_kept_progress(trial):
    manager, investigator, headers = trial["manager"], trial["investigator"], trial["headers"]
    before = save(investigator, trial, {"sex": "M", "weight": "70", "height": "1.80"}).json
    assert "waist" not in values(before) and before["progress"] == {"required": 3, "answered": 3}
    design = manager.get("/api/ecrf/", headers=headers).json
    design["sections"][0]["subsections"][0]["blocks"].append(
        question("waist", "decimal", required=True)
    )
    assert save_design(manager, headers, design).status_code == 200
    view = read(investigator, trial)
    assert "waist" in values(view.json) and view.json["progress"]["required"] == 4
    # The design save's job recounted the kept counters: 3 of 4 now, before any new save.
    progress = investigator.get(f"/api/ecrf/subjects/{trial['subject']}/progress", headers=headers)
    assert (progress.json["required"], progress.json["answered"]) == (4, 3)
    saved = save(investigator, trial, {"waist": "81.5"}, etag=view.headers["ETag"])
    assert saved.status_code == 200 and saved.json["progress"] == {"required": 4, "answered": 4}


def _status(trial, client, **changes):
    return client.patch(f"/api/subjects/{trial['subject']}", json=changes, headers=trial["headers"])


@pytest.mark.requirement("P11-11.10f")
@pytest.mark.parametrize("ended", ["excluded", "withdrawn"])
def test_no_data_is_entered_for_an_ended_subject_until_reopened_with_a_reason(
    app, trial, tenant, ended, join_study
):
    investigator, headers = trial["investigator"], trial["headers"]
    if ended == "withdrawn":
        included = _status(trial, investigator, status="included", inclusion_date="2026-11-02")
        assert included.status_code == 200
    assert _status(trial, investigator, status=ended, end_reason="Consent").status_code == 200
    refused = save(investigator, trial, {"sex": "M"})
    assert refused.status_code == 409
    assert refused.json["error"]["internal_name"] == "SUBJECT_PARTICIPATION_ENDED"
    assert refused.json["error"]["details"] == {"status": ended}
    assert values(read(investigator, trial).json)["sex"] is None
    # Coming back takes reopening: not a status change, not without a reason, not by a viewer.
    back = "included" if ended == "withdrawn" else "screening"
    assert _status(trial, investigator, status=back).status_code == 409
    reopen = f"/api/subjects/{trial['subject']}/reopen"
    missing = investigator.post(reopen, headers=headers)
    assert missing.status_code == 422
    assert missing.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    viewer = join_study(headers, tenant, "viewer")
    reason = {**headers, "Reason-For-Change": "Withdrawn by mistake"}
    assert viewer.post(reopen, headers=reason).status_code == 403
    reopened = investigator.post(reopen, headers=reason)
    assert reopened.status_code == 200, reopened.json
    assert (reopened.json["status"], reopened.json["end_reason"]) == (back, None)
    again = investigator.post(reopen, headers=reason)
    assert again.status_code == 409 and again.json["error"]["details"] == {"status": back}
    assert save(investigator, trial, {"sex": "M"}).status_code == 200
    with app.app_context(), tenant_context(tenant.schema_name):
        record = db.session.execute(
            sa.select(AuditRecord).where(
                AuditRecord.object_type == "subjects_in_studies",
                AuditRecord.reason == "Withdrawn by mistake",
            )
        ).scalar_one()
    assert record.changes["status"] == [ended, back]


@pytest.mark.requirement("E6-4.2.4")
def test_after_completion_every_save_is_a_correction_with_a_reason(trial):
    investigator = trial["investigator"]
    _status(trial, investigator, status="included", inclusion_date="2026-11-02")
    assert _status(trial, investigator, status="completed").status_code == 200
    refused = save(investigator, trial, {"sex": "M"})
    assert refused.status_code == 422
    assert refused.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    saved = save(investigator, trial, {"sex": "M"}, reason="Source document found late")
    assert saved.status_code == 200 and values(saved.json)["sex"] == "M"


def test_another_plugin_reads_a_subject_s_answers_whole_or_of_one_section(app, tenant, trial):
    investigator = trial["investigator"]
    save(investigator, trial, {"sex": "F", "pregnant": False, "weight": "60", "height": "1.6"})
    save(investigator, trial, {"pregnancy_test": True}, section=1)
    with app.app_context(), tenant_context(tenant):
        study = db.session.execute(
            sa.select(Study).where(Study.uuid == trial["study"])
        ).scalar_one()
        participation = get_subject(study, trial["subject"])
        first, second = (uuid.UUID(section) for section in trial["sections"])
        screening = {"sex": "F", "pregnant": False, "weight": "60", "height": "1.6", "bmi": "23.4"}
        assert subject_answers(study, participation, first) == screening
        assert subject_answers(study, participation, second) == {"pregnancy_test": True}
        assert subject_answers(study, participation) == {**screening, "pregnancy_test": True}
        with pytest.raises(DatacaptException) as unknown:
            subject_answers(study, participation, uuid.uuid4())
        assert unknown.value.internal_code == InternalCodes.OBJECT_NOT_FOUND


def test_saves_of_two_sections_of_one_subject_run_one_after_the_other(trial):
    """A save updates every section's counters of its subject: two saves of different
    sections at once would each hold one section and wait for the other's."""
    entered, release = threading.Event(), threading.Event()
    answers: dict[str, Any] = {}

    def pause_the_first(sender, **kwargs):
        if not entered.is_set():
            entered.set()
            release.wait(10)

    def saving(name: str, given: dict, section: int) -> threading.Thread:
        thread = threading.Thread(
            target=lambda: answers.__setitem__(
                name, save(trial["investigator"], trial, given, section)
            )
        )
        thread.start()
        return thread

    answers_changing.connect(pause_the_first)
    try:
        first = saving("screening", {"weight": "70"}, 0)
        assert entered.wait(10)
        second = saving("week_4", {"ae": [{"term": "Headache"}]}, 1)
        time.sleep(0.5)  # the second save is under way too, as far as it may go
        release.set()
        first.join(20)
        second.join(20)
    finally:
        answers_changing.disconnect(pause_the_first)
    assert {name: answer.status_code for name, answer in answers.items()} == {
        "screening": 200,
        "week_4": 200,
    }


def _answer_records(app, tenant) -> list[tuple[str, dict, str | None]]:
    with app.app_context(), tenant_context(tenant):
        return [
            tuple(row)
            for row in db.session.execute(
                sa.select(AuditRecord.action, AuditRecord.changes, AuditRecord.reason)
                .where(AuditRecord.object_type == "ecrf_answers")
                .order_by(AuditRecord.sequence)
            )
        ]


def _chain_intact(app, tenant) -> bool:
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--tenant", tenant.schema_name])
    return result.exit_code == 0 and "chain intact" in result.output


@pytest.mark.requirement("P11-11.10e", "A11-7")
def test_a_save_writes_its_answers_with_their_audit_records_in_one_statement(
    app, db_engine, tenant, trial
):
    """One record per changed value, as a flush writes it, sent with the write itself."""
    investigator = trial["investigator"]
    assert save(investigator, trial, {"weight": "70.5", "height": "1.80"}).status_code == 200
    writes: list[str] = []

    def note(_conn, _cursor, statement: str, *_args) -> None:
        writes_answers = "INSERT INTO" in statement or "UPDATE" in statement
        if writes_answers and "ecrf_answers" in statement:
            writes.append(statement)

    sa.event.listen(db_engine, "before_cursor_execute", note)
    try:
        changed = save(
            investigator, trial, {"weight": "71.5", "height": "1.80", "pain": 3}, reason="Scale"
        )
    finally:
        sa.event.remove(db_engine, "before_cursor_execute", note)
    assert changed.status_code == 200
    assert len(writes) == 1 and "audit_append" in writes[0]
    records = _answer_records(app, tenant)
    with app.app_context(), tenant_context(tenant):
        participation = db.session.execute(sa.select(SubjectInStudy.uuid)).scalar_one()
    created = [changes for action, changes, _ in records if action == "create"]
    assert sorted(c["code"][1] for c in created) == ["bmi", "height", "pain", "weight"]
    assert all(
        set(c) == {"code", "instance", "subject_in_study_id", "uuid", "value"}
        and c["subject_in_study_id"] == [None, str(participation)]
        for c in created
    )
    # The height is unchanged; the weight and the BMI computed from it changed.
    assert sorted(
        (changes["value"][0], changes["value"][1], reason)
        for action, changes, reason in records
        if action == "update"
    ) == [("21.8", "22.1", "Scale"), ("70.5", "71.5", "Scale")]
    assert _chain_intact(app, tenant)


def test_a_receiver_refusing_after_the_write_leaves_nothing_written(app, tenant, trial):
    """The answers and their records are written before ``answers_changed``: a refusal
    there rolls both back, with the section's version."""
    investigator = trial["investigator"]
    assert save(investigator, trial, {"weight": "70"}).status_code == 200
    version = read(investigator, trial).headers["ETag"]
    recorded = _answer_records(app, tenant)

    def refuse(sender, **kwargs):
        raise conflict(InternalCodes.OBJECT_NOT_FOUND, Message("No such section."))

    answers_changed.connect(refuse)
    try:
        refused = save(investigator, trial, {"weight": "75"}, reason="Scale")
    finally:
        answers_changed.disconnect(refuse)
    assert refused.status_code == 409
    view = read(investigator, trial)
    assert values(view.json)["weight"] == "70" and view.headers["ETag"] == version
    assert _answer_records(app, tenant) == recorded


@pytest.mark.requirement("P11-11.10e", "A11-7")
def test_concurrent_saves_keep_one_valid_chain(app, tenant, trial):
    """Two clients saving their own subjects at once: every change recorded once, with
    its reason, in one chain that verifies."""
    investigator = trial["investigator"]
    other = investigator.post(
        "/api/subjects/", json={"center": trial["centers"]["PAR"]}, headers=trial["headers"]
    ).json["uuid"]
    trials = [trial, {**trial, "subject": other}]
    statuses: list[int] = []

    def entering(own: dict) -> None:
        for weight in range(60, 66):
            reason = None if weight == 60 else f"Weighed again ({weight})"
            statuses.append(
                save(investigator, own, {"weight": str(weight)}, reason=reason).status_code
            )

    threads = [threading.Thread(target=entering, args=(own,)) for own in trials]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [200] * 12
    records = _answer_records(app, tenant)
    # Only the weight is entered: two creations, then five updates of each subject.
    assert (
        sorted((a, c["code"][1], c["value"]) for a, c, _ in records if a == "create")
        == [("create", "weight", [None, "60"])] * 2
    )
    updates = [(*c["value"], reason) for a, c, reason in records if a == "update"]
    assert sorted(updates) == sorted(
        [(str(weight - 1), str(weight), f"Weighed again ({weight})") for weight in range(61, 66)]
        * 2
    )
    assert _chain_intact(app, tenant)
