"""Imported lists (CSV or XLSX) checked whole on import, double-blind lists whose code ->
arm key only unblinded users hold, and a new list part by a new version."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from plugins.randomizations.tests.support import ARMS, BASE, CENTER, DESIGNS, Trial

CONFIG = {"arms": ARMS, "factors": [CENTER], "warning_threshold": 1}


def _csv(*rows: str) -> bytes:
    return "\n".join(rows).encode()


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(
    client,
    trial: Trial,
    design: str,
    content: bytes,
    kind: str = "lists",
    environment: str = "production",
    number: int = 1,
    name: str = "list.csv",
) -> Any:
    return client.post(
        f"{trial.version_url(design, number)}/{kind}/{environment}",
        data={"file": (io.BytesIO(content), name)},
        headers=trial.headers,
        content_type="multipart/form-data",
    )


@pytest.mark.requirement("E6-4.2.5")
def test_an_imported_list_is_checked_whole_and_nothing_of_a_bad_file_is_kept(trial: Trial):
    design = trial.create(CONFIG, "imported").json["uuid"]
    bad: Any = _upload(
        trial.manager,
        trial,
        design,
        _csv(
            "sequence,stratum,arm",
            "R001,center=PAR,ZORBLAX",
            "R001,center=PAR,QUIMBLE",
            "R002,center=NICE,ZORBLAX",
            "R003,center=LYO,ASPIRIN",
            ",center=LYO,",
            f"{'R' * 41},center=LYO,ZORBLAX",
        ),
    )
    assert bad.status_code == 422, bad.json
    assert bad.json["error"]["internal_name"] == "RANDOMIZATION_LIST_INVALID"
    problems = {(p["row"], p["column"]) for p in bad.json["error"]["details"]["problems"]}
    assert problems == {
        (3, "sequence"),
        (4, "stratum"),
        (5, "arm"),
        (6, "sequence"),
        (6, "arm"),
        (7, None),
    }
    for content, name in (
        (b"\xff\xfe junk", "list.csv"),
        (b"PK\x03\x04 not a workbook", "list.xlsx"),
    ):
        unreadable: Any = _upload(trial.manager, trial, design, content, name=name)
        assert unreadable.status_code == 422, unreadable.json
    # A short row's missing cells are empty, as in a design without strata, where an
    # empty stratum is the only one.
    unstratified = trial.create({**CONFIG, "factors": []}, "imported", code="FLAT").json["uuid"]
    short: Any = _upload(
        trial.manager, trial, unstratified, _csv("sequence,arm,stratum", "R1,ZORBLAX")
    )
    assert short.status_code == 201, short.json
    missing: Any = _upload(trial.manager, trial, design, _csv("sequence,arm", "R1,ZORBLAX"))
    assert missing.json["error"]["details"]["problems"][0]["column"] == "stratum"
    assert [s["capacity"] for s in trial.strata(design).json] == [0, 0]


def test_an_imported_list_randomizes_in_its_order_until_it_runs_out(trial: Trial):
    design = trial.create(CONFIG, "imported").json["uuid"]
    production: Any = _upload(
        trial.manager,
        trial,
        design,
        _xlsx(
            [
                ["Sequence", "Stratum", "Arm"],
                ["R001", "center=PAR", "QUIMBLE"],
                ["R002", "center=PAR", "ZORBLAX"],
                ["R003", "center=LYO", "ZORBLAX"],
            ]
        ),
        name="list.xlsx",
    )
    assert production.status_code == 201, production.json
    assert production.json["rows"] == 3 and len(production.json["sha256"]) == 64
    assert trial.simulate(design).status_code == 201
    not_ready: Any = trial.approve(design)
    assert not_ready.json["error"]["details"]["missing"] == ["test_list"]
    assert (
        _upload(
            trial.manager,
            trial,
            design,
            _csv("sequence;stratum;arm", "T1;center=PAR;ZORBLAX"),
            environment="test",
        ).status_code
        == 201
    )
    assert trial.approve(design).status_code == 200
    assert trial.go_live(design).status_code == 200
    first: Any = trial.randomize(trial.subject(), design)
    assert first.json["number"] == "R001"
    shown: Any = trial.statistician.get(
        f"{BASE}/assignments/{first.json['uuid']}", headers=trial.headers
    )
    assert shown.json["arm"] == "QUIMBLE"
    assert trial.randomize(trial.subject(), design).json["number"] == "R002"
    out: Any = trial.randomize(trial.subject(), design)
    assert out.json["error"]["internal_name"] == "RANDOMIZATION_LIST_EXHAUSTED"
    # A new version adds a list part; it counts once that version is live.
    reason = {**trial.headers, "Reason-For-Change": "More subjects at Paris"}
    assert trial.manager.post(f"{DESIGNS}{design}/versions/", headers=reason).status_code == 201
    duplicate: Any = _upload(
        trial.manager,
        trial,
        design,
        _csv("sequence,stratum,arm", "R002,center=PAR,ZORBLAX"),
        number=2,
    )
    assert duplicate.status_code == 422
    part = _csv("sequence,stratum,arm", "R004,center=PAR,QUIMBLE", "R005,center=PAR,ZORBLAX")
    assert _upload(trial.manager, trial, design, part, number=2).status_code == 201
    assert trial.randomize(trial.subject(), design).status_code == 409
    trial.release(design, 2)
    later: Any = trial.randomize(trial.subject(), design)
    assert later.json["number"] == "R004" and later.json["version"] == 2
    paris = [s for s in trial.strata(design).json if s["key"] == "center=PAR"]
    assert [(s["capacity"], s["used"], s["remaining"], s["warning"]) for s in paris] == [
        (4, 3, 1, True)
    ]


def test_a_double_blind_list_holds_codes_and_only_unblinded_users_hold_the_key(trial: Trial):
    design = trial.create(CONFIG, "double_blind").json["uuid"]
    listed = _csv(
        "sequence,stratum,treatment_code",
        "R1,center=PAR,KIT-0417",
        "R2,center=PAR,KIT-0093",
    )
    assert _upload(trial.manager, trial, design, listed).status_code == 201
    assert (
        _upload(
            trial.manager,
            trial,
            design,
            _csv("sequence,stratum,treatment_code", "T1,center=PAR,TK-1"),
            environment="test",
        ).status_code
        == 201
    )
    key = _csv("treatment_code,arm", "KIT-0417,ZORBLAX", "KIT-0093,QUIMBLE")
    assert _upload(trial.manager, trial, design, key, "keys").status_code == 403  # blinded
    bad_key: Any = _upload(
        trial.statistician,
        trial,
        design,
        _csv("treatment_code,arm", "KIT-9999,ZORBLAX", "KIT-0417,ASPIRIN"),
        "keys",
    )
    assert {(p["row"], p["column"]) for p in bad_key.json["error"]["details"]["problems"]} == {
        (2, "treatment_code"),
        (3, "arm"),
    }
    assert _upload(trial.statistician, trial, design, key, "keys").status_code == 201
    assert trial.simulate(design).status_code == 201
    incomplete: Any = trial.approve(design)
    assert incomplete.json["error"]["details"]["missing"] == ["test_key"]
    assert (
        _upload(
            trial.statistician,
            trial,
            design,
            _csv("treatment_code,arm", "TK-1,QUIMBLE"),
            "keys",
            "test",
        ).status_code
        == 201
    )
    assert trial.approve(design).status_code == 200 and trial.go_live(design).status_code == 200
    randomized: Any = trial.randomize(trial.subject(), design)
    assert randomized.status_code == 201, randomized.json
    assert (randomized.json["number"], randomized.json["treatment_code"]) == ("R1", "KIT-0417")
    assert randomized.json["arm"] is None  # the investigator dispenses the kit, blind
    unblinded: Any = trial.statistician.get(
        f"{BASE}/assignments/{randomized.json['uuid']}", headers=trial.headers
    )
    assert unblinded.json["arm"] == "ZORBLAX"
    check = trial.verification(design)
    assert check["consistent"] is True
    assert check["lists"][0]["assignments_checked"] == 1


def test_generated_designs_take_no_import(trial: Trial):
    from plugins.randomizations.tests.support import blocks

    design = trial.create(blocks()).json["uuid"]
    refused: Any = _upload(trial.manager, trial, design, _csv("sequence,stratum,arm"))
    assert refused.json["error"]["internal_name"] == "LIST_IMPORT_REFUSED"


def test_a_part_of_a_version_that_never_went_live_is_skipped(trial: Trial):
    design = trial.create({**CONFIG, "factors": []}, "imported").json["uuid"]
    header = "sequence,stratum,arm"
    assert _upload(trial.manager, trial, design, _csv(header, "A1,,ZORBLAX")).status_code == 201
    test_list = _csv(header, "T1,,ZORBLAX", "T2,,QUIMBLE", "T3,,QUIMBLE")
    assert _upload(trial.manager, trial, design, test_list, environment="test").status_code == 201
    trial.release(design)
    reason = {**trial.headers, "Reason-For-Change": "A part"}
    for number, sequence in ((2, "B1"), (3, "C1")):
        assert trial.manager.post(f"{DESIGNS}{design}/versions/", headers=reason).status_code == 201
        part = _csv(header, f"{sequence},,QUIMBLE")
        assert _upload(trial.manager, trial, design, part, number=number).status_code == 201
        assert trial.simulate(design, number).status_code == 201
        assert trial.approve(design, number).status_code == 200
    # Version 2 was approved, never put live: version 3 goes live, and retires it.
    assert trial.go_live(design, 3).status_code == 200
    numbers = [trial.randomize(trial.subject(), design).json.get("number") for _ in range(3)]
    assert numbers == ["A1", "C1", None]
