"""The demo study's zone catalogue: a forearm set (left and right, proximal and distal)
with an untreated control zone on the back; designs follow from the demo's products."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.side_by_side.models import Side, Zone
from plugins.side_by_side.services import add_zone

ZONES = (
    ("LFP", "Left forearm", "forearm", Side.LEFT, "proximal", False),
    ("LFD", "Left forearm", "forearm", Side.LEFT, "distal", False),
    ("RFP", "Right forearm", "forearm", Side.RIGHT, "proximal", False),
    ("RFD", "Right forearm", "forearm", Side.RIGHT, "distal", False),
    ("CTL", "Upper back", "back", Side.MIDLINE, None, True),
)


def add_demo_zones(study: Study) -> None:
    """Only what is missing: the command runs at every start."""
    known = set(db.session.execute(sa.select(Zone.code).where(Zone.study_id == study.id)).scalars())
    for code, name, area, side, position, control in ZONES:
        if code not in known:
            add_zone(
                study,
                {
                    "code": code,
                    "name": name,
                    "body_area": area,
                    "side": side,
                    "position": position,
                    "zone_set": "FOREARMS",
                    "control": control,
                },
            )
