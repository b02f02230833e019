"""The randomization arm in exports: with the subjects' real arms for a requester who may
see them, in every format; absent from every file of a blinded requester."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pyreadstat
import pytest

from plugins.exports.tests.support import Trial

ARMS = [
    {"code": "ZORBLAX", "name": "Zorblax 10 mg", "ratio": 1},
    {"code": "QUIMBLE", "name": "Quimble placebo", "ratio": 1},
]
ARM_TEXTS = (b"ZORBLAX", b"QUIMBLE", b"Zorblax", b"Quimble")
DESIGNS = "/api/randomizations/designs/"
DC = "{urn:datacapt:odm-extension:v1}"


def _randomized(trial: Trial, client_as, join_study) -> tuple[Any, dict[str, str]]:
    """Both subjects randomized in production; an unblinded statistician, and each subject's
    arm by its study id."""
    admin = client_as(trial.tenant)
    role = admin.post(
        "/api/roles/",
        json={
            "name": "unblinded_statistician",
            "permissions": [
                "exports.access",
                "exports.define",
                "exports.run",
                "exports.download",
                "randomizations.access",
                "randomizations.view_arms",
            ],
        },
    )
    assert role.status_code == 201, role.json
    statistician = join_study(trial.headers, trial.tenant, "unblinded_statistician")
    manager, headers = trial.manager, trial.headers
    config = {
        "arms": ARMS,
        "factors": [{"code": "center", "source": "center"}],
        "block_sizes": [2],
        "capacity": 20,
        "warning_threshold": 3,
    }
    created: Any = manager.post(
        DESIGNS,
        json={"code": "MAIN", "name": "MAIN", "method": "blocks", "config": config},
        headers=headers,
    )
    assert created.status_code == 201, created.json
    version = f"{DESIGNS}{created.json['uuid']}/versions/1"
    steps = (
        manager.post(
            f"{version}/simulations/",
            json={"trials": 5, "subjects": 10, "seed": "0a" * 32},
            headers=headers,
        ),
        manager.post(
            f"{version}/approve", json={"password": manager.user.password}, headers=headers
        ),
        manager.post(f"{version}/go-live", headers=headers),
    )
    for step in steps:
        assert step.status_code in (200, 201), step.json
    arms = {}
    for center in ("PAR", "LYO"):
        done: Any = trial.site(center).post(
            f"/api/randomizations/subjects/{trial.subjects[center]}/randomize",
            json={"design": created.json["uuid"], "environment": "production"},
            headers=headers,
        )
        assert done.status_code in (200, 201), done.json
        seen: Any = statistician.get(
            f"/api/randomizations/assignments/{done.json['uuid']}", headers=headers
        )
        arms[trial.labels[center]] = seen.json["arm"]
    assert set(arms.values()) <= {"ZORBLAX", "QUIMBLE"}, arms
    return statistician, arms


def _arms_in(trial: Trial, export: Any, client, file_format: str, tmp_path: Path) -> dict:
    """Each subject's arm as the file of the main table gives it."""
    if file_format == "csv":
        content = trial.download(export, "EXP_1_All_data_subjects.csv", client).data
        return {r["subject"]: r["arm"] for r in csv.DictReader(io.StringIO(content.decode()))}
    if file_format == "xlsx":
        (made,) = export["files"]
        content = trial.download(export, made["name"], client).data
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        header, *rows = list(book["subjects"].iter_rows(values_only=True))
        at = header.index("arm")
        return {row[0]: row[at] for row in rows}
    if file_format in ("xpt", "sav"):
        name = "subjects.xpt" if file_format == "xpt" else "EXP_1_All_data_subjects.sav"
        path = tmp_path / name
        path.write_bytes(trial.download(export, name, client).data)
        read = pyreadstat.read_xport if file_format == "xpt" else pyreadstat.read_sav
        frame, _ = read(str(path))
        frame.columns = [c.lower() for c in frame.columns]
        return dict(zip(frame["subject"], frame["arm"], strict=True))
    (made,) = export["files"]
    root = ElementTree.fromstring(trial.download(export, made["name"], client).data)
    return {
        subject.get("SubjectKey"): subject.find(f"{DC}SubjectStatus").get("Arm")  # type: ignore[union-attr]
        for subject in root.iter("{http://www.cdisc.org/ns/odm/v1.3}SubjectData")
    }


def _every_byte(trial: Trial, export: Any, client) -> list[bytes]:
    found = []
    for made in export["files"]:
        content = trial.download(export, made["name"], client).data
        found.append(content)
        if made["name"].endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                found += [archive.read(name) for name in archive.namelist()]
    return found


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "xpt", "sav", "odm"])
def test_the_real_arm_leaves_only_with_an_unblinded_requester(
    trial: Trial, enable_plugins, client_as, join_study, file_format, tmp_path
):
    enable_plugins(trial.tenant, "randomizations")
    statistician, arms = _randomized(trial, client_as, join_study)
    definition = trial.define(extras=["audit_trail", "queries"])
    unblinded = trial.export(definition["uuid"], file_format, statistician)
    assert (unblinded["state"], unblinded["arm_included"]) == ("done", True), unblinded
    assert _arms_in(trial, unblinded, statistician, file_format, tmp_path) == arms
    blinded = trial.export(definition["uuid"], file_format)
    assert (blinded["state"], blinded["arm_included"]) == ("done", False), blinded
    for content in _every_byte(trial, blinded, trial.data_manager):
        for text in ARM_TEXTS:
            assert text not in content, (text, file_format)
