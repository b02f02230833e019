"""Form texts in several languages: the study's languages, reads in the caller's language
with the default as fallback, completeness, and PO files exported and imported."""

from __future__ import annotations

import io
from typing import Any

from babel.messages.pofile import read_po, write_po

from plugins.translations.tests.conftest import FORMS, SETTINGS, Team


def _body(response: Any) -> Any:
    """A response's JSON (Werkzeug types it as optional)."""
    return response.json


def _labels(view: dict[str, Any]) -> dict[str, Any]:
    """Each question's texts (label, help, choice labels) as the read gave them."""
    blocks = [b for sub in view["subsections"] for b in sub["blocks"]]
    return {
        b.get("code") or "static": (
            b.get("label") or b.get("content"),
            b.get("help"),
            [c["label"] for c in b.get("options", {}).get("choices", [])],
        )
        for b in blocks
    }


def _offer(team: Team, **settings: Any) -> Any:
    return team.manager.patch(SETTINGS, json=settings, headers=team.headers)


def test_a_form_in_three_languages_reads_in_each_and_falls_back(team: Team):
    # Before the study offers other languages, everyone reads its default, English.
    assert _labels(team.section_read(Language="fr").json)["weight"][0] == {"en": "Weight"}
    for bad in (
        {"languages": ["xx-nowhere"]},
        {"languages": [12]},
        {"default_language": "q" * 500},
    ):
        refused = _offer(team, **bad)
        assert refused.status_code == 422, (bad, refused.json)
    offered = _offer(team, languages=["fr", "de_DE", "de"])
    assert offered.status_code == 200, offered.json
    assert offered.json["languages"] == ["fr", "de-DE", "de"]

    german: Any = team.section_read(**{"Accept-Language": "de-CH, fr;q=0.5"}).json
    assert german["title"] == {"de": "Einschluss"}
    assert german["subsections"][0]["title"] == {"en": "Vitals"}  # no German: the default
    assert _labels(german) == {
        "weight": ({"de": "Gewicht"}, {"en": "In kilograms"}, []),
        "smoker": ({"en": "Smoker"}, {}, [{"de": "Ja"}, {"en": "No"}]),
        "static": ({"en": "Thanks."}, None, []),
    }
    french: Any = team.section_read(Language="fr").json
    assert _labels(french)["weight"][:2] == ({"fr": "Poids"}, {"fr": "En kilogrammes"})
    # A language the study does not offer, and none asked: the default (the user's "en").
    for headers in ({"Accept-Language": "es"}, {}):
        assert _labels(team.section_read(**headers).json)["weight"][0] == {"en": "Weight"}
    # The design itself keeps every language.
    design: Any = team.manager.get("/api/ecrf/", headers=team.headers).json
    assert design["sections"][0]["title"]["de"] == "Einschluss"
    # A German default: English readers fall back to it where no English text exists.
    assert _offer(team, default_language="de", languages=["en"]).status_code == 200
    assert _labels(team.section_read(Language="en").json)["smoker"][2] == [
        {"en": "Yes"},
        {"en": "No"},
    ]
    # French is not offered: the reader's own language (English) before the default.
    assert team.section_read(Language="fr").json["title"] == {"en": "Baseline"}
    assert _offer(team, languages=["it"]).status_code == 200
    assert team.section_read(Language="fr").json["title"] == {"de": "Einschluss"}


def _po(response: Any):
    assert response.status_code == 200, response.json
    assert response.mimetype == "text/x-gettext-translation"
    return read_po(io.BytesIO(response.data))


def _file(catalog) -> dict[str, Any]:
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    return {"file": (io.BytesIO(buffer.getvalue()), "texts.po")}


def _import(team: Team, url: str, catalog, etag: str, **headers: str) -> Any:
    return team.manager.post(
        url,
        query_string={"language": "de"},
        data=_file(catalog),
        headers={**team.headers, "If-Match": etag, **headers},
        content_type="multipart/form-data",
    )


