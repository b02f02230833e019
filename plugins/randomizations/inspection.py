"""Looking at a design's lists: the strata with their slots left (the counts per arm for
unblinded callers), the table of slots (unblinded only), and the verification an inspector
asks for: every generated block regenerated from the seed, every minimization replayed,
every assignment compared with what its list gives."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, db, study_centers, visible_center_ids
from plugins.randomizations import lists, strata
from plugins.randomizations.methods.blocks import BlockPlan, block
from plugins.randomizations.methods.minimization import Rule, choose
from plugins.randomizations.methods.stream import SeededStream
from plugins.randomizations.models import (
    Assignment,
    Design,
    DesignVersion,
    KeyEntry,
    Method,
    RandomizationList,
    Slot,
    Stratum,
)
from plugins.randomizations.randomize import minimization_draws, replay_balance
from plugins.randomizations.services import version_in


def _version_shown(design: Design, environment: str) -> DesignVersion:
    """The version randomizing there, else the newest (a list being prepared)."""
    return version_in(design, environment) or design.versions[-1]


def _visible_centers(study: Study) -> list[str]:
    visible = visible_center_ids()
    return [c.code for c in study_centers(study) if visible is None or c.id in visible]


def strata_overview(study: Study, design: Design, environment: str) -> list[dict[str, Any]]:
    """Every stratum of the version at the centers the caller sees: slots used and left
    (with the warning threshold), counts per arm of its standing assignments."""
    version = _version_shown(design, environment)
    config = version.config
    rlist = lists.current_list(design, environment)
    rows: dict[str, Stratum] = {}
    per_arm: dict[str, Counter[str]] = defaultdict(Counter)
    if rlist is not None:
        rows = {
            s.key: s
            for s in db.session.execute(
                sa.select(Stratum).where(Stratum.list_id == rlist.id)
            ).scalars()
        }
        for levels, arm in db.session.execute(
            sa.select(Assignment.levels, Assignment.arm).where(
                Assignment.list_id == rlist.id, Assignment.voided_at.is_(None)
            )
        ):
            if all(f["code"] in levels for f in config["factors"]):
                per_arm[strata.stratum_key(config["factors"], levels)][arm] += 1
    threshold = config.get("warning_threshold", 0)
    overview = []
    for key, levels in strata.keys_of(config, _visible_centers(study)).items():
        stratum = rows.get(key)
        counts = per_arm.get(key, Counter())
        if design.method == Method.MINIMIZATION or rlist is None:
            capacity = remaining = None
            used = sum(counts.values())
        else:
            capacity = lists.capacity(design, version, rlist, stratum)
            used = stratum.used if stratum else 0
            remaining = capacity - used
        overview.append(
            {
                "key": key,
                "levels": levels,
                "number": stratum.number if stratum else None,
                "capacity": capacity,
                "used": used,
                "remaining": remaining,
                "warning": remaining is not None and remaining <= threshold,
                "per_arm": {arm["code"]: counts.get(arm["code"], 0) for arm in config["arms"]},
            }
        )
    return overview


def slots(design: Design, environment: str) -> sa.Select:
    """The current list's slots, stratum by stratum in order, each with whether it is taken."""
    rlist = lists.current_list(design, environment)
    taken = sa.exists().where(Assignment.slot_id == Slot.id)
    return (
        sa.select(
            Slot.sequence,
            Stratum.key.label("stratum"),
            Slot.position,
            Slot.arm,
            Slot.treatment_code,
            Slot.block,
            Slot.block_size,
            DesignVersion.number.label("version"),
            taken.label("taken"),
        )
        .join(Stratum, Stratum.id == Slot.stratum_id)
        .join(DesignVersion, DesignVersion.id == Slot.version_id)
        .where(Slot.list_id == (rlist.id if rlist is not None else None))
        .order_by(Stratum.number, Slot.position)
    )


