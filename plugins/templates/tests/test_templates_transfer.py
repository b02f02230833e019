"""The library as a JSON file between tenants: exported, imported whole into another
tenant (which saw nothing of it before), imported again with a later version; an invalid
file refused with every problem and its path, and nothing imported."""

from __future__ import annotations

import copy
import json
from typing import Any

from plugins.templates.tests.support import TEMPLATES, Library, question, read, upload, vitals


def test_exported_imported_elsewhere_and_an_invalid_file_refused(
    library: Library, client_as, enable_plugins, other_tenant
):
    section = library.template("ecrf_section", vitals(question("weight")), tags=["std"])
    reminder = library.template(
        "message_template",
        {"channel": "email", "texts": {"en": {"subject": "Visit", "body": "Tomorrow."}}},
        name="Reminder",
    )
    exported: Any = library.manager.post(
        f"{TEMPLATES}export", json={"templates": [section["uuid"], reminder["uuid"]]}
    )
    assert exported.status_code == 200, exported.json
    document = exported.json
    assert (document["format"], document["format_version"]) == ("datacapt.templates", 1)
    assert read(library.viewer, f"{TEMPLATES}file-format")["properties"]["format_version"] == {
        "const": 1
    }

    enable_plugins(other_tenant, "templates")
    vendor = client_as(other_tenant, "study_manager")
    # Another tenant sees nothing of this one's library.
    assert read(vendor, TEMPLATES) == []
    assert vendor.get(f"{TEMPLATES}{section['uuid']}").status_code == 404
    assert vendor.get(f"{TEMPLATES}{section['uuid']}/uses").status_code == 404

    bad = copy.deepcopy(document)
    bad["templates"][0]["versions"][0]["content"]["subsections"][0]["blocks"].append(
        question("weight")
    )
    bad["templates"][1]["versions"][0]["content"]["texts"] = {"fr": {"subject": "", "body": "x"}}
    bad["templates"].append({**bad["templates"][0], "kind": "potion"})
    refused: Any = upload(vendor, bad)
    assert refused.status_code == 422, refused.json
    error = refused.json["error"]
    assert error["internal_name"] == "TEMPLATE_FILE_INVALID"
    assert {p["path"] for p in error["details"]["problems"]} == {"templates.2.kind"}
    # Once the file's frame is right, the contents are checked, every one.
    del bad["templates"][2]
    refused = upload(vendor, bad)
    assert {p["path"] for p in refused.json["error"]["details"]["problems"]} == {
        "templates.0.versions.0.content.subsections.0.blocks.1.code",
        "templates.1.versions.0.content.texts",
    }
    assert refused.json["error"]["details"]["count"] == 2
    deep = {**document, "templates": [{**document["templates"][0], "description": []}]}
    for _ in range(120):
        deep["templates"][0]["description"] = [deep["templates"][0]["description"]]
    garbage = [b"\xff\xfe", b"[1, 2]", b'{"format": "datacapt.templates"}', b"[" * 50_000]
    # Texts PostgreSQL does not store, and numbers JSON does not have.
    nul = json.dumps(document).replace('"std"', '"s\\u0000td"', 1).encode()
    surrogate = json.dumps(document).replace('"std"', '"\\ud800"', 1).encode()
    assert b"\\u0000" in nul and b"\\ud800" in surrogate
    garbage += [nul, surrogate, json.dumps({**document, "version": float("nan")}).encode()]
    for content in (*garbage, deep):
        assert upload(vendor, content).status_code == 422
    assert read(vendor, TEMPLATES) == []

    imported: Any = upload(vendor, document)
    assert imported.status_code == 201, imported.json
    assert imported.json["versions_added"] == 2
    held = read(vendor, TEMPLATES, query_string={"tag": "std"})
    assert [(t["uuid"], t["name"], t["latest"]) for t in held] == [(section["uuid"], "Vitals", 1)]
    # A later file of the library brings the version the tenant lacks, and only that.
    added: Any = library.manager.post(
        f"{TEMPLATES}{section['uuid']}/versions/",
        json={"content": vitals(question("weight"), question("pulse"))},
    )
    assert added.status_code == 201
    exported_later: Any = library.manager.post(
        f"{TEMPLATES}export", json={"templates": [section["uuid"]]}
    )
    later = exported_later.json
    again: Any = upload(vendor, later)
    assert (again.status_code, again.json["created"], again.json["versions_added"]) == (201, [], 1)
    assert (
        read(vendor, f"{TEMPLATES}{section['uuid']}/versions/2")["content"] == added.json["content"]
    )
    # A version held here must be the same as the file's.
    forged = copy.deepcopy(later)
    forged["templates"][0]["versions"][0]["content"]["title"] = {"en": "Forged"}
    differs: Any = upload(vendor, forged)
    assert [p["path"] for p in differs.json["error"]["details"]["problems"]] == [
        "templates.0.versions.0"
    ]
    assert read(vendor, f"{TEMPLATES}{section['uuid']}")["latest"] == 2