def test_po_export_and_import_round_trip_with_stale_texts_reported(team: Team, join_study, tenant):
    assert _offer(team, languages=["fr", "de"]).status_code == 200
    forms = team.data_manager.get(FORMS, headers=team.headers)
    assert forms.status_code == 200, forms.json
    by_kind = {form["kind"]: form for form in _body(forms)}
    assert by_kind["ecrf"]["uuid"] == team.study
    assert by_kind["ecrf"]["languages"] == [
        {"language": "fr", "total": 8, "translated": 3, "missing": 5, "stale": 0},
        {"language": "de", "total": 8, "translated": 3, "missing": 5, "stale": 0},
    ]
    assert by_kind["epro"]["languages"][1] == {
        "language": "de",
        "total": 2,
        "translated": 0,
        "missing": 2,
        "stale": 0,
    }

    url = f"{FORMS}ecrf/{team.study}/po"
    exported = team.data_manager.get(url, query_string={"language": "de"}, headers=team.headers)
    catalog = _po(exported)
    entries = {m.context: m for m in catalog if m.id}
    assert entries["question/weight/label"].id == "Weight"
    assert entries["question/weight/label"].string == "Gewicht"
    assert entries["question/smoker/choice/N/label"].string == ""
    for message in entries.values():
        message.string = message.string or f"DE {message.id}"

    # The data manager reads but does not import; an investigator does neither.
    etag = exported.headers["ETag"]
    headers = {**team.headers, "If-Match": etag}
    assert (
        team.data_manager.post(url, query_string={"language": "de"}, headers=headers).status_code
        == 403
    )
    assert team.investigator.get(FORMS, headers=team.headers).status_code == 403

    imported = _import(team, url, catalog, etag)
    assert imported.status_code == 200, imported.json
    report: Any = imported.json
    assert len(report["written"]) == 5 and len(report["unchanged"]) == 3
    assert report["missing"] == report["stale"] == report["unknown"] == []
    assert report["etag"] != etag
    german: Any = team.section_read(Language="de").json
    assert german["subsections"][0]["title"] == {"de": "DE Vitals"}
    # The form changed through the eCRF: audited there, as is each source hash kept.
    monitor = join_study(team.headers, tenant, "monitor")
    audit = monitor.get(
        "/api/audit-trails/",
        query_string={"study": team.study, "object_type": "ecrf_subsections"},
    ).json["records"]
    assert any(r["changes"].get("title", [None, {}])[1].get("de") == "DE Vitals" for r in audit)
    kept = monitor.get(
        "/api/audit-trails/",
        query_string={"study": team.study, "object_type": "translations_texts"},
    ).json["records"]
    assert len(kept) == 8

    # The English label changes: its German text is now stale.
    design = team.manager.get("/api/ecrf/", headers=team.headers)
    document: Any = design.json
    document["sections"][0]["subsections"][0]["blocks"][0]["label"]["en"] = "Body weight"
    saved = team.manager.put(
        "/api/ecrf/",
        json={"sections": document["sections"]},
        headers={**team.headers, "If-Match": design.headers["ETag"]},
    )
    assert saved.status_code == 200, saved.json
    detail: Any = team.manager.get(f"{FORMS}ecrf/{team.study}", headers=team.headers).json
    assert detail["languages"][1] == {
        "language": "de",
        "total": 8,
        "translated": 8,
        "missing": 0,
        "stale": 1,
    }
    weight = next(t for t in detail["texts"] if t["path"] == "question/weight/label")
    assert weight["translations"][1] == {"language": "de", "text": "Gewicht", "stale": True}
    again = _po(team.manager.get(url, query_string={"language": "de"}, headers=team.headers))
    assert [m.context for m in again if m.fuzzy and m.id] == ["question/weight/label"]

    # The old file again: its weight entry translated the old source, so it is reported.
    old = _import(team, url, catalog, saved.headers["ETag"])
    assert old.status_code == 200, old.json
    assert old.json["stale"] == [
        {"path": "question/weight/label", "source": "Body weight", "file_source": "Weight"}
    ]
    assert old.json["written"] == [] and old.json["etag"] == saved.headers["ETag"]
    # A file missing texts and naming unknown ones.
    partial = _po(team.manager.get(url, query_string={"language": "de"}, headers=team.headers))
    partial.delete("Thanks.", context=next(m.context for m in partial if m.id == "Thanks."))
    partial.add("Ghost", "Geist", context="question/ghost/label")
    weight_entry = partial.get("Body weight", context="question/weight/label")
    weight_entry.string, weight_entry.flags = "Körpergewicht", set()
    done = _import(team, url, partial, saved.headers["ETag"])
    assert done.status_code == 200, done.json
    assert done.json["written"] == ["question/weight/label"]
    assert done.json["missing"] == [next(p for p in entries if p.startswith("static/"))]
    assert done.json["unknown"] == ["question/ghost/label"]
    assert _body(team.manager.get(FORMS, headers=team.headers))[0]["languages"][1]["stale"] == 0