def _check_blocks(rlist: RandomizationList) -> tuple[int, list[dict[str, Any]]]:
    """Every generated slot against the block the seed gives again."""
    assert rlist.seed is not None
    plan = BlockPlan.from_parameters(rlist.parameters)
    checked, mismatches = 0, []
    generated: dict[tuple[str, int], list[Slot]] = defaultdict(list)
    for stratum_key, slot in db.session.execute(
        sa.select(Stratum.key, Slot)
        .join(Stratum, Stratum.id == Slot.stratum_id)
        .where(Slot.list_id == rlist.id)
        .order_by(Stratum.number, Slot.position)
    ).all():
        generated[stratum_key, slot.block or 0].append(slot)
    for (stratum_key, index), stored in generated.items():
        expected = block(rlist.seed, stratum_key, index, plan)
        checked += len(stored)
        if [slot.arm for slot in stored] != expected:
            mismatches.append(
                {
                    "stratum": stratum_key,
                    "block": index,
                    "stored": [slot.arm for slot in stored],
                    "regenerated": expected,
                }
            )
    return checked, mismatches


def _check_assignments(
    design: Design, rlist: RandomizationList
) -> tuple[int, list[dict[str, Any]]]:
    """Every assignment against its slot (through the key, double-blind)."""
    key = dict(
        db.session.execute(
            sa.select(KeyEntry.treatment_code, KeyEntry.arm).where(KeyEntry.list_id == rlist.id)
        ).all()
    )
    rows = db.session.execute(
        sa.select(Assignment, Slot)
        .join(Slot, Slot.id == Assignment.slot_id)
        .where(Assignment.list_id == rlist.id)
        .order_by(Assignment.id)
    ).all()
    checked, mismatches = 0, []
    for assignment, slot in rows:
        checked += 1
        arm = (
            key.get(slot.treatment_code or "") if design.method == Method.DOUBLE_BLIND else slot.arm
        )
        number = lists.assignment_number(rlist.environment, slot.sequence)
        if (assignment.arm, assignment.number) != (arm, number):
            mismatches.append(
                {
                    "assignment": str(assignment.uuid),
                    "arm": assignment.arm,
                    "number": assignment.number,
                    "slot_arm": arm,
                    "slot_number": number,
                }
            )
    return checked, mismatches


def _replay(rlist: RandomizationList) -> tuple[int, list[dict[str, Any]]]:
    """Every minimization drawn again from the seed, in order, with the assignments that
    counted at the time."""
    assert rlist.seed is not None
    draws = minimization_draws(rlist)
    mismatches = []
    for index, assignment in enumerate(draws):
        rule = Rule.of(assignment.version.config)
        choice = choose(
            rule,
            replay_balance(rule, draws[:index], assignment.created_at),
            assignment.levels,
            SeededStream(rlist.seed, f"assignment:{assignment.sequence}"),
        )
        if choice.arm != assignment.arm or assignment.sequence != index + 1:
            mismatches.append(
                {
                    "assignment": str(assignment.uuid),
                    "sequence": assignment.sequence,
                    "arm": assignment.arm,
                    "replayed": choice.arm,
                }
            )
    return len(draws), mismatches


def verify(design: Design, environment: str) -> dict[str, Any]:
    """Each list of the environment checked against its seed and its assignments."""
    checks = []
    for rlist in db.session.execute(
        sa.select(RandomizationList)
        .where(
            RandomizationList.design_id == design.id,
            RandomizationList.environment == environment,
        )
        .order_by(RandomizationList.number)
    ).scalars():
        slots_checked, mismatches = 0, list[dict[str, Any]]()
        if design.method == Method.BLOCKS:
            slots_checked, mismatches = _check_blocks(rlist)
        if design.method == Method.MINIMIZATION:
            assignments_checked, found = _replay(rlist)
        else:
            assignments_checked, found = _check_assignments(design, rlist)
        checks.append(
            {
                "number": rlist.number,
                "algorithm": rlist.algorithm,
                "seed": rlist.seed,
                "slots_checked": slots_checked,
                "assignments_checked": assignments_checked,
                "mismatches": mismatches + found,
            }
        )
    return {
        "environment": environment,
        "consistent": not any(check["mismatches"] for check in checks),
        "lists": checks,
    }
