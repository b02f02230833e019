"""Each format read back by an independent reader, its values those entered through the
eCRF; personal data in none of them."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pyreadstat
import pytest
import xmlschema

from plugins.exports.odm import EXTENDED_SCHEMA
from plugins.exports.tests.support import PERSONAL_TEXTS, Trial

ODM = "{http://www.cdisc.org/ns/odm/v1.3}"


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _no_personal_data(content: bytes) -> None:
    for text in PERSONAL_TEXTS:
        assert text.encode() not in content, text


@pytest.mark.requirement("P11-11.10b")
def test_csv_wide_has_one_row_per_subject_and_a_file_per_repeating_group(trial: Trial):
    definition = trial.define(extras=["audit_trail", "queries"])
    export = trial.export(definition["uuid"], "csv")
    assert export["state"] == "done", export
    assert {f["name"] for f in export["files"]} == {
        "EXP_1_All_data_subjects.csv",
        "EXP_1_All_data_conmeds.csv",
        "EXP_1_All_data_audit_trail.csv",
        "EXP_1_All_data_queries.csv",
    }
    subjects = {
        row["subject"]: row for row in _rows(trial.content(export, "EXP_1_All_data_subjects.csv"))
    }
    paris, lyon = subjects[trial.labels["PAR"]], subjects[trial.labels["LYO"]]
    assert (paris["center"], paris["status"], paris["inclusion_date"]) == (
        "PAR",
        "included",
        "2026-11-02",
    )
    assert (paris["age"], paris["weight"], paris["smoker"], paris["sex"], paris["severity"]) == (
        "34",
        "61.50",
        "0",
        "F",
        "2",
    )
    assert paris["notes"] == "Nothing to report"
    assert (lyon["age"], lyon["smoker"], lyon["notes"]) == ("58", "1", "")
    assert "arm" not in paris  # no randomization in the study
    conmeds = _rows(trial.content(export, "EXP_1_All_data_conmeds.csv"))
    assert [(r["subject"], r["row"], r["drug"], r["dose"]) for r in conmeds] == [
        (trial.labels["PAR"], "1", "Paracetamol", "500"),
        (trial.labels["PAR"], "2", "Ibuprofen", "200.5"),
    ]
    audit = _rows(trial.content(export, "EXP_1_All_data_audit_trail.csv"))
    assert {(r["subject"], r["question"], r["new"]) for r in audit} >= {
        (trial.labels["PAR"], "age", "34"),
        (trial.labels["LYO"], "smoker", "1"),
    }
    for made in export["files"]:
        _no_personal_data(trial.content(export, made["name"]))


def test_csv_long_has_one_row_per_value_with_labels(trial: Trial):
    definition = trial.define(layout="long", values="labels", sections=[trial.sections[0]])
    export = trial.export(definition["uuid"], "csv")
    assert [f["name"] for f in export["files"]] == ["EXP_1_All_data_values.csv"]
    rows = _rows(trial.content(export, "EXP_1_All_data_values.csv"))
    paris = {r["question"]: r["value"] for r in rows if r["subject"] == trial.labels["PAR"]}
    assert paris == {
        "age": "34",
        "weight": "61.50",
        "smoker": "No",
        "sex": "Female",
        "severity": "Severe",
        "notes": "Nothing to report",
    }
    assert {r["section"] for r in rows} == {"Screening"}
    assert len([r for r in rows if r["subject"] == trial.labels["LYO"]]) == 5


def test_excel_has_a_sheet_per_table(trial: Trial):
    definition = trial.define()
    export = trial.export(definition["uuid"], "xlsx")
    (made,) = export["files"]
    content = trial.content(export, made["name"])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            _no_personal_data(archive.read(name))
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames == ["subjects", "conmeds"]
    header, *rows = [list(r) for r in book["subjects"].iter_rows(values_only=True)]
    by_subject = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    paris = by_subject[trial.labels["PAR"]]
    assert (paris["age"], paris["weight"], paris["smoker"], paris["sex"]) == (34, 61.5, 0, "F")
    conmeds = list(book["conmeds"].iter_rows(values_only=True))
    assert conmeds[1:] == [
        (trial.labels["PAR"], 1, "Paracetamol", 500),
        (trial.labels["PAR"], 2, "Ibuprofen", 200.5),
    ]


def _saved(trial: Trial, export: Any, name: str, tmp_path: Path) -> Path:
    path = tmp_path / name
    path.write_bytes(trial.content(export, name))
    return path


def test_sas_transport_has_short_names_a_name_map_and_a_formats_program(trial: Trial, tmp_path):
    definition = trial.define(name="Screening for SAS", sections=[trial.sections[0]])
    export = trial.export(definition["uuid"], "xpt")
    names = {f["name"] for f in export["files"]}
    assert names == {
        "subjects.xpt",
        "EXP_1_Screening_for_SAS_names.csv",
        "EXP_1_Screening_for_SAS_formats.sas",
    }
    frame, meta = pyreadstat.read_xport(str(_saved(trial, export, "subjects.xpt", tmp_path)))
    assert list(frame.columns) == [
        "SUBJECT",
        "CENTER",
        "STATUS",
        "INCLUSIO",
        "AGE",
        "WEIGHT",
        "SMOKER",
        "SEX",
        "SEVERITY",
        "NOTES",
    ]
    assert all(len((label or "").encode()) <= 40 for label in meta.column_labels)
    assert meta.column_names_to_labels["NOTES"] == "Screening: Investigator's notes on the s"
    paris = frame[frame["SUBJECT"] == trial.labels["PAR"]].iloc[0]
    assert (paris["AGE"], paris["WEIGHT"], paris["SMOKER"], paris["SEX"], paris["SEVERITY"]) == (
        34,
        61.5,
        0,
        "F",
        2,
    )
    lyon = frame[frame["SUBJECT"] == trial.labels["LYO"]].iloc[0]
    assert pd.isna(lyon["WEIGHT"]) is False and lyon["WEIGHT"] == 82
    name_map = _rows(trial.content(export, "EXP_1_Screening_for_SAS_names.csv"))
    assert {
        "dataset": "SUBJECTS",
        "table": "subjects",
        "variable": "INCLUSIO",
        "column": "inclusion_date",
        "label": "Inclusion date",
    } in name_map
    program = trial.content(export, "EXP_1_Screening_for_SAS_formats.sas").decode()
    assert "value $F2_" in program and "'F' = 'Female'" in program
    assert "1 = 'Mild'" in program and "format SMOKER F1_. SEX $F2_. SEVERITY F3_.;" in program
    for made in export["files"]:
        _no_personal_data(trial.content(export, made["name"]))


def test_spss_has_variable_and_value_labels(trial: Trial, tmp_path):
    definition = trial.define()
    export = trial.export(definition["uuid"], "sav")
    assert {f["name"] for f in export["files"]} == {
        "EXP_1_All_data_subjects.sav",
        "EXP_1_All_data_conmeds.sav",
    }
    frame, meta = pyreadstat.read_sav(
        str(_saved(trial, export, "EXP_1_All_data_subjects.sav", tmp_path))
    )
    paris = frame[frame["subject"] == trial.labels["PAR"]].iloc[0]
    assert (paris["age"], paris["weight"], paris["smoker"], paris["sex"]) == (34, 61.5, 0, "F")
    assert meta.column_names_to_labels["age"] == "Screening: Age (years)"
    assert meta.variable_value_labels["smoker"] == {1.0: "Yes", 0.0: "No"}
    assert meta.variable_value_labels["severity"] == {1.0: "Mild", 2.0: "Severe"}
    conmeds, _ = pyreadstat.read_sav(
        str(_saved(trial, export, "EXP_1_All_data_conmeds.sav", tmp_path))
    )
    assert conmeds["dose"].tolist() == [500, 200.5]
    for made in export["files"]:
        _no_personal_data(trial.content(export, made["name"]))


def test_odm_is_valid_against_the_odm_schema_and_carries_the_values_and_their_audit(trial: Trial):
    trial.save("PAR", 0, {"age": 35}, reason="Transcription error")
    definition = trial.define(extras=["audit_trail", "queries"])
    export = trial.export(definition["uuid"], "odm")
    (made,) = export["files"]
    content = trial.content(export, made["name"])
    _no_personal_data(content)
    schema = xmlschema.XMLSchema(str(EXTENDED_SCHEMA))
    schema.validate(content.decode())
    root = ElementTree.fromstring(content)
    assert root.get("ODMVersion") == "1.3.2"
    assert root.find(f"{ODM}Study/{ODM}MetaDataVersion") is not None
    subjects = {s.get("SubjectKey"): s for s in root.iter(f"{ODM}SubjectData")}
    paris = subjects[trial.labels["PAR"]]
    values = {i.get("ItemOID"): i.get("Value") for i in paris.iter(f"{ODM}ItemData")}
    assert values["I.age"] == "35" and values["I.weight"] == "61.50" and values["I.sex"] == "F"
    assert values["I.conmeds.drug"] in ("Paracetamol", "Ibuprofen")
    (age,) = [i for i in paris.iter(f"{ODM}ItemData") if i.get("ItemOID") == "I.age"]
    reason = age.find(f"{ODM}AuditRecord/{ODM}ReasonForChange")
    assert reason is not None and reason.text == "Transcription error"
    history = [c.get("NewValue") for c in age.iter("{urn:datacapt:odm-extension:v1}Change")]
    assert history == ["34", "35"]
    assert Decimal(values["I.conmeds.dose"] or "") in (Decimal("500"), Decimal("200.5"))
