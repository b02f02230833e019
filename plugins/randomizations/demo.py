"""The demo study's randomization: permuted blocks of 4 or 6 stratified by center and sex
(the eCRF's screening question), 1:1 active against placebo, simulated, approved and live,
so a newcomer can randomize an included demo subject at once."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.randomizations import services
from plugins.randomizations.models import Design, Method
from plugins.randomizations.simulation import service as simulations

DEMO_DESIGN = {
    "code": "MAIN",
    "name": "Main randomization",
    "method": Method.BLOCKS,
    "blinded": True,
    "config": {
        "arms": [
            {"code": "A", "name": "Active", "ratio": 1},
            {"code": "P", "name": "Placebo", "ratio": 1},
        ],
        "factors": [
            {"code": "center", "source": "center"},
            {"code": "sex", "source": "question", "question": "sex"},
        ],
        "block_sizes": [4, 6],
        "capacity": 60,
        "warning_threshold": 10,
    },
}


def add_demo_design(study: Study) -> None:
    """The demo design, unless the study has a randomization design already."""
    if db.session.execute(sa.select(Design.id).where(Design.study_id == study.id)).first():
        return
    design = services.create_design(study, DEMO_DESIGN)
    version = services.get_version(design, 1)
    simulations.start(version, {"trials": 100, "subjects": 100, "population": {}}, None)
    services.mark_approved(study, version, None)
    services.go_live(version)
