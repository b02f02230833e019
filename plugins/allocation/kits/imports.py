"""Kits imported from a file (CSV or XLSX) into one inventory, checked whole before
anything is written: every problem comes back at once, with its row, and nothing is kept
of a file that has one. The kits of a checked file are written in bulk, by a job for a
large file; the import's own audited record (the file kept with its SHA-256, count, first
and last number) is their creation's record, and each later change of a kit is audited
on the kit.

Columns: ``number``, ``kit_type`` (its code), ``batch`` (a batch number of the kit type's
product), ``expiry_date`` (ISO date; the batch's when empty), ``center`` or ``depot`` (a
code; neither: not placed yet) and ``sequence`` (the rank dispensing takes the lowest of;
the number's trailing digits when empty). Production kits need a batch and an expiry
date."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    Message,
    Study,
    Table,
    TableProblem,
    current_tenant,
    db,
    enqueue,
    get_in_study,
    refuse_table,
    required_table,
    study_centers,
    table_problem,
    utcnow,
)
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.kits.models import (
    ImportStatus,
    Inventory,
    Kit,
    KitImport,
    KitStatus,
    KitType,
)
from plugins.allocation.supply.models import Depot
from plugins.product_database.api import Batch, StudyProduct

COLUMNS = ("number", "kit_type")
MAX_NUMBER = 40
_TRAILING_DIGITS = re.compile(r"(\d+)\D*$")
# Rows per INSERT statement: large enough to be fast, small enough for the driver.
_CHUNK = 5000
# A larger file is checked in its request and written by a job.
IN_REQUEST_LIMIT = 10_000


class _Lookups:
    """What the rows name, read once for the whole file."""

    def __init__(self, study: Study, inventory: str) -> None:
        self.kit_types = {
            kit_type.code: kit_type
            for kit_type in db.session.scalars(
                sa.select(KitType).where(KitType.study_id == study.id)
            )
        }
        product_of = dict(
            db.session.execute(
                sa.select(StudyProduct.id, StudyProduct.product_id).where(
                    StudyProduct.study_id == study.id
                )
            ).all()
        )
        products = {product_of[kt.study_product_id] for kt in self.kit_types.values()}
        self.product_of_kit_type = {
            kt.code: product_of[kt.study_product_id] for kt in self.kit_types.values()
        }
        self.batches: dict[tuple[int, str], Batch] = {
            (batch.product_id, batch.number): batch
            for batch in db.session.scalars(sa.select(Batch).where(Batch.product_id.in_(products)))
        }
        self.centers = {center.code: center.id for center in study_centers(study)}
        self.depots = dict(
            db.session.execute(
                sa.select(Depot.code, Depot.id).where(Depot.study_id == study.id)
            ).all()
        )
        self.numbers = set(
            db.session.scalars(
                sa.select(Kit.number).where(Kit.study_id == study.id, Kit.inventory == inventory)
            )
        )
        self.sequences = set(
            db.session.scalars(
                sa.select(Kit.sequence).where(Kit.study_id == study.id, Kit.inventory == inventory)
            )
        )


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


#: What the sequence column (a BIGINT) holds.
_LARGEST_SEQUENCE = 2**63 - 1


def _sequence(row: dict[str, str]) -> int | None:
    """The row's sequence (its column, else the number's trailing digits), or None when
    there is none a kit can keep: ASCII digits only, within the column's range."""
    text = row.get("sequence", "")
    if not text:
        found = _TRAILING_DIGITS.search(row.get("number", ""))
        text = found.group(1) if found else ""
    if not (text.isascii() and text.isdigit()) or int(text) > _LARGEST_SEQUENCE:
        return None
    return int(text)


