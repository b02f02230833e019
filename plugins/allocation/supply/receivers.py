"""The allocation's own signal, followed by the supply: a center whose stock changed (a
dispensing, a kit declared invalid, a shipment received) is checked at once, in the same
transaction."""

from __future__ import annotations

from typing import Any

from datacapt.toolkit import Study, StudyCenter, db
from plugins.allocation.supply import resupply


def on_center_stock_changed(study: Study, *, center_id: int, inventory: str, **_: Any) -> None:
    center = db.session.get(StudyCenter, center_id)
    if center is not None:
        resupply.check_center(study, center, inventory)
