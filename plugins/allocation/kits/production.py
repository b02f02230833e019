"""Putting the production inventory in use: explicitly, once a check finds production
kits for every arm of each live randomization design, at every visit the configuration
names, at every center of the study. The dummy inventory stays as it is: nothing
vanishes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    BlindedValue,
    Message,
    Study,
    acting_user,
    conflict,
    db,
    study_centers,
)
from plugins.allocation.configuration.models import AllocationRule
from plugins.allocation.configuration.services import design_arms
from plugins.allocation.errors import AllocationCodes
from plugins.allocation.kits.models import Inventory, Kit, KitType, ProductionStart
from plugins.allocation.kits.stock import stock_counts
from plugins.randomizations.api import ARM, Design

LIVE = "live"  # the randomizations plugin's status of a version that randomizes production


def production_start(study: Study) -> ProductionStart | None:
    return db.session.execute(
        sa.select(ProductionStart).where(ProductionStart.study_id == study.id)
    ).scalar_one_or_none()


def inventories(study: Study) -> dict[str, dict[str, Any]]:
    """Both inventories: whether each is in use, since when, and its kits by status."""
    start = production_start(study)
    counts: dict[str, dict[str, int]] = {inventory: {} for inventory in Inventory}
    for inventory, status, count in db.session.execute(
        sa.select(Kit.inventory, Kit.status, sa.func.count())
        .where(Kit.study_id == study.id)
        .group_by(Kit.inventory, Kit.status)
    ):
        counts[inventory][status] = count
    return {
        Inventory.DUMMY: {
            "inventory": Inventory.DUMMY,
            "in_use": True,
            "started_at": None,
            "kits": counts[Inventory.DUMMY],
        },
        Inventory.PRODUCTION: {
            "inventory": Inventory.PRODUCTION,
            "in_use": start is not None,
            "started_at": start.created_at if start is not None else None,
            "kits": counts[Inventory.PRODUCTION],
        },
    }


def _live_designs(study: Study) -> list[Design]:
    designs = db.session.scalars(sa.select(Design).where(Design.study_id == study.id))
    return [d for d in designs if any(v.status == LIVE for v in d.versions)]


def check(study: Study) -> dict[str, Any]:
    """What production dispensing would lack: ``missing`` (empty when ready) and how many
    (arm, visit, center) combinations are stocked."""
    designs = _live_designs(study)
    missing: list[dict[str, Any]] = []
    if not designs:
        missing.append({"problem": "no_live_design"})
    centers = study_centers(study)
    stock = stock_counts(study, Inventory.PRODUCTION)
    codes = dict(
        db.session.execute(
            sa.select(KitType.id, KitType.code).where(KitType.study_id == study.id)
        ).all()
    )
    stocked = 0
    for design in designs:
        rules = list(
            db.session.scalars(
                sa.select(AllocationRule)
                .where(AllocationRule.design_id == design.id)
                .order_by(AllocationRule.id)
            )
        )
        for arm in design_arms(design) or []:
            of_arm = [rule for rule in rules if rule.arm == arm]
            if not of_arm:
                missing.append(
                    {"problem": "no_kit_type", "design": design.code, "arm": BlindedValue(ARM, arm)}
                )
            for rule in of_arm:
                for center in centers:
                    available = stock.get((rule.kit_type_id, center.id), 0)
                    if available >= rule.kits:
                        stocked += 1
                        continue
                    missing.append(
                        {
                            "problem": "no_kits",
                            "design": design.code,
                            "arm": BlindedValue(ARM, arm),
                            "visit": str(rule.section.uuid),
                            "center": center.code,
                            "kit_type": BlindedValue(ARM, codes[rule.kit_type_id]),
                            "needed": rule.kits,
                            "available": BlindedValue(ARM, available),
                        }
                    )
    return {"ready": not missing, "stocked": stocked, "missing": missing}


def go_live(study: Study) -> ProductionStart:
    """Production dispensing on; 409 with what is missing when the check fails."""
    db.session.execute(sa.select(Study.id).where(Study.id == study.id).with_for_update())
    started = production_start(study)
    if started is not None:
        raise conflict(
            AllocationCodes.GO_LIVE_REFUSED,
            Message("The production inventory is in use already."),
            started_at=started.created_at.isoformat(),
        )
    found = check(study)
    if not found["ready"]:
        raise conflict(
            AllocationCodes.GO_LIVE_REFUSED,
            Message(
                "Production kits are missing; details.missing lists each arm, visit and"
                " center without enough."
            ),
            missing=found["missing"],
        )
    start = ProductionStart(
        study_id=study.id, started_by_id=acting_user().id, checked=found["stocked"]
    )
    db.session.add(start)
    db.session.flush()
    return start
