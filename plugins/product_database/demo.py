"""The demo tenant's catalogue: an investigational product with its placebo, a cosmetic
cream with an approved formula, a batch of each (the drug's released), and the demo
study using the drug and placebo under blinding codes."""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.product_database import batches, catalogue, formulas, study_products
from plugins.product_database.models import BatchStatus, Product, ProductKind

DEMO_PRODUCTS = [
    {
        "code": "DEMO-IMP",
        "name": "Demoxetine 10 mg tablets",
        "kind": ProductKind.INVESTIGATIONAL_PRODUCT,
        "manufacturer": "Demo Pharma",
    },
    {
        "code": "DEMO-PBO",
        "name": "Placebo tablets",
        "kind": ProductKind.PLACEBO,
        "manufacturer": "Demo Pharma",
    },
    {
        "code": "DEMO-CREAM",
        "name": "Moisturising cream",
        "kind": ProductKind.COSMETIC_FORMULA,
        "manufacturer": "Demo Cosmetics",
    },
]
CREAM = [
    {"inci_name": "Glycerin", "cas_number": "56-81-5", "percentage": decimal.Decimal("5")},
    {
        "inci_name": "Cetearyl Alcohol",
        "cas_number": "67762-27-0",
        "percentage": decimal.Decimal("3"),
    },
    {"inci_name": "Aqua", "cas_number": "7732-18-5", "quantum_satis": True},
]
CODES = {"DEMO-IMP": "A", "DEMO-PBO": "B"}


def add_demo_catalogue(study: Study) -> None:
    """The demo products and their batches, unless the catalogue has them already."""
    if db.session.execute(sa.select(Product.id).where(Product.code == "DEMO-IMP")).first():
        return
    made = {data["code"]: catalogue.create_product(data) for data in DEMO_PRODUCTS}
    cream = made["DEMO-CREAM"]
    formulas.approve(cream, formulas.create_draft(cream, {"ingredients": CREAM}))
    expiry = batches.today() + dt.timedelta(days=730)
    for code, product in made.items():
        batch = batches.create_batch(
            product,
            {
                "number": f"{code}-001",
                "expiry_date": expiry,
                "manufacture_date": batches.today(),
                "storage_conditions": "Below 25 °C",
                "quantity": decimal.Decimal(1000),
                "unit": "units",
                "formula_version": 1 if product is cream else None,
            },
        )
        if code != "DEMO-CREAM":
            batches.change_status(batch, BatchStatus.RELEASED)
    if db.session.execute(study_products.list_study_products(study)).first():
        return  # the study's products are declared already: their blinding stays as it is
    for code, blinding_code in CODES.items():
        study_products.declare(study, made[code], blinding_code)
