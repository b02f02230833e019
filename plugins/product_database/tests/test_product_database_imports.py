"""Imports of products and batches from CSV and XLSX: the whole file is checked, every bad
row reported with its column, and nothing imported of a file that has one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plugins.product_database.tests.support import (
    BATCHES,
    PRODUCTS,
    Catalogue,
    csv_file,
    read,
    upload,
    xlsx_file,
)

PRODUCT_IMPORTS = f"{PRODUCTS}imports"
BATCH_IMPORTS = f"{BATCHES}imports"


def _problems(answer: Any) -> set[tuple[int | None, str | None]]:
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["internal_name"] == "CATALOGUE_IMPORT_INVALID"
    return {(p["row"], p["column"]) for p in answer.json["error"]["details"]["problems"]}


def test_products_import_whole_or_not_at_all(catalogue: Catalogue):
    catalogue.product("TAKEN")
    bad = csv_file(
        "code,name,kind,manufacturer",
        "NEW-1,Zorblax,investigational_product,Acme",
        "taken,Again,placebo,",
        "NEW-1,Twice,placebo,",
        ",No code,other,",
        "NEW-2,,potion,",
        f"{'C' * 61},Long,other,",
    )
    answer: Any = upload(catalogue.manager, PRODUCT_IMPORTS, bad)
    assert _problems(answer) == {
        (3, "code"),
        (4, "code"),
        (5, "code"),
        (6, "name"),
        (6, "kind"),
        (7, "code"),
    }
    assert answer.json["error"]["details"]["count"] == 6
    assert [p["code"] for p in read(catalogue.manager, PRODUCTS)] == ["TAKEN"]
    good = csv_file(
        "code;name;kind;description",
        "NEW-1;Zorblax 10 mg;investigational_product;Tablets",
        "NEW-2;Placebo;placebo;",
    )
    imported: Any = upload(catalogue.manager, PRODUCT_IMPORTS, good)
    assert imported.status_code == 201, imported.json
    assert imported.json["imported"] == 2
    codes = {p["code"]: p for p in read(catalogue.manager, PRODUCTS)}
    assert set(codes) == {"TAKEN", "NEW-1", "NEW-2"}
    assert codes["NEW-1"]["description"] == "Tablets"


def test_unreadable_files_and_missing_columns_are_refused(catalogue: Catalogue):
    for content, name in (
        (b"\xff\xfe junk", "table.csv"),
        (b"PK\x03\x04 not a workbook", "table.xlsx"),
        (csv_file("code,name"), "table.csv"),
        (csv_file("code,name,kind"), "table.csv"),
    ):
        answer: Any = upload(catalogue.manager, PRODUCT_IMPORTS, content, name)
        assert answer.status_code == 422, answer.json
        assert answer.json["error"]["internal_name"] == "CATALOGUE_IMPORT_INVALID"
    no_file: Any = catalogue.manager.post(
        PRODUCT_IMPORTS, data={}, content_type="multipart/form-data"
    )
    assert no_file.status_code == 422
    assert read(catalogue.manager, PRODUCTS) == []
    refused: Any = upload(
        catalogue.investigator, PRODUCT_IMPORTS, csv_file("code,name,kind", "A,B,other")
    )
    assert refused.status_code == 403
    assert upload(catalogue.manager, BATCH_IMPORTS, csv_file("number", "L1")).status_code == 422


def test_batches_import_from_xlsx_with_every_problem_reported(catalogue: Catalogue):
    drug = catalogue.product("DRUG")
    catalogue.batch(drug["uuid"], "L-OLD")
    catalogue.product("CREAM", kind="cosmetic_formula")
    header = [
        "product",
        "number",
        "expiry_date",
        "manufacture_date",
        "quantity",
        "unit",
        "formula_version",
        "period_after_opening_days",
    ]
    bad = xlsx_file(
        [
            header,
            ["DRUG", "L-1", dt.datetime(2030, 1, 31), dt.date(2026, 1, 1), 100, "boxes", None, 30],
            ["DRUG", "L-OLD", None, None, None, None, None, None],
            ["drug", "L-1", None, None, None, None, None, None],
            ["NOPE", "L-2", None, None, None, None, None, None],
            ["DRUG", "L-3", "31/01/2030", None, "ten", "boxes", 10**12, -1],
            ["DRUG", "L-4", "2030-01-01", "2031-01-01", 5, None, None, None],
            ["CREAM", "C-1", None, None, None, None, 1, None],
            ["DRUG", None, None, None, None, None, None, None],
        ]
    )
    answer: Any = upload(catalogue.manager, BATCH_IMPORTS, bad, "batches.xlsx")
    assert _problems(answer) == {
        (3, "number"),
        (4, "number"),
        (5, "product"),
        (6, "expiry_date"),
        (6, "quantity"),
        (6, "period_after_opening_days"),
        (6, "formula_version"),
        (7, "expiry_date"),
        (7, "unit"),
        (8, "formula_version"),
        (9, "number"),
    }
    assert [b["number"] for b in read(catalogue.manager, BATCHES)] == ["L-OLD"]
    good = xlsx_file(
        [
            header,
            [
                "DRUG",
                "L-1",
                dt.datetime(2030, 1, 31),
                dt.date(2026, 1, 1),
                100.5,
                "boxes",
                None,
                30,
            ],
            ["DRUG", "L-2", "2030-06-30", None, None, None, None, None],
        ]
    )
    imported: Any = upload(catalogue.manager, BATCH_IMPORTS, good, "batches.xlsx")
    assert imported.status_code == 201, imported.json
    batches = {b["number"]: b for b in read(catalogue.manager, BATCHES)}
    assert set(batches) == {"L-OLD", "L-1", "L-2"}
    first = batches["L-1"]
    assert (first["expiry_date"], first["manufacture_date"], first["quantity"], first["unit"]) == (
        "2030-01-31",
        "2026-01-01",
        "100.500",
        "boxes",
    )
    assert first["status"] == "quarantine"
    assert first["period_after_opening_days"] == 30
