"""Kit types and kits through the API: a kit type per product, kits imported in bulk into
an inventory with every bad row reported and nothing half-imported, a kit in stock
declared invalid with its reason."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from rq import Queue, SimpleWorker

from plugins.allocation.kits import imports
from plugins.allocation.tests.support import BASE, Trial


def test_kit_types_belong_to_the_studys_products(trial: Trial):
    kit_type = trial.kit_type("ACTIVE")
    body = {
        "code": "KT-A",
        "name": "Again",
        "study_product": trial.products["ACTIVE"],
        "quantity": "28",
        "unit": "tablets",
    }
    taken: Any = trial.manager.post(f"{BASE}/kit-types/", json=body, headers=trial.headers)
    assert taken.status_code == 409
    assert taken.json["error"]["internal_name"] == "KIT_TYPE_INVALID"
    for change in (
        {"study_product": trial.study},
        {"quantity": "0"},
        {"quantity": "1.5e400"},
        {"code": "with space"},
        {"unit": ""},
    ):
        bad: Any = trial.manager.post(
            f"{BASE}/kit-types/", json=body | {"code": "KT-X"} | change, headers=trial.headers
        )
        assert bad.status_code == 422, (change, bad.json)
    refused: Any = trial.investigator.post(
        f"{BASE}/kit-types/", json=body | {"code": "KT-Y"}, headers=trial.headers
    )
    assert refused.status_code == 403
    blinded: Any = trial.investigator.get(f"{BASE}/kit-types/{kit_type}", headers=trial.headers)
    assert blinded.json["code"] == "KT-A" and blinded.json["quantity"] == "28.000"
    assert blinded.json["name"] is None
    assert blinded.json["study_product"] == {
        "uuid": trial.products["ACTIVE"],
        "blinding_code": "PRD-A",
        "product": None,
    }
    unblinded: Any = trial.pharmacist.get(f"{BASE}/kit-types/", headers=trial.headers)
    assert unblinded.json[0]["study_product"]["product"] == "Zorblax 10 mg"
    assert unblinded.json[0]["name"].startswith("Blister")


def test_an_import_with_bad_rows_is_refused_whole(trial: Trial, tenant):
    trial.kit_type("ACTIVE")
    trial.stock("production", "ACTIVE", "PAR", range(1, 3))
    rows = [
        {"number": "K00009", "kit_type": "KT-A", "batch": "LOT-PRD-A", "center": "PAR"},
        {"number": "K00009", "kit_type": "KT-A", "batch": "LOT-PRD-A", "center": "PAR"},
        {"number": "K00001", "kit_type": "KT-A", "batch": "LOT-PRD-A", "center": "PAR"},
        {"number": "K00010", "kit_type": "KT-Z", "batch": "LOT-PRD-A", "center": "PAR"},
        {"number": "K00011", "kit_type": "KT-A", "batch": "LOT-PRD-B", "center": "PAR"},
        {"number": "K00012", "kit_type": "KT-A", "batch": "", "center": "PAR"},
        {"number": "K00013", "kit_type": "KT-A", "batch": "LOT-PRD-A", "center": "NYC"},
        {"number": "K00014", "kit_type": "KT-A", "batch": "LOT-PRD-A", "depot": "NOPE"},
        {"number": "NODIGITS", "kit_type": "KT-A", "batch": "LOT-PRD-A", "center": "PAR"},
        {"number": "K00015", "kit_type": "KT-A", "batch": "LOT-PRD-A", "expiry_date": "soon"},
        {"number": "K00016", "kit_type": "KT-A", "batch": "LOT-PRD-A", "expiry_date": "2999-01-01"},
        {"number": "K00017", "kit_type": "KT-A", "batch": "LOT-PRD-A", "center": "PAR"},
    ]
    columns = ["number", "kit_type", "batch", "center", "depot", "expiry_date"]
    refused = trial.import_kits(
        "production", [{c: row.get(c, "") for c in columns} for row in rows]
    )
    assert refused.status_code == 422
    error = refused.json["error"]
    assert error["internal_name"] == "KIT_IMPORT_INVALID"
    found = {(p["row"], p["column"]) for p in error["details"]["problems"]}
    assert found == {
        (3, "number"),
        (4, "number"),
        (5, "kit_type"),
        (6, "batch"),
        (6, None),
        (7, None),
        (8, "center"),
        (9, "depot"),
        (10, "sequence"),
        (11, "expiry_date"),
        (11, None),
        (12, "expiry_date"),
    }
    listed: Any = trial.manager.get(
        f"{BASE}/kits/", query_string={"inventory": "production"}, headers=trial.headers
    )
    assert [kit["number"] for kit in listed.json] == ["K00001", "K00002"]
    # The dummy inventory has numbers of its own; an XLSX file reads as a CSV one.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Number", "Kit_type", "Sequence"])
    sheet.append(["K00001", "KT-A", 7])
    content = io.BytesIO()
    workbook.save(content)
    imported: Any = trial.manager.post(
        f"{BASE}/inventories/dummy/imports",
        data={"file": (io.BytesIO(content.getvalue()), "kits.xlsx")},
        headers=trial.headers,
        content_type="multipart/form-data",
    )
    assert imported.status_code == 201, imported.json
    assert imported.json["rows"] == 1 and len(imported.json["sha256"]) == 64
    kits: Any = trial.investigator.get(
        f"{BASE}/kits/", query_string={"inventory": "dummy"}, headers=trial.headers
    )
    assert kits.json == []  # not placed at the investigator's center
    dummy: Any = trial.manager.get(
        f"{BASE}/kits/", query_string={"inventory": "dummy"}, headers=trial.headers
    )
    assert [(k["number"], k["sequence"], k["center"]) for k in dummy.json] == [("K00001", 7, None)]
    for bad in (b"", b"number\n", "\u00e9".encode("latin-1")):
        unreadable: Any = trial.manager.post(
            f"{BASE}/inventories/dummy/imports",
            data={"file": (io.BytesIO(bad), "kits.csv")},
            headers=trial.headers,
            content_type="multipart/form-data",
        )
        assert unreadable.status_code == 422
    missing: Any = trial.manager.post(f"{BASE}/inventories/dummy/imports", headers=trial.headers)
    assert missing.json["error"]["internal_name"] == "KIT_IMPORT_INVALID"
    nowhere: Any = trial.manager.post(f"{BASE}/inventories/attic/imports", headers=trial.headers)
    assert nowhere.status_code == 404
    history: Any = trial.manager.get(
        f"{BASE}/inventories/production/imports", headers=trial.headers
    )
    assert [entry["rows"] for entry in history.json] == [2]


def test_a_kit_in_stock_is_declared_invalid_with_a_reason(trial: Trial):
    trial.kit_type("PLACEBO")
    trial.stock("dummy", "PLACEBO", "PAR", range(1, 3))
    listed: Any = trial.manager.get(f"{BASE}/kits/", headers=trial.headers)
    (kit, _) = listed.json
    url = f"{BASE}/kits/{kit['uuid']}/invalidate"
    without: Any = trial.manager.post(url, json={}, headers=trial.headers)
    assert without.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    done: Any = trial.manager.post(
        url, json={"reason_for_change": "Broken seal"}, headers=trial.headers
    )
    assert done.status_code == 200, done.json
    assert done.json["status"] == "invalid" and done.json["invalid_reason"] == "Broken seal"
    twice: Any = trial.manager.post(url, json={"reason_for_change": "x"}, headers=trial.headers)
    assert twice.json["error"]["internal_name"] == "KIT_NOT_IN_STOCK"
    shown: Any = trial.investigator.get(f"{BASE}/kits/{kit['uuid']}", headers=trial.headers)
    assert shown.json["kit_type"] is None and shown.json["batch"] is None
    assert shown.json["center"] == "PAR"
    elsewhere: Any = trial.lyon_investigator.get(
        f"{BASE}/kits/{kit['uuid']}", headers=trial.headers
    )
    assert elsewhere.status_code == 404
    inventories: Any = trial.monitor.get(f"{BASE}/inventories/", headers=trial.headers)
    assert inventories.json == {
        "dummy": {
            "inventory": "dummy",
            "in_use": True,
            "started_at": None,
            "kits": {"available": 1, "invalid": 1},
        },
        "production": {"inventory": "production", "in_use": False, "started_at": None, "kits": {}},
    }


def _work(app, connection) -> None:
    with app.app_context():
        SimpleWorker([Queue("default", connection=connection)], connection=connection).work(
            burst=True
        )


def test_a_large_import_is_written_by_a_job_and_fails_whole_if_overtaken(
    app, trial: Trial, redis_queue, monkeypatch
):
    monkeypatch.setattr(imports, "IN_REQUEST_LIMIT", 2)
    trial.kit_type("ACTIVE")
    rows = [{"number": f"K{n:05d}", "kit_type": "KT-A", "center": "PAR"} for n in range(1, 4)]
    queued = trial.import_kits("dummy", rows)
    assert queued.status_code == 201, queued.json
    assert (queued.json["status"], queued.json["rows"]) == ("queued", 3)
    follow = f"{BASE}/imports/{queued.json['uuid']}"
    listed: Any = trial.manager.get(f"{BASE}/kits/", headers=trial.headers)
    assert listed.json == []
    _work(app, redis_queue)
    done: Any = trial.manager.get(follow, headers=trial.headers)
    assert (done.json["status"], done.json["problems"]) == ("done", None)
    assert done.json["finished_at"]
    listed = trial.manager.get(f"{BASE}/kits/", headers=trial.headers)
    assert [kit["number"] for kit in listed.json] == ["K00001", "K00002", "K00003"]
    # A queued file whose number another import took meanwhile fails whole.
    later = [{"number": f"K{n:05d}", "kit_type": "KT-A", "center": "PAR"} for n in range(4, 7)]
    overtaking = trial.import_kits("dummy", later)
    assert overtaking.json["status"] == "queued"
    assert trial.import_kits("dummy", [later[1]]).json["status"] == "done"
    _work(app, redis_queue)
    failed: Any = trial.manager.get(
        f"{BASE}/imports/{overtaking.json['uuid']}", headers=trial.headers
    )
    assert failed.json["status"] == "failed"
    assert [(p["row"], p["column"]) for p in failed.json["problems"]] == [(3, "number")]
    listed = trial.manager.get(f"{BASE}/kits/", headers=trial.headers)
    assert [kit["number"] for kit in listed.json] == ["K00001", "K00002", "K00003", "K00005"]
