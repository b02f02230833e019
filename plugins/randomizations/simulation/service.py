"""The simulations a version keeps: each on the version's revision of the time, with a seed
of its own (never a list's), run in the request when small, otherwise as a job that records
its progress and emails its requester when it is done."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Channel,
    Message,
    Recipient,
    Study,
    commit_job_step,
    conflict,
    current_tenant,
    db,
    enqueue,
    not_found,
    notify,
    study_centers,
    study_members,
    utcnow,
)
from plugins.randomizations import lists
from plugins.randomizations.errors import RandomizationCodes
from plugins.randomizations.messages import SIMULATION_DONE
from plugins.randomizations.methods.stream import new_seed
from plugins.randomizations.models import (
    IMPORTED_METHODS,
    Design,
    DesignVersion,
    Environment,
    KeyEntry,
    Method,
    Simulation,
    SimulationStatus,
    Slot,
    Stratum,
)
from plugins.randomizations.simulation import engine

# Trials x subjects run in the request (about a second); more is a job.
INLINE_LIMIT = 20_000


def _imported_arms(design: Design, version: DesignVersion) -> dict[str, list[str]] | None:
    """The production list as ``version`` would use it (the parts that count, and its
    own), arms per stratum in order; a double-blind list's through its key."""
    if design.method not in IMPORTED_METHODS:
        return None
    rlist = lists.current_list(design, Environment.PRODUCTION)
    assert rlist is not None  # imported designs have their lists from the start
    rows = db.session.execute(
        sa.select(Stratum.key, Slot.arm, Slot.treatment_code)
        .join(Stratum, Stratum.id == Slot.stratum_id)
        .join(DesignVersion, DesignVersion.id == Slot.version_id)
        .where(
            Slot.list_id == rlist.id,
            sa.or_(DesignVersion.live_at.is_not(None), DesignVersion.id == version.id),
        )
        .order_by(Stratum.key, Slot.position)
    ).all()
    key: dict[str, str] = dict(
        db.session.execute(
            sa.select(KeyEntry.treatment_code, KeyEntry.arm).where(KeyEntry.list_id == rlist.id)
        ).all()
    )
    arms: dict[str, list[str]] = {}
    for stratum, listed, code in rows:
        arm = key.get(code or "") if design.method == Method.DOUBLE_BLIND else listed
        if arm is None:
            raise conflict(
                RandomizationCodes.DESIGN_NOT_READY,
                Message("Give every treatment code its arm (the key) before simulating."),
                missing=["production_key"],
            )
        arms.setdefault(stratum, []).append(arm)
    return arms


def _inputs(simulation: Simulation) -> tuple[engine.Simulated, engine.Population]:
    version = simulation.version
    design = version.design
    study = db.session.get_one(Study, design.study_id)
    centers = [center.code for center in study_centers(study)]
    return (
        engine.Simulated(design.method, version.config, _imported_arms(design, version)),
        engine.Population.of(version.config, centers, simulation.population),
    )


def _run(simulation: Simulation, progress: Any = None) -> None:
    simulated, population = _inputs(simulation)
    simulation.status = SimulationStatus.RUNNING
    simulation.result = engine.simulate(
        simulated, population, simulation.trials, simulation.subjects, simulation.seed, progress
    )
    simulation.status = SimulationStatus.DONE
    simulation.progress = simulation.trials
    simulation.finished_at = utcnow()
    db.session.flush()


def start(
    version: DesignVersion, data: Mapping[str, Any], requested_by_id: int | None
) -> Simulation:
    """A simulation of the version as it is now: done when this returns if small, else
    queued for a job (which tells its requester when it is done)."""
    simulation = Simulation(
        study_id=version.study_id,
        version_id=version.id,
        revision=version.revision,
        trials=data["trials"],
        subjects=data["subjects"],
        seed=data.get("seed") or new_seed(),
        population=data["population"],
        requested_by_id=requested_by_id,
    )
    db.session.add(simulation)
    db.session.flush()
    _inputs(simulation)  # a population that does not fit is refused now, not in the job
    if simulation.trials * simulation.subjects <= INLINE_LIMIT:
        _run(simulation)
    else:
        enqueue(
            "plugins.randomizations.jobs.run_simulation",
            str(simulation.uuid),
            tenant=current_tenant(),
        )
    return simulation


def run_in_job(simulation: Simulation) -> None:
    """The job's part: progress committed as it goes; the requester told at the end."""
    if simulation.status == SimulationStatus.DONE:
        return  # a second delivery of the job
    if simulation.version.revision != simulation.revision:
        simulation.status = SimulationStatus.FAILED
        simulation.result = {"error": "The version changed since the simulation was asked for."}
    else:
        simulation.status = SimulationStatus.RUNNING
        db.session.flush()
        commit_job_step()

        def progress(done: int) -> None:
            simulation.progress = done
            db.session.flush()
            commit_job_step()

        try:
            _run(simulation, progress)
        except Exception:
            simulation.status = SimulationStatus.FAILED
            db.session.flush()
            commit_job_step()
            raise
    _tell_requester(simulation)
    db.session.flush()


def _tell_requester(simulation: Simulation) -> None:
    version = simulation.version
    study = db.session.get_one(Study, version.study_id)
    for user in study_members(study):
        if user.id == simulation.requested_by_id:
            notify(
                SIMULATION_DONE,
                Channel.EMAIL,
                Recipient.of_user(user),
                {
                    "study": study.reference,
                    "design": version.design.code,
                    "version": version.number,
                    "trials": simulation.trials,
                    "status": simulation.status,
                },
                study_id=study.id,
            )


def list_simulations(version: DesignVersion) -> sa.Select:
    return (
        sa.select(Simulation)
        .where(Simulation.version_id == version.id)
        .order_by(Simulation.id.desc())
    )


def get_simulation(version: DesignVersion, simulation_uuid: Any) -> Simulation:
    found = db.session.execute(
        sa.select(Simulation).where(
            Simulation.version_id == version.id, Simulation.uuid == simulation_uuid
        )
    ).scalar_one_or_none()
    if found is None:
        raise not_found(Message("The version has no such simulation."))
    return found


def latest_done(version: DesignVersion) -> Simulation | None:
    """What the approval reads: the newest finished simulation of the version as it is."""
    return db.session.execute(
        sa.select(Simulation)
        .where(
            Simulation.version_id == version.id,
            Simulation.revision == version.revision,
            Simulation.status == SimulationStatus.DONE,
        )
        .order_by(Simulation.id.desc())
        .limit(1)
    ).scalar_one_or_none()
