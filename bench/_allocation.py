"""The trial both allocation benches build: a tenant with kit allocation, a study of four
centers whose eCRF has a screening section (sex), dosing visits and an adverse-event
repeating group, a live permuted-block design of two arms stratified by center and sex,
a coded product per arm with a released batch, a kit type per arm and one kit of it at
every visit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

CENTERS = ("PAR", "LYO", "NTE", "BDX")
ARMS = ("A", "P")
AE_QUESTION = "ae"


def _question(code: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "question", "code": code, "type": kind, "label": {"en": code}, **fields}


def _section(title: str, *blocks: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": {"en": title},
        "subsections": [{"title": {"en": title}, "blocks": list(blocks)}],
    }


def ecrf(visits: int) -> dict[str, Any]:
    sex = _question("sex", "single_choice", options={"choices": [{"value": "F"}, {"value": "M"}]})
    adverse_events = _question(
        AE_QUESTION,
        "repeating_group",
        columns=[
            {"code": "term", "type": "short_text", "required": True},
            {"code": "onset", "type": "date"},
        ],
    )
    return {
        "sections": [
            _section("Screening", sex),
            *(
                _section(f"Visit {n}", _question(f"dose_{n}", "yes_no"))
                for n in range(1, visits + 1)
            ),
            _section("Adverse events", adverse_events),
        ]
    }


DESIGN = {
    "code": "MAIN",
    "name": "Main",
    "method": "blocks",
    "blinded": True,
    "config": {
        "arms": [{"code": arm, "name": arm, "ratio": 1} for arm in ARMS],
        "factors": [
            {"code": "center", "source": "center"},
            {"code": "sex", "source": "question", "question": "sex"},
        ],
        "block_sizes": [4, 6, 8],
        "capacity": 100000,
        "warning_threshold": 0,
    },
}


@dataclass
class BenchTrial:
    study: Any  # the Study
    design: Any  # the randomizations Design
    centers: list[Any]  # StudyCenters
    visits: list[Any]  # eCRF Sections with kits
    kit_types: dict[str, Any]  # arm -> KitType
    batches: dict[str, Any]  # arm -> Batch


def create_tenant_with_allocation(schema: str, host: str) -> None:
    """The benches' tenant (inside an app context), kit allocation and what it needs on."""
    from datacapt.plugins.services import enable_plugin
    from datacapt.tenancy.services import create_tenant

    create_tenant(schema, "Allocation bench", [host])
    enable_plugin(schema, "allocation", "bench", with_deps=True)


def build_trial(email: str, visits: int) -> BenchTrial:
    """The trial and its administrator, inside the tenant (committed)."""
    from _support import add_admin_and_study

    from datacapt.database import db
    from datacapt.studies.services import add_study_center, create_center
    from plugins.allocation.configuration.models import AllocationRule
    from plugins.allocation.kits.models import KitType
    from plugins.ecrf.api import Ecrf, Section
    from plugins.ecrf.services import save_design
    from plugins.product_database.api import Batch, BatchStatus, Product, StudyProduct
    from plugins.randomizations import services
    from plugins.randomizations.simulation import service as simulations

    study = add_admin_and_study(email, "KITS")
    centers = [create_center(code, code, "FR") for code in CENTERS]
    for center in centers:
        add_study_center(study, center.uuid)
    save_design(study, ecrf(visits))
    design = services.create_design(study, DESIGN)
    version = services.get_version(design, 1)
    simulations.start(version, {"trials": 10, "subjects": 100, "population": {}}, None)
    services.mark_approved(study, version, None)
    services.go_live(version)
    sections = list(
        db.session.scalars(
            db.select(Section)
            .join(Ecrf, Ecrf.id == Section.ecrf_id)
            .where(Ecrf.study_id == study.id)
            .order_by(Section.position)
        )
    )[1 : visits + 1]
    kit_types, batches = {}, {}
    for arm in ARMS:
        product = Product(name=f"Product {arm}", kind="investigational_product")
        db.session.add(product)
        db.session.flush()
        study_product = StudyProduct(
            study_id=study.id, product_id=product.id, blinding_code=f"CODE-{arm}"
        )
        batch = Batch(
            product_id=product.id,
            number=f"LOT-{arm}",
            expiry_date=dt.date.today() + dt.timedelta(days=900),
            status=BatchStatus.RELEASED,
        )
        db.session.add_all([study_product, batch])
        db.session.flush()
        kit_type = KitType(
            study_id=study.id,
            code=f"KT-{arm}",
            name=f"Kit {arm}",
            study_product_id=study_product.id,
            quantity=Decimal(28),
            unit="tablets",
        )
        db.session.add(kit_type)
        db.session.flush()
        for section in sections:
            db.session.add(
                AllocationRule(
                    study_id=study.id,
                    design_id=design.id,
                    arm=arm,
                    section_id=section.id,
                    kit_type_id=kit_type.id,
                    kits=1,
                )
            )
        kit_types[arm], batches[arm] = kit_type, batch
    db.session.commit()
    return BenchTrial(study, design, centers, sections, kit_types, batches)


def kits_file(trial: BenchTrial, count: int) -> bytes:
    """``count`` production kits, shared evenly by kit type and center."""
    lines = ["number,kit_type,batch,center"]
    places = [(arm, center.code) for arm in ARMS for center in trial.centers]
    for n in range(count):
        arm, center = places[n % len(places)]
        lines.append(f"K{n + 1:07d},KT-{arm},LOT-{arm},{center}")
    return "\n".join(lines).encode()
