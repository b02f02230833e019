"""The tables of a tabular export (CSV, Excel, SAS, SPSS): the subjects' values, wide or
long, one table per repeating group, and one per extra; their columns and their rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
from collections.abc import Sequence
from typing import Any

from datacapt.toolkit import QuestionType
from plugins.exports.definitions.models import Extra, Layout
from plugins.exports.extract.chunks import Chunk, SubjectRow
from plugins.exports.extract.design import Design, Item


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    label: str
    numeric: bool = False
    codes: dict[Any, str] | None = None  # coded values and their labels


@dataclasses.dataclass(frozen=True)
class Table:
    name: str
    label: str
    columns: tuple[Column, ...]


def cell(item: Item, value: Any, labels: bool) -> Any:
    """An answer as an export cell: a number, a text or None."""
    if value is None:
        return None
    kind = item.type
    if kind == QuestionType.YES_NO:
        return ("Yes" if value else "No") if labels else int(bool(value))
    if kind == QuestionType.SINGLE_CHOICE:
        if labels:
            return dict(item.choices).get(value, str(value))
        # A choice is validated against the design: a number is one of numeric choices.
        return (
            value if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
        )
    if kind == QuestionType.MULTIPLE_CHOICE:
        names = dict(item.choices) if labels else {}
        return ";".join(str(names.get(v, v)) for v in value)
    if kind == QuestionType.DECIMAL:
        return decimal.Decimal(str(value))
    if kind in (QuestionType.INTEGER, QuestionType.SCALE):
        return value
    return str(value)


def as_text(value: Any) -> str:
    """A cell as text (long layout's value column, CSV)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


_SUBJECT = (
    Column("subject", "Subject"),
    Column("center", "Center"),
    Column("status", "Status"),
    Column("inclusion_date", "Inclusion date"),
)
_ARM = Column("arm", "Arm")

EXTRA_TABLES: dict[str, Table] = {
    Extra.AUDIT_TRAIL: Table(
        "audit_trail",
        "Audit trail of the values",
        tuple(
            Column(name, label)
            for name, label in (
                ("subject", "Subject"),
                ("question", "Question"),
                ("action", "Action"),
                ("at", "Time (UTC)"),
                ("user", "User"),
                ("old", "Old value"),
                ("new", "New value"),
                ("reason", "Reason for change"),
            )
        ),
    ),
    Extra.QUERIES: Table(
        "queries",
        "Data queries",
        tuple(
            Column(name, label)
            for name, label in (
                ("subject", "Subject"),
                ("question", "Question"),
                ("zone", "Zone"),
                ("status", "Status"),
                ("level", "Level"),
                ("origin", "Origin"),
                ("message", "Message"),
                ("opened_at", "Opened (UTC)"),
                ("closed_at", "Closed (UTC)"),
            )
        ),
    ),
    Extra.SDV: Table(
        "sdv",
        "Source data verification",
        tuple(
            Column(name, label)
            for name, label in (
                ("subject", "Subject"),
                ("question", "Question"),
                ("zone", "Zone"),
                ("verified_by", "Verified by"),
                ("verified_at", "Verified (UTC)"),
            )
        ),
    ),
    Extra.SIGNATURES: Table(
        "signatures",
        "Electronic signatures",
        tuple(
            Column(name, label)
            for name, label in (
                ("subject", "Subject"),
                ("scope", "Scope"),
                ("section", "Section"),
                ("printed_name", "Printed name"),
                ("meaning", "Meaning"),
                ("signed_at", "Signed (UTC)"),
                ("state", "State"),
            )
        ),
    ),
    Extra.LOCKS: Table(
        "locks",
        "Freezes and locks",
        tuple(
            Column(name, label)
            for name, label in (
                ("level", "Level"),
                ("status", "Status"),
                ("subject", "Subject"),
                ("center", "Center"),
                ("section", "Section"),
                ("zone", "Zone"),
                ("frozen_at", "Frozen (UTC)"),
                ("locked_at", "Locked (UTC)"),
            )
        ),
    ),
    Extra.ZONE_ASSESSMENTS: Table(
        "zone_assessments",
        "Zone assessments, one row per value",
        tuple(
            Column(name, label)
            for name, label in (
                ("subject", "Subject"),
                ("center", "Center"),
                ("section", "Section"),
                ("zone", "Zone"),
                ("zone_name", "Zone name"),
                ("code", "Product code"),
                ("question", "Question"),
                ("value", "Value"),
                ("product", "Product"),
            )
        ),
    ),
}
_CHUNK_EXTRAS = {
    Extra.AUDIT_TRAIL: "audit",
    Extra.QUERIES: "queries",
    Extra.SDV: "verifications",
    Extra.SIGNATURES: "signatures",
    Extra.ZONE_ASSESSMENTS: "zone_assessments",
}
_PRODUCT = "product"  # the zone assessments' column of a run that may name products


def _extra_table(extra: str, product: bool) -> Table:
    """An extra's table; the zone assessments' without the product where it is blinded."""
    table = EXTRA_TABLES[extra]
    if product:
        return table
    return dataclasses.replace(
        table, columns=tuple(column for column in table.columns if column.name != _PRODUCT)
    )


class Tabulator:
    """Turns chunks of subjects into the rows of each table."""

    def __init__(
        self,
        design: Design,
        settings: dict[str, Any],
        arm: bool,
        extras: Sequence[str],
        product: bool,
    ):
        self.labels = settings["values"] == "labels"
        self.long = settings["layout"] == Layout.LONG
        self.arm = arm
        self.items = [item for item in design.items if not item.is_group]
        self.groups = [item for item in design.items if item.is_group]
        self.extras = [extra for extra in Extra if extra in extras]
        self.extra_tables = {extra: _extra_table(extra, product) for extra in self.extras}
        subject = _SUBJECT + ((_ARM,) if arm else ())
        if self.long:
            main = Table(
                "values",
                "Values, one row per value",
                (
                    *subject,
                    Column("section", "Section"),
                    Column("question", "Question"),
                    Column("value", "Value"),
                ),
            )
        else:
            main = Table(
                "subjects",
                "Values, one row per subject",
                subject
                + tuple(
                    Column(
                        item.code,
                        f"{item.section_title}: {item.label}" if item.label else item.code,
                        item.numeric(self.labels),
                        None if self.labels else item.codes,
                    )
                    for item in self.items
                ),
            )
        self.tables = [main]
        # A group's table is named by its code, unless the main table or an extra's has
        # that name: one table would then take the other's place.
        taken = {main.name.lower()} | {table.name for table in self.extra_tables.values()}
        self.group_tables: dict[str, str] = {}
        for group in self.groups:
            name, number = group.code, 1
            while name.lower() in taken:
                number += 1
                name = f"{group.code}_{number}"
            taken.add(name.lower())
            self.group_tables[group.code] = name
            self.tables.append(
                Table(
                    name,
                    group.label or group.code,
                    (
                        Column("subject", "Subject"),
                        Column("row", "Row", numeric=True),
                        *tuple(
                            Column(
                                column.code,
                                column.label or column.code,
                                column.numeric(self.labels),
                                None if self.labels else column.codes,
                            )
                            for column in group.columns
                        ),
                    ),
                )
            )
        self.tables += list(self.extra_tables.values())

    def _subject_cells(self, subject: SubjectRow) -> list[Any]:
        cells: list[Any] = [subject.label, subject.center, subject.status, subject.inclusion_date]
        if self.arm:
            cells.append(subject.arm)
        return cells

    def rows(self, chunk: Chunk) -> dict[str, list[list[Any]]]:
        """Each table's rows from the chunk."""
        main: list[list[Any]] = []
        grouped: dict[str, list[list[Any]]] = {group.code: [] for group in self.groups}
        for subject in chunk.subjects:
            answers = chunk.answers.get(subject.id, {})
            head = self._subject_cells(subject)
            if self.long:
                for item in self.items:
                    if answers.get(item.code) is not None:
                        value = as_text(cell(item, answers[item.code], self.labels))
                        main.append([*head, item.section_title, item.code, value])
            else:
                main.append(
                    [
                        *head,
                        *(cell(item, answers.get(item.code), self.labels) for item in self.items),
                    ]
                )
            for group in self.groups:
                for index, row in enumerate(answers.get(group.code) or [], start=1):
                    grouped[group.code].append(
                        [
                            subject.label,
                            index,
                            *(cell(c, row.get(c.code), self.labels) for c in group.columns),
                        ]
                    )
        found = {
            self.tables[0].name: main,
            **{self.group_tables[code]: rows for code, rows in grouped.items()},
        }
        for extra in self.extras:
            if extra in _CHUNK_EXTRAS:
                table = self.extra_tables[extra]
                found[table.name] = [
                    [record.get(column.name) for column in table.columns]
                    for record in getattr(chunk, _CHUNK_EXTRAS[extra])
                ]
        return found

    def lock_rows(self, locks: list[dict[str, Any]]) -> list[list[Any]]:
        table = EXTRA_TABLES[Extra.LOCKS]
        return [[lock.get(column.name) for column in table.columns] for lock in locks]