def test_bad_imports_are_refused_and_write_nothing(team: Team):
    assert _offer(team, languages=["de"]).status_code == 200
    url = f"{FORMS}ecrf/{team.study}/po"
    exported = team.manager.get(url, query_string={"language": "de"}, headers=team.headers)
    etag, catalog = exported.headers["ETag"], _po(exported)
    for message in catalog:
        if message.id:
            message.string = "X"
    base = {**team.headers, "If-Match": etag}
    bad = {
        "no If-Match": (_file(catalog), team.headers, {"language": "de"}, 428),
        "old If-Match": (
            _file(catalog),
            {**team.headers, "If-Match": '"nope"'},
            {"language": "de"},
            412,
        ),
        "no file": ({}, base, {"language": "de"}, 422),
        "not a PO file": (
            {"file": (io.BytesIO(b'msgid "a\n\xff\x00'), "x.po")},
            base,
            {"language": "de"},
            422,
        ),
        "default language": (_file(catalog), base, {"language": "en"}, 422),
        "not offered": (_file(catalog), base, {"language": "fr"}, 422),
        "no language": (_file(catalog), base, {}, 422),
        "huge language": (_file(catalog), base, {"language": "d" * 5000}, 422),
    }
    for name, (data, headers, query, status) in bad.items():
        refused = team.manager.post(
            url, query_string=query, data=data, headers=headers, content_type="multipart/form-data"
        )
        assert refused.status_code == status, (name, refused.json)
        assert _body(refused)["error"]["internal_name"], name
    for missing in (
        f"{FORMS}ecrf/{team.subject}",
        f"{FORMS}epro/{team.study}",
        f"{FORMS}form/{team.study}",
    ):
        assert team.manager.get(missing, headers=team.headers).status_code == 404, missing
    detail: Any = team.manager.get(f"{FORMS}ecrf/{team.study}", headers=team.headers).json
    assert detail["languages"][0]["translated"] == 3  # nothing written


def test_a_questionnaire_is_translated_and_read_in_the_readers_language(team: Team):
    assert _offer(team, languages=["fr"]).status_code == 200
    url = f"{FORMS}epro/{team.questionnaire}/po"
    exported = team.manager.get(url, query_string={"language": "fr"}, headers=team.headers)
    catalog = _po(exported)
    assert sorted(m.context for m in catalog if m.id) == ["question/pain/label", "title"]
    for message in catalog:
        if message.id:
            message.string = {"Diary": "Journal", "Any pain?": "Douleur ?"}[message.id]
    imported = team.manager.post(
        url,
        query_string={"language": "fr"},
        data=_file(catalog),
        headers={**team.headers, "If-Match": exported.headers["ETag"]},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 200, imported.json
    assert sorted(_body(imported)["written"]) == ["question/pain/label", "title"]
    questionnaire: Any = team.manager.get(
        f"/api/epro/questionnaires/{team.questionnaire}", headers=team.headers
    ).json
    assert questionnaire["title"] == {"en": "Diary", "fr": "Journal"}
    assert questionnaire["blocks"][0]["label"] == {"en": "Any pain?", "fr": "Douleur ?"}
    # Staff read a subject's occurrence in their language.
    included = team.investigator.patch(
        f"/api/subjects/{team.subject}",
        json={"status": "included", "inclusion_date": "2030-03-04"},
        headers=team.headers,
    )
    assert included.status_code == 200, included.json
    occurrences: Any = team.investigator.get(
        f"/api/epro/subjects/{team.subject}/occurrences", headers=team.headers
    ).json
    filled: Any = team.investigator.get(
        f"/api/epro/occurrences/{occurrences[0]['uuid']}/answers",
        headers={**team.headers, "Accept-Language": "fr-FR"},
    ).json
    assert filled["questionnaire_title"] == {"fr": "Journal"}
    assert filled["blocks"][0]["label"] == {"fr": "Douleur ?"}


def test_another_tenant_or_study_sees_nothing(
    team: Team, other_tenant, enable_plugins, client_as, make_study
):
    enable_plugins(other_tenant, "ecrf", "epro", "translations")
    stranger = client_as(other_tenant, "study_manager")
    theirs = make_study(stranger, "PAR", reference="OTHER")
    assert stranger.get(FORMS, headers=team.headers).status_code in (403, 404)
    for path in (f"ecrf/{team.study}", f"epro/{team.questionnaire}"):
        assert stranger.get(f"{FORMS}{path}", headers=theirs.headers).status_code == 404, path
    # Another study of the same tenant: its forms are its own.
    second = make_study(team.manager, "LYO", reference="TRANS-2")
    for path in (f"ecrf/{team.study}", f"epro/{team.questionnaire}"):
        assert team.manager.get(f"{FORMS}{path}", headers=second.headers).status_code == 404, path
    listed: Any = team.manager.get(FORMS, headers=second.headers).json
    assert [(f["kind"], f["uuid"]) for f in listed] == [("ecrf", second.uuid)]
