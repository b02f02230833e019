"""The values each format carries are those entered, whatever their type: dates, dates and
times, multiple choices, repeating groups' rows and empty answers, in every format."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pyreadstat
import pytest

from plugins.exports.tests.support import Trial

ODM = "{http://www.cdisc.org/ns/odm/v1.3}"
VISIT = ("visit_date", "seen_at", "symptoms", "sides", "notes")
CODED = {"visit_date": "2026-11-10", "seen_at": "2026-11-10T09:30:00+01:00"}


def _main_table(trial: Trial, export: Any, file_format: str, tmp_path: Path) -> dict[str, dict]:
    """Each subject's row of the main table, as an independent reader reads it, empty
    answers as None."""
    files = {f["name"]: f for f in export["files"]}
    rows: list[dict[str, Any]]
    if file_format == "csv":
        content = trial.content(export, "EXP_1_All_data_subjects.csv").decode()
        rows = [
            {k: (v if v != "" else None) for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(content))
        ]
    elif file_format == "xlsx":
        (name,) = files
        book = openpyxl.load_workbook(io.BytesIO(trial.content(export, name)), read_only=True)
        header, *cells = list(book["subjects"].iter_rows(values_only=True))
        rows = [dict(zip(map(str, header), row, strict=True)) for row in cells]
    else:
        name = "subjects.xpt" if file_format == "xpt" else "EXP_1_All_data_subjects.sav"
        path = tmp_path / name
        path.write_bytes(trial.content(export, name))
        read = pyreadstat.read_xport if file_format == "xpt" else pyreadstat.read_sav
        frame, meta = read(str(path))
        # SAS names are cut to 8 characters: the name map gives each its column.
        columns = dict(zip(meta.column_names, meta.column_names, strict=True))
        if file_format == "xpt":
            names = csv.DictReader(io.StringIO(trial.content(export, _names(files)).decode()))
            columns = {r["variable"]: r["column"] for r in names if r["dataset"] == "SUBJECTS"}
        rows = [
            {columns[k]: (v if v != "" else None) for k, v in row.items()}
            for row in frame.to_dict("records")
        ]
    return {row["subject"]: row for row in rows}


def _names(files: dict[str, Any]) -> str:
    (name,) = [n for n in files if n.endswith("_names.csv")]
    return name


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "xpt", "sav"])
@pytest.mark.parametrize("values", ["codes", "labels"])
def test_dates_multiple_choices_and_empty_answers_are_as_entered(
    trial: Trial, file_format, values, tmp_path
):
    definition = trial.define(values=values)
    export = trial.export(definition["uuid"], file_format)
    assert export["state"] == "done", export
    rows = _main_table(trial, export, file_format, tmp_path)
    paris, lyon = rows[trial.labels["PAR"]], rows[trial.labels["LYO"]]
    symptoms = "cough;fever" if values == "codes" else "Cough;Fever"
    assert {code: paris[code] for code in VISIT} == {
        **CODED,
        "symptoms": symptoms,
        "sides": "1;2" if values == "codes" else "Left;Right",
        "notes": "Nothing to report",
    }
    # Lyon answered none of them: empty, never a text such as "None" or "nan".
    assert {code: lyon[code] for code in VISIT} == dict.fromkeys(VISIT)
    assert lyon["summary"] is None and float(lyon["age"]) == 58


def test_odm_carries_dates_multiple_choices_and_no_empty_item(trial: Trial):
    definition = trial.define()
    export = trial.export(definition["uuid"], "odm")
    (made,) = export["files"]
    root = ElementTree.fromstring(trial.content(export, made["name"]))
    subjects = {s.get("SubjectKey"): s for s in root.iter(f"{ODM}SubjectData")}

    def items(label: str) -> dict[str, list[str | None]]:
        found: dict[str, list[str | None]] = {}
        for item in subjects[label].iter(f"{ODM}ItemData"):
            found.setdefault(item.get("ItemOID") or "", []).append(item.get("Value"))
        return found

    paris, lyon = items(trial.labels["PAR"]), items(trial.labels["LYO"])
    assert paris["I.visit_date"] == ["2026-11-10"]
    assert paris["I.seen_at"] == ["2026-11-10T09:30:00+01:00"]
    assert paris["I.symptoms"] == ["cough;fever"] and paris["I.sides"] == ["1;2"]
    assert paris["I.conmeds.drug"] == ["Paracetamol", "Ibuprofen"]
    assert paris["I.conmeds.dose"] == ["500", "200.5"]
    assert not {"I.visit_date", "I.seen_at", "I.symptoms", "I.notes", "I.conmeds.drug"} & set(lyon)
    assert lyon["I.age"] == ["58"] and lyon["I.smoker"] == ["1"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "xpt", "sav"])
def test_repeating_group_rows_are_as_entered(trial: Trial, file_format, tmp_path):
    definition = trial.define()
    export = trial.export(definition["uuid"], file_format)
    names = {f["name"] for f in export["files"]}
    rows: list[tuple[Any, ...]]
    if file_format == "xlsx":
        (name,) = names
        book = openpyxl.load_workbook(io.BytesIO(trial.content(export, name)), read_only=True)
        rows = [tuple(r) for r in book["conmeds"].iter_rows(values_only=True)][1:]
    elif file_format == "csv":
        content = trial.content(export, "EXP_1_All_data_conmeds.csv").decode()
        rows = [tuple(r) for r in csv.reader(io.StringIO(content))][1:]
    else:
        name = "conmeds.xpt" if file_format == "xpt" else "EXP_1_All_data_conmeds.sav"
        assert name in names
        path = tmp_path / name
        path.write_bytes(trial.content(export, name))
        read = pyreadstat.read_xport if file_format == "xpt" else pyreadstat.read_sav
        frame, _ = read(str(path))
        rows = [tuple(r) for r in frame.itertuples(index=False)]
    assert [(s, int(n), d, float(v)) for s, n, d, v in rows] == [  # type: ignore[arg-type]
        (trial.labels["PAR"], 1, "Paracetamol", 500.0),
        (trial.labels["PAR"], 2, "Ibuprofen", 200.5),
    ]


def test_a_text_longer_than_an_excel_cell_fails_the_run_rather_than_being_cut(trial: Trial):
    summary = "s" * 32_767 + "END"
    trial.save("PAR", 1, {"summary": summary}, reason="Full summary")
    definition = trial.define()
    failed = trial.export(definition["uuid"], "xlsx")
    assert failed["state"] == "failed", failed
    assert "summary" in failed["failure"] and "32767" in failed["failure"]
    # CSV holds it whole.
    export = trial.export(definition["uuid"], "csv")
    content = trial.content(export, "EXP_1_All_data_subjects.csv").decode()
    rows = {r["subject"]: r for r in csv.DictReader(io.StringIO(content))}
    assert rows[trial.labels["PAR"]]["summary"] == summary


def test_a_repeating_group_named_like_a_table_of_the_export_loses_no_table(trial: Trial):
    design: Any = trial.manager.get("/api/ecrf/", headers=trial.headers)
    body = design.json
    group = {
        "kind": "question",
        "code": "subjects",
        "type": "repeating_group",
        "label": {"en": "Subjects met"},
        "columns": [{"code": "who", "type": "short_text", "label": {"en": "Who"}}],
    }
    body["sections"][1]["subsections"][0]["blocks"].append(group)
    changed = trial.manager.put(
        "/api/ecrf/", json=body, headers={**trial.headers, "If-Match": design.headers["ETag"]}
    )
    assert changed.status_code == 200, changed.json
    trial.save("PAR", 1, {"subjects": [{"who": "A neighbour"}]}, reason="Added")
    definition = trial.define()
    export = trial.export(definition["uuid"], "csv")
    tables = {
        f["name"]: list(csv.DictReader(io.StringIO(trial.content(export, f["name"]).decode())))
        for f in export["files"]
    }
    (main,) = [rows for rows in tables.values() if rows and "age" in rows[0]]
    assert {r["subject"]: r["age"] for r in main} == {
        trial.labels["PAR"]: "34",
        trial.labels["LYO"]: "58",
    }
    (met,) = [rows for rows in tables.values() if rows and "who" in rows[0]]
    assert [(r["subject"], r["who"]) for r in met] == [(trial.labels["PAR"], "A neighbour")]


def test_the_sas_formats_program_quotes_the_codes_of_text_columns(trial: Trial):
    definition = trial.define(sections=[trial.sections[1]])
    export = trial.export(definition["uuid"], "xpt")
    program = trial.content(export, "EXP_1_All_data_formats.sas").decode()
    lines = program.splitlines()
    # Multiple choices are text ("1;2"): a character format takes quoted values only.
    start = lines.index("  value $F2_")
    assert lines[start + 1 : start + 4] == ["    '1' = 'Left'", "    '2' = 'Right'", "  ;"]
    assert "SIDES $F2_." in program
