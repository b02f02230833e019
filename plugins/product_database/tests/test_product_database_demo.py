"""The demo catalogue: added once, with an approved formula, batches and the demo study's
products under codes."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.product_database import demo
from plugins.product_database.tests.support import (
    BATCHES,
    PRODUCTS,
    STUDY_PRODUCTS,
    Catalogue,
    read,
)


def test_the_demo_catalogue_is_added_once(app, tenant, catalogue: Catalogue):
    for _ in range(2):
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(catalogue.headers["Study-Uuid"]))
            ).scalar_one()
            demo.add_demo_catalogue(study)
    products = {p["code"]: p for p in read(catalogue.pharmacist, PRODUCTS)}
    assert set(products) == {"DEMO-IMP", "DEMO-PBO", "DEMO-CREAM"}
    formulas = read(catalogue.pharmacist, f"{PRODUCTS}{products['DEMO-CREAM']['uuid']}/formulas/")
    assert [(f["number"], f["status"], f["quantum_satis_percentage"]) for f in formulas] == [
        (1, "approved", "92.0000")
    ]
    statuses = {b["number"]: b["status"] for b in read(catalogue.pharmacist, BATCHES)}
    assert statuses == {
        "DEMO-IMP-001": "released",
        "DEMO-PBO-001": "released",
        "DEMO-CREAM-001": "quarantine",
    }
    declared = read(catalogue.investigator, STUDY_PRODUCTS, headers=catalogue.headers)
    assert [(p["blinding_code"], p["product"]) for p in declared] == [("A", None), ("B", None)]
