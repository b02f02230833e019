"""The demo study's kits: a kit type per arm of its live randomization design (each of one
coded product with a released batch), one kit at every later visit, and 20 kits of each
type at each center in both inventories, so a newcomer can dispense to a randomized demo
subject in the test environment at once, and check and put the production inventory live."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from datacapt.toolkit import Study, db, study_centers, utcnow
from plugins.allocation.configuration.models import AllocationRule
from plugins.allocation.configuration.services import design_arms
from plugins.allocation.kits.imports import import_kits
from plugins.allocation.kits.models import Inventory, KitType
from plugins.ecrf.api import Ecrf, Section
from plugins.product_database.api import Batch, BatchStatus, Product, ProductKind, StudyProduct
from plugins.randomizations.api import Design

KITS_PER_CENTER = 20
# Where the study declares no product for an arm: the first arm's, then every other's.
PRODUCTS = (
    ("Demo active 10 mg", ProductKind.INVESTIGATIONAL_PRODUCT, "DEMO-1"),
    ("Demo placebo", ProductKind.PLACEBO, "DEMO-2"),
)


def _study_product(study: Study, index: int) -> tuple[StudyProduct, Batch]:
    """The product of the design's ``index``-th arm: the study's ``index``-th declared
    product (the product database's demo declares them), else a demo product added, with
    a released batch of it (added when it has none)."""
    declared = (
        db.session.execute(
            sa.select(StudyProduct)
            .where(StudyProduct.study_id == study.id)
            .order_by(StudyProduct.id)
        )
        .scalars()
        .all()
    )
    if index < len(declared):
        study_product = declared[index]
    else:
        name, kind, code = PRODUCTS[min(index, len(PRODUCTS) - 1)]
        product = Product(name=name, kind=kind)
        db.session.add(product)
        db.session.flush()
        study_product = StudyProduct(study_id=study.id, product_id=product.id, blinding_code=code)
        db.session.add(study_product)
    batch = db.session.execute(
        sa.select(Batch)
        .where(Batch.product_id == study_product.product_id, Batch.status == BatchStatus.RELEASED)
        .order_by(Batch.id)
        .limit(1)
    ).scalar_one_or_none()
    if batch is None:
        batch = Batch(
            product_id=study_product.product_id,
            number=f"LOT-{study_product.blinding_code or index + 1}",
            expiry_date=utcnow().date() + dt.timedelta(days=730),
            status=BatchStatus.RELEASED,
        )
        db.session.add(batch)
    db.session.flush()
    return study_product, batch


def _kits_file(kit_type: KitType, batch: Batch, centers: list[str], start: int) -> bytes:
    lines = ["number,kit_type,batch,center"]
    sequence = start
    for center in centers:
        for _ in range(KITS_PER_CENTER):
            sequence += 1
            lines.append(f"K{sequence:05d},{kit_type.code},{batch.number},{center}")
    return "\n".join(lines).encode()


def add_demo_kits(study: Study) -> None:
    """The demo kits and configuration, unless the study has kit types already (or no
    randomization design with an approved version)."""
    if db.session.execute(sa.select(KitType.id).where(KitType.study_id == study.id)).first():
        return
    design = db.session.execute(
        sa.select(Design).where(Design.study_id == study.id).order_by(Design.id)
    ).scalar_one_or_none()
    arms = design_arms(design) if design is not None else None
    if design is None or arms is None:
        return
    visits = list(
        db.session.scalars(
            sa.select(Section)
            .join(Ecrf, Ecrf.id == Section.ecrf_id)
            .where(Ecrf.study_id == study.id)
            .order_by(Section.position)
        )
    )[1:]  # the first is screening, before randomization
    centers = [center.code for center in study_centers(study)]
    for index, arm in enumerate(arms):
        study_product, batch = _study_product(study, index)
        kit_type = KitType(
            study_id=study.id,
            code=f"KT-{index + 1}",
            name=f"Kit {index + 1}: blister of 28 tablets",
            study_product_id=study_product.id,
            quantity=Decimal(28),
            unit="tablets",
        )
        db.session.add(kit_type)
        db.session.flush()
        for visit in visits:
            db.session.add(
                AllocationRule(
                    study_id=study.id,
                    design_id=design.id,
                    arm=arm,
                    section_id=visit.id,
                    kit_type_id=kit_type.id,
                    kits=1,
                )
            )
        start = index * len(centers) * KITS_PER_CENTER
        for inventory in Inventory:
            content = _kits_file(kit_type, batch, centers, start)
            import_kits(study, inventory, f"demo-{inventory}-{kit_type.code}.csv", content)
    db.session.flush()