class _Row:
    """One row read and checked: its problems, or the kit's values."""

    def __init__(self, number: int, row: dict[str, str], inventory: str, found: _Lookups):
        self.problems: list[TableProblem] = []
        self.values: dict[str, Any] = {}
        kit_number = row.get("number", "")
        if not kit_number:
            self._problem(number, "number", Message("The kit number is missing."))
        elif len(kit_number) > MAX_NUMBER:
            self._problem(number, "number", Message("A kit number has at most 40 characters."))
        elif kit_number in found.numbers:
            self._problem(
                number,
                "number",
                Message("This kit number is already in the inventory or earlier in the file."),
            )
        found.numbers.add(kit_number)
        number_refused = bool(self.problems)
        kit_type = found.kit_types.get(row.get("kit_type", ""))
        if kit_type is None:
            self._problem(number, "kit_type", Message("The study has no such kit type."))
        batch = self._batch(number, row, kit_type, found)
        expiry = self._expiry(number, row, batch)
        missing_dates = batch is None or expiry is None
        if inventory == Inventory.PRODUCTION and kit_type is not None and missing_dates:
            self._problem(
                number, None, Message("A production kit needs its batch and an expiry date.")
            )
        center_id, depot_id = self._place(number, row, found)
        sequence = _sequence(row)
        if not number_refused:  # a refused number's rank says nothing more
            self._check_sequence(number, sequence, found)
        if not self.problems:
            assert kit_type is not None
            self.values = {
                "kit_type_id": kit_type.id,
                "number": kit_number,
                "sequence": sequence,
                "batch_id": batch.id if batch is not None else None,
                "expiry_date": expiry,
                "center_id": center_id,
                "depot_id": depot_id,
            }

    def _check_sequence(self, number: int, sequence: int | None, found: _Lookups) -> None:
        if sequence is None:
            self._problem(
                number,
                "sequence",
                Message(
                    "Give the sequence: a whole number below 2^63 (the kit number ends in no"
                    " such digits)."
                ),
            )
        elif sequence in found.sequences:
            self._problem(
                number,
                "sequence",
                Message("This sequence is already in the inventory or earlier in the file."),
            )
        else:
            found.sequences.add(sequence)

    def _problem(self, number: int, column: str | None, message: Message) -> None:
        self.problems.append(table_problem(number, column, message))

    def _batch(
        self, number: int, row: dict[str, str], kit_type: KitType | None, found: _Lookups
    ) -> Batch | None:
        text = row.get("batch", "")
        if not text or kit_type is None:
            return None
        batch = found.batches.get((found.product_of_kit_type[kit_type.code], text))
        if batch is None:
            self._problem(
                number, "batch", Message("The kit type's product has no batch of this number.")
            )
        return batch

    def _expiry(self, number: int, row: dict[str, str], batch: Batch | None) -> dt.date | None:
        text = row.get("expiry_date", "")
        if not text:
            return batch.expiry_date if batch is not None else None
        expiry = _date(text)
        if expiry is None:
            self._problem(
                number, "expiry_date", Message("The expiry date is a date such as 2027-06-30.")
            )
        elif batch is not None and batch.expiry_date is not None and expiry > batch.expiry_date:
            self._problem(number, "expiry_date", Message("A kit does not expire after its batch."))
        return expiry

    def _place(
        self, number: int, row: dict[str, str], found: _Lookups
    ) -> tuple[int | None, int | None]:
        center, depot = row.get("center", ""), row.get("depot", "")
        if center and depot:
            self._problem(number, None, Message("A kit is at a center or at a depot, not both."))
            return None, None
        if center and center not in found.centers:
            self._problem(number, "center", Message("The study has no such center."))
        if depot and depot not in found.depots:
            self._problem(number, "depot", Message("The study has no such depot."))
        return found.centers.get(center), found.depots.get(depot)


def _table(content: bytes) -> Table:
    return required_table(content, COLUMNS, AllocationCodes.KIT_IMPORT_INVALID)


def _checked(study: Study, inventory: str, content: bytes) -> list[_Row]:
    """The file's rows, each checked against the inventory and the others, under the
    study's lock (imports of one study's kits go one at a time: numbers and sequences
    stay unique); the problems all at once."""
    table = _table(content)
    db.session.execute(sa.select(Study.id).where(Study.id == study.id).with_for_update())
    found = _Lookups(study, inventory)
    rows = [_Row(number, row, inventory, found) for number, row in table.rows]
    problems = [problem for row in rows for problem in row.problems]
    if problems:
        raise refuse_table(AllocationCodes.KIT_IMPORT_INVALID, problems)
    return rows


def _write(record: KitImport, rows: list[_Row]) -> None:
    """The kits of the import, in bulk: one statement per chunk of rows."""
    now = utcnow()
    common = {
        "study_id": record.study_id,
        "inventory": record.inventory,
        "status": KitStatus.AVAILABLE,
        "import_id": record.id,
        "created_at": now,
        "modified_at": now,
    }
    table = Kit.__table__
    assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        db.session.execute(
            sa.insert(table), [{**common, **row.values, "uuid": uuid.uuid4()} for row in chunk]
        )
    record.status = ImportStatus.DONE
    record.finished_at = utcnow()
    db.session.flush()


def import_kits(study: Study, inventory: str, name: str, content: bytes) -> KitImport:
    """The file's kits, added to ``inventory`` as available stock; refused whole (422,
    every problem listed) when one row has a problem. A file of more than
    ``IN_REQUEST_LIMIT`` kits is checked here and written by a job (the import is
    ``queued`` until it is done)."""
    rows = _checked(study, inventory, content)
    record = KitImport(
        study_id=study.id,
        inventory=inventory,
        file_name=name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        rows=len(rows),
        first_number=rows[0].values["number"],
        last_number=rows[-1].values["number"],
        status=ImportStatus.QUEUED,
    )
    db.session.add(record)
    db.session.flush()
    if len(rows) <= IN_REQUEST_LIMIT:
        _write(record, rows)
    else:
        enqueue(
            "plugins.allocation.jobs.write_kit_import", str(record.uuid), tenant=current_tenant()
        )
    return record


def write_queued(record: KitImport) -> None:
    """A queued import's kits (its job): checked again, as other imports may have taken its
    numbers meanwhile; a file that no longer fits fails whole, with its problems kept."""
    if record.status != ImportStatus.QUEUED:
        return  # written already: the job ran before
    study = db.session.get_one(Study, record.study_id)
    try:
        rows = _checked(study, record.inventory, record.content)
    except DatacaptException as refusal:
        details = refusal.details or {}
        record.status = ImportStatus.FAILED
        record.problems = [
            {"row": p["row"], "column": p["column"], "message": str(p["message"])}
            for p in details.get("problems", [])
        ]
        record.finished_at = utcnow()
        db.session.flush()
        return
    _write(record, rows)


def get_import(study: Study, import_uuid: Any) -> KitImport:
    return get_in_study(KitImport, import_uuid, Message("No such kit import."), study=study)


def list_imports(study: Study, inventory: str) -> sa.Select:
    return (
        sa.select(KitImport)
        .where(KitImport.study_id == study.id, KitImport.inventory == inventory)
        .order_by(KitImport.id.desc())
    )
