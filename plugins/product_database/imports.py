"""Imports of products and of batches from a CSV or XLSX file: the whole file is checked
first, every problem comes back with its row and column, and nothing is kept of a file
that has one. Imported batches start in quarantine, as any new batch."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    Message,
    Table,
    TableProblem,
    db,
    refuse_table,
    required_table,
    table_problem,
)
from plugins.product_database import batches, catalogue
from plugins.product_database.errors import ProductCodes
from plugins.product_database.models import Batch, Product, ProductKind

PRODUCT_COLUMNS = ("code", "name", "kind")
BATCH_COLUMNS = ("product", "number")
MAX_COUNT = 36_500  # a hundred years of days; as the API's schema bounds it
# The cells each consistency check of a batch's details compares (batches.detail_problems).
COMPARED = {
    "expiry_date": {"expiry_date", "manufacture_date"},
    "unit": {"quantity", "unit"},
}
# The longest text each column holds, as stored.
LENGTHS = {
    "code": 60,
    "name": 200,
    "manufacturer": 200,
    "number": 60,
    "storage_conditions": 500,
    "unit": 20,
}


def _refusal(problems: list[TableProblem]) -> DatacaptException:
    return refuse_table(ProductCodes.CATALOGUE_IMPORT_INVALID, problems)


def _table(content: bytes, columns: tuple[str, ...]) -> Table:
    return required_table(content, columns, ProductCodes.CATALOGUE_IMPORT_INVALID)


class _Row:
    """One row's cells, read into values; each problem is noted against its column."""

    def __init__(self, number: int, cells: Mapping[str, str], problems: list[TableProblem]):
        self.number, self.cells, self.problems = number, cells, problems

    def problem(self, column: str | None, message: Message) -> None:
        self.problems.append(table_problem(self.number, column, message))

    def text(self, column: str, required: bool = False) -> str | None:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.problem(column, Message("The value is missing."))
            return None
        if len(value) > LENGTHS.get(column, 10_000):
            self.problem(
                column,
                Message("At most {length} characters.", length=LENGTHS.get(column, 10_000)),
            )
        return value

    def parsed(self, column: str, parse: Callable[[str], Any], message: Message) -> Any:
        value = self.cells.get(column, "")
        if not value:
            return None
        try:
            return parse(value)
        except (ValueError, ArithmeticError):
            self.problem(column, message)
            return None


def _date(text: str) -> dt.date:
    """A date as ``YYYY-MM-DD`` (an XLSX date cell reads with a midnight time)."""
    if text[10:] not in ("", " 00:00:00", "T00:00:00"):
        raise ValueError(text)
    return dt.date.fromisoformat(text[:10])


def _count(text: str) -> int:
    """A whole number, as a column of days or a version number holds (at most 36,500)."""
    value = int(text)
    if not 0 <= value <= MAX_COUNT:
        raise ValueError(text)
    return value


def _quantity(text: str) -> decimal.Decimal:
    value = decimal.Decimal(text.replace(",", "."))
    if not value.is_finite() or value < 0 or value >= decimal.Decimal("1e11"):
        raise ValueError(text)
    if value != value.quantize(decimal.Decimal("0.001")):
        raise ValueError(text)
    return value


def import_products(content: bytes) -> list[Product]:
    """One new product per row: code, name, kind, and manufacturer, description if given."""
    table = _table(content, PRODUCT_COLUMNS)
    problems: list[TableProblem] = []
    catalogue.lock_codes()
    taken = catalogue.taken_codes({row.get("code", "") for _, row in table.rows} - {""})
    seen: set[str] = set()
    values = []
    for number, cells in table.rows:
        row = _Row(number, cells, problems)
        code = row.text("code", required=True)
        if code is not None:
            if code.lower() in taken:
                row.problem("code", Message("Another product has this code."))
            elif code.lower() in seen:
                row.problem("code", Message("This code is on another row of the file."))
            seen.add(code.lower())
        kind = row.text("kind", required=True)
        if kind is not None and kind not in set(ProductKind):
            row.problem("kind", Message("Not a kind of product."))
        values.append(
            {
                "code": code,
                "name": row.text("name", required=True),
                "kind": kind,
                "manufacturer": row.text("manufacturer"),
                "description": row.text("description"),
            }
        )
    if problems:
        raise _refusal(problems)
    products = [Product(**value) for value in values]
    db.session.add_all(products)
    db.session.flush()
    return products


def _products_by_code(codes: set[str]) -> dict[str, Product]:
    if not codes:
        return {}
    found = db.session.execute(
        sa.select(Product)
        .where(sa.func.lower(Product.code).in_({c.lower() for c in codes}))
        .order_by(Product.id)
        .with_for_update()  # their batch numbers stay free until this import commits
    ).scalars()
    return {product.code.lower(): product for product in found if product.code}


def _batch_values(row: _Row, products: dict[str, Product], seen: set[tuple[int, str]]) -> dict:
    code = row.text("product", required=True)
    product = products.get(code.lower()) if code else None
    if code and product is None:
        row.problem("product", Message("No product has this code."))
    number = row.text("number", required=True)
    if product is not None and number is not None:
        if (product.id, number) in seen:
            row.problem("number", Message("This batch is on another row of the file."))
        elif batches.number_taken(product, number):
            row.problem("number", Message("The product has a batch of this number already."))
        seen.add((product.id, number))
    not_a_date = Message("Not a date (YYYY-MM-DD).")
    values: dict[str, Any] = {
        "product": product,
        "number": number,
        "expiry_date": row.parsed("expiry_date", _date, not_a_date),
        "manufacture_date": row.parsed("manufacture_date", _date, not_a_date),
        "period_after_opening_days": row.parsed(
            "period_after_opening_days", _count, Message("Not a whole number of days.")
        ),
        "storage_conditions": row.text("storage_conditions"),
        "quantity": row.parsed(
            "quantity", _quantity, Message("Not a quantity (at most 3 decimal places).")
        ),
        "unit": row.text("unit"),
        "formula_version": None,
    }
    version = row.parsed("formula_version", _count, Message("Not a version number."))
    if product is not None and version is not None:
        values["formula_version"] = batches.formula_of(product, version)
        if values["formula_version"] is None:
            row.problem(
                "formula_version", Message("The product has no approved formula of this number.")
            )
    failed = {problem["column"] for problem in row.problems if problem["row"] == row.number}
    for column, message in batches.detail_problems(values).items():
        if not failed & COMPARED[column]:  # a cell that could not be read is reported once
            row.problem(column, message)
    return values


def import_batches(content: bytes) -> list[Batch]:
    """One new batch per row: product (its code), number, and expiry_date,
    manufacture_date, formula_version, period_after_opening_days, storage_conditions,
    quantity, unit if given."""
    table = _table(content, BATCH_COLUMNS)
    problems: list[TableProblem] = []
    products = _products_by_code({row.get("product", "") for _, row in table.rows} - {""})
    seen: set[tuple[int, str]] = set()
    rows = [
        _batch_values(_Row(number, cells, problems), products, seen) for number, cells in table.rows
    ]
    if problems:
        raise _refusal(problems)
    created = []
    for values in rows:
        product, formula = values.pop("product"), values.pop("formula_version")
        batch = batches.create_batch(product, values)
        batch.formula_version = formula
        created.append(batch)
    db.session.flush()
    return created
