"""Browsing and keeping the library: search by name, tag and kind, paginated; versions
written once; who may keep it; bad input of every kind refused with nothing written."""

from __future__ import annotations

from typing import Any

from plugins.templates.tests.support import (
    FROM_STUDY,
    INSERTIONS,
    TEMPLATES,
    Library,
    question,
    read,
    vitals,
)


def test_the_library_is_searched_and_kept_by_its_managers(library: Library):
    library.template("ecrf_section", vitals(question("weight")), name="Vital signs", tags=["std"])
    library.template("ecrf_question", question("smoker", "yes_no"), name="Smoking", tags=["std"])
    library.template(
        "ecrf_question", question("alcohol", "yes_no"), name="Alcohol", description="Vital habits"
    )
    names = lambda **query: [t["name"] for t in read(library.viewer, TEMPLATES, query_string=query)]  # noqa: E731
    assert names() == ["Alcohol", "Smoking", "Vital signs"]
    assert names(kind="ecrf_question") == ["Alcohol", "Smoking"]
    assert names(tag="std") == ["Smoking", "Vital signs"]
    assert names(search="VITAL") == ["Alcohol", "Vital signs"]
    page: Any = library.viewer.get(TEMPLATES, query_string={"page_size": 2, "page": 2})
    assert [t["name"] for t in page.json] == ["Vital signs"]
    smoking = read(library.viewer, TEMPLATES, query_string={"search": "smok"})[0]
    assert (
        library.viewer.post(
            f"{TEMPLATES}{smoking['uuid']}/versions/", json={"content": question("x", "yes_no")}
        ).status_code
        == 403
    )
    assert (
        library.viewer.patch(f"{TEMPLATES}{smoking['uuid']}", json={"tags": []}).status_code == 403
    )
    renamed: Any = library.manager.patch(
        f"{TEMPLATES}{smoking['uuid']}", json={"name": "Tobacco", "tags": ["b", "a", "b"]}
    )
    assert (renamed.json["name"], renamed.json["tags"]) == ("Tobacco", ["a", "b"])
    assert [v["number"] for v in renamed.json["versions"]] == [1]
    # Versions are written once: there is no way to change one.
    version_url = f"{TEMPLATES}{smoking['uuid']}/versions/1"
    assert library.viewer.get(f"{version_url}{10**30}").status_code == 404
    assert library.manager.put(version_url, json={"content": {}}).status_code == 405
    assert read(library.viewer, version_url)["content"]["code"] == "smoker"


BAD_TEMPLATES = [
    ({"name": "x", "kind": "potion", "content": {}}, "kind"),
    ({"name": "", "kind": "ecrf_question", "content": question("a")}, "name"),
    ({"name": "x" * 201, "kind": "ecrf_question", "content": question("a")}, "name"),
    ({"name": "x", "kind": "ecrf_question", "content": "text"}, "content"),
    ({"name": "x", "kind": "ecrf_question", "content": question("a"), "tags": [1]}, "tags"),
    ({"name": "x", "kind": "ecrf_question", "content": {"kind": "static"}}, "content"),
    ({"name": "x", "kind": "ecrf_question", "content": question("a", "potion")}, "content"),
    (
        {"name": "x", "kind": "ecrf_section", "content": vitals(question("a"), question("a"))},
        "content",
    ),
    (
        {"name": "x", "kind": "message_template", "content": {"channel": "email", "texts": {}}},
        "content",
    ),
]


def test_bad_input_is_refused_and_writes_nothing(library: Library):
    for body, field in BAD_TEMPLATES:
        answer: Any = library.manager.post(TEMPLATES, json=body)
        assert answer.status_code == 422, answer.json
        assert field in answer.json["error"]["fields"], (body, answer.json)
    assert read(library.manager, TEMPLATES) == []
    made = library.template("ecrf_section", vitals(question("weight")))
    duplicate: Any = library.manager.post(
        TEMPLATES,
        json={"name": "x", "kind": "ecrf_section", "content": vitals(question("a"), question("a"))},
    )
    assert duplicate.json["error"]["details"]["problems"][0]["path"] == (
        "subsections.0.blocks.1.code"
    )
    unknown = "00000000-0000-0000-0000-000000000000"
    for body, status in (
        ({"template": unknown}, 404),
        ({"template": made["uuid"], "version": 9}, 404),
        ({"template": made["uuid"], "version": 10**30}, 422),
        ({"template": "nope"}, 422),
        ({"template": made["uuid"], "position": "first"}, 422),
        ({"template": made["uuid"], "position": -1}, 422),
    ):
        answer = library.manager.post(INSERTIONS, json=body, headers=library.first)
        assert answer.status_code == status, (body, answer.json)
    assert library.manager.post(INSERTIONS, json={"template": made["uuid"]}).status_code == 400
    for body, status in (
        ({"kind": "ecrf_section", "piece": unknown, "name": "x"}, 404),
        ({"kind": "ecrf_section", "name": "x"}, 422),
        ({"kind": "ecrf_design"}, 422),  # a new template needs a name
        ({"kind": "message_template", "name": "x"}, 409),
        ({"kind": "ecrf_design", "template": made["uuid"]}, 422),  # another kind
        ({"kind": "ecrf_design", "template": unknown}, 404),
    ):
        answer = library.manager.post(FROM_STUDY, json=body, headers=library.first)
        assert answer.status_code == status, (body, answer.json)
    assert (
        library.investigator.post(
            FROM_STUDY, json={"kind": "ecrf_design", "name": "x"}, headers=library.first
        ).status_code
        == 403
    )
    assert read(library.manager, TEMPLATES) == [{k: v for k, v in made.items() if k != "versions"}]
    assert read(library.manager, INSERTIONS, headers=library.first) == []
