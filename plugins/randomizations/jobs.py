"""Randomization jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import db, job
from plugins.randomizations.models import Simulation
from plugins.randomizations.simulation import service


@job(retries=2, backoff=(30, 300))
def run_simulation(simulation_uuid: str) -> str | None:
    """A simulation too large for its request; its progress is committed as it goes."""
    simulation = db.session.execute(
        sa.select(Simulation).where(Simulation.uuid == uuid.UUID(simulation_uuid))
    ).scalar_one_or_none()
    if simulation is None:
        return None
    service.run_in_job(simulation)
    return simulation.status
