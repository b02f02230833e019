"""What the supply tests need beside the trial (support.py): kits at a depot or a center,
a dispensing, the periodic check, and reading an answer as it leaves.

Kit types and kits are placed through the kits module's models, a precondition cheaper than
an import for the many placements (depots, centers, expiries) these tests need; the
dispensing below changes a kit as dispensing does (dispensed, and ``center_stock_changed``
sent in the same transaction). test_allocation_resupply.py goes through the kits,
dispensing and product database APIs instead."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import time_machine

from datacapt.testing import run_tick, unit_of_work
from datacapt.toolkit import Study, StudyCenter, db, tenant_context
from plugins.allocation.kits.models import Kit, KitStatus, KitType
from plugins.allocation.signals import center_stock_changed
from plugins.allocation.supply.models import Depot
from plugins.allocation.tests.support import Trial
from plugins.product_database.api import Batch, StudyProduct

#: The kit type of each arm: its code shows to everyone, its name is the product's.
KIT_TYPES = {"ACTIVE": ("KT-1", "Zorblax 10 mg blister"), "PLACEBO": ("KT-2", "Zorblax placebo")}


def add_kits(
    trial: Trial,
    arm: str,
    count: int,
    *,
    depot: str | None = None,
    center: str | None = None,
    inventory: str = "production",
    expires_in: int | None = 700,
    batch: str | None = None,
) -> tuple[str, list[str]]:
    """``count`` available kits of the kit type of ``arm`` (made the first time) at the
    depot of that uuid or the center of that code, expiring in ``expires_in`` days, of
    ``batch`` (a uuid; the arm's batch by default): the kit type's uuid and the kits'
    numbers, numbered after the study's last kit."""
    with trial.app.app_context(), tenant_context(trial.tenant), unit_of_work():
        study = db.session.scalars(sa.select(Study).filter_by(uuid=trial.study)).one()
        code, name = KIT_TYPES[arm]
        kit_type = db.session.scalars(
            sa.select(KitType).filter_by(study_id=study.id, code=code)
        ).one_or_none()
        if kit_type is None:
            product = db.session.scalars(
                sa.select(StudyProduct).filter_by(uuid=trial.products[arm])
            ).one()
            kit_type = KitType(
                study_id=study.id,
                code=code,
                name=name,
                study_product_id=product.id,
                quantity=Decimal("28"),
                unit="tablets",
            )
            db.session.add(kit_type)
            db.session.flush()
        batch_id = db.session.scalars(
            sa.select(Batch.id).filter_by(uuid=batch or trial.batches[arm])
        ).one()
        place: dict[str, Any] = {}
        if depot is not None:
            place["depot_id"] = db.session.scalars(sa.select(Depot.id).filter_by(uuid=depot)).one()
        if center is not None:
            place["center_id"] = db.session.scalars(
                sa.select(StudyCenter.id).filter_by(uuid=trial.centers[center])
            ).one()
        last = db.session.scalar(
            sa.select(sa.func.max(Kit.sequence)).where(Kit.study_id == study.id)
        )
        expiry = None if expires_in is None else dt.date.today() + dt.timedelta(days=expires_in)
        numbers = []
        for sequence in range((last or 0) + 1, (last or 0) + 1 + count):
            number = f"K{sequence:05d}"
            db.session.add(
                Kit(
                    study_id=study.id,
                    kit_type_id=kit_type.id,
                    inventory=inventory,
                    number=number,
                    sequence=sequence,
                    batch_id=batch_id,
                    expiry_date=expiry,
                    status=KitStatus.AVAILABLE,
                    **place,
                )
            )
            numbers.append(number)
        return str(kit_type.uuid), numbers


def dispense(trial: Trial, number: str) -> None:
    """Kit ``number`` given to a subject, as dispensing gives it: dispensed, and the
    center's stock announced changed before the change commits."""
    with trial.app.app_context(), tenant_context(trial.tenant), unit_of_work():
        study = db.session.scalars(sa.select(Study).filter_by(uuid=trial.study)).one()
        kit = db.session.scalars(sa.select(Kit).filter_by(study_id=study.id, number=number)).one()
        kit.status = KitStatus.DISPENSED
        db.session.flush()
        center_stock_changed.send(
            study, center_id=kit.center_id, kit_type_ids=[kit.kit_type_id], inventory=kit.inventory
        )


def kit_statuses(trial: Trial, *numbers: str) -> dict[str, tuple[str, str | None, str | None]]:
    """Each kit's status and where it is: (status, center code, depot code)."""
    with trial.app.app_context(), tenant_context(trial.tenant):
        rows = db.session.execute(
            sa.select(Kit.number, Kit.status, StudyCenter.code, Depot.code)
            .outerjoin(StudyCenter, StudyCenter.id == Kit.center_id)
            .outerjoin(Depot, Depot.id == Kit.depot_id)
            .where(Kit.number.in_(numbers))
        ).all()
        return {number: (status, center, depot) for number, status, center, depot in rows}


def check_supply(trial: Trial, at: dt.datetime | None = None) -> None:
    """One tick of the periodic supply check (at ``at``, UTC, if given)."""
    path = ("datacapt.jobs.cron.tick", "plugins.allocation.supply.jobs.check_supply")
    with time_machine.travel(at or dt.datetime.now(dt.UTC), tick=False), trial.app.app_context():
        run_tick(*path, "allocation", "default")


def shown(response: Any) -> str:
    """An answer's body as text, to look for what it must not reveal."""
    return json.dumps(response.json)
