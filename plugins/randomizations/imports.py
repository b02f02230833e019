"""Parts of an imported list, and the key of a double-blind one, read from a file into a
draft version and checked whole before anything is written: every problem comes back at
once, with its row, and nothing is kept of a file that has one."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    Message,
    Study,
    Table,
    TableProblem,
    conflict,
    db,
    refuse_table,
    required_table,
    study_centers,
    table_problem,
)
from plugins.randomizations import lists, strata
from plugins.randomizations.errors import RandomizationCodes
from plugins.randomizations.models import (
    Design,
    DesignVersion,
    KeyEntry,
    ListImport,
    Method,
    RandomizationList,
    Slot,
)
from plugins.randomizations.services import draft_only

LIST, KEY = "list", "key"
MAX_CODE = 40  # a sequence's or treatment code's length, as stored


def _refusal(problems: list[TableProblem]) -> DatacaptException:
    return refuse_table(RandomizationCodes.RANDOMIZATION_LIST_INVALID, problems)


def _table(content: bytes, columns: Iterable[str]) -> Table:
    return required_table(content, columns, RandomizationCodes.RANDOMIZATION_LIST_INVALID)


def _taken(column: sa.SQLColumnExpression[Any], rlist: RandomizationList) -> set[str]:
    return set(db.session.execute(sa.select(column).where(Slot.list_id == rlist.id)).scalars())


def importable(design: Design, version: DesignVersion, kind: str) -> None:
    """409 unless ``kind`` (a list part, a key) may be imported into the version."""
    draft_only(version)
    if kind == LIST and design.method not in (Method.IMPORTED, Method.DOUBLE_BLIND):
        raise conflict(
            RandomizationCodes.LIST_IMPORT_REFUSED,
            Message("This design generates its lists: nothing is imported into them."),
        )
    if kind == KEY and design.method != Method.DOUBLE_BLIND:
        raise conflict(
            RandomizationCodes.LIST_IMPORT_REFUSED,
            Message("Only a double-blind list has a key."),
        )


def _record(
    rlist: RandomizationList,
    version: DesignVersion,
    kind: str,
    name: str,
    content: bytes,
    rows: int,
) -> ListImport:
    record = ListImport(
        study_id=rlist.study_id,
        list_id=rlist.id,
        version_id=version.id,
        kind=kind,
        file_name=name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        rows=rows,
    )
    db.session.add(record)
    db.session.flush()
    return record


def _list_problems(
    table: Table,
    value_column: str,
    allowed: set[str] | None,
    strata_keys: Mapping[str, Any],
    rlist: RandomizationList,
) -> list[TableProblem]:
    """Each row needs a new sequence, a known stratum and a known arm (or, double-blind, a
    new treatment code)."""
    problems: list[TableProblem] = []
    sequences = _taken(Slot.sequence, rlist)
    codes = _taken(Slot.treatment_code, rlist) if allowed is None else set()
    for number, row in table.rows:
        sequence, stratum, value = (
            row.get("sequence", ""),
            row.get("stratum", ""),
            row.get(value_column, ""),
        )
        if len(sequence) > MAX_CODE or len(value) > MAX_CODE:
            problems.append(
                table_problem(
                    number, None, Message("A sequence or code has at most 40 characters.")
                )
            )
        if not sequence:
            problems.append(table_problem(number, "sequence", Message("The sequence is missing.")))
        elif sequence in sequences:
            problems.append(
                table_problem(number, "sequence", Message("This sequence is already in the list."))
            )
        sequences.add(sequence)
        if stratum not in strata_keys:
            problems.append(
                table_problem(number, "stratum", Message("The design has no such stratum."))
            )
        if not value:
            problems.append(table_problem(number, value_column, Message("The value is missing.")))
        elif allowed is not None and value not in allowed:
            problems.append(
                table_problem(number, value_column, Message("The design has no such arm."))
            )
        elif allowed is None and value in codes:
            problems.append(
                table_problem(
                    number, value_column, Message("This treatment code is already in the list.")
                )
            )
        codes.add(value)
    return problems


def import_list(
    study: Study,
    design: Design,
    version: DesignVersion,
    environment: str,
    name: str,
    content: bytes,
) -> ListImport:
    """A part of the environment's list, appended to each stratum's sequence; it counts once
    the version is approved (test) or goes live (production)."""
    importable(design, version, LIST)
    blind = design.method == Method.DOUBLE_BLIND
    value_column = "treatment_code" if blind else "arm"
    table = _table(content, ("sequence", "stratum", value_column))
    rlist = lists.current_list(design, environment)
    assert rlist is not None  # imported designs have both lists from the start
    lists.lock_list(rlist)
    keys = strata.keys_of(version.config, [center.code for center in study_centers(study)])
    arms = None if blind else {arm["code"] for arm in version.config["arms"]}
    problems = _list_problems(table, value_column, arms, keys, rlist)
    if problems:
        raise _refusal(problems)
    for key in dict.fromkeys(row["stratum"] for _, row in table.rows):
        stratum = lists.locked_stratum(rlist, key, keys[key])
        position = db.session.execute(
            sa.select(sa.func.coalesce(sa.func.max(Slot.position), 0)).where(
                Slot.stratum_id == stratum.id
            )
        ).scalar_one()
        for _, row in (entry for entry in table.rows if entry[1]["stratum"] == key):
            position += 1
            db.session.add(
                Slot(
                    study_id=rlist.study_id,
                    list_id=rlist.id,
                    stratum_id=stratum.id,
                    version_id=version.id,
                    position=position,
                    sequence=row["sequence"],
                    arm=None if blind else row["arm"],
                    treatment_code=row["treatment_code"] if blind else None,
                )
            )
    return _record(rlist, version, LIST, name, content, len(table.rows))


def import_key(
    design: Design, version: DesignVersion, environment: str, name: str, content: bytes
) -> ListImport:
    """Which arm each treatment code of the environment's double-blind list stands for."""
    importable(design, version, KEY)
    table = _table(content, ("treatment_code", "arm"))
    rlist = lists.current_list(design, environment)
    assert rlist is not None
    lists.lock_list(rlist)
    codes = _taken(Slot.treatment_code, rlist)
    keyed = set(
        db.session.execute(
            sa.select(KeyEntry.treatment_code).where(KeyEntry.list_id == rlist.id)
        ).scalars()
    )
    arms = {arm["code"] for arm in version.config["arms"]}
    problems = []
    for number, row in table.rows:
        code, arm = row.get("treatment_code", ""), row.get("arm", "")
        if code not in codes:
            problems.append(
                table_problem(
                    number, "treatment_code", Message("The list has no such treatment code.")
                )
            )
        elif code in keyed:
            problems.append(
                table_problem(
                    number, "treatment_code", Message("This treatment code already has its arm.")
                )
            )
        keyed.add(code)
        if arm not in arms:
            problems.append(table_problem(number, "arm", Message("The design has no such arm.")))
    if problems:
        raise _refusal(problems)
    for _, row in table.rows:
        db.session.add(
            KeyEntry(
                study_id=rlist.study_id,
                list_id=rlist.id,
                version_id=version.id,
                treatment_code=row["treatment_code"],
                arm=row["arm"],
            )
        )
    return _record(rlist, version, KEY, name, content, len(table.rows))
