"""The lists of a design's environments: which list a version draws from (a new one, with
a new seed, when its arms, ratios or block sizes change), its strata (each row locked while
one of its slots is taken) and their slots, generated block by block as they are needed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Message, conflict, db
from plugins.randomizations.errors import RandomizationCodes
from plugins.randomizations.methods.blocks import BlockPlan, block
from plugins.randomizations.methods.stream import ALGORITHM, new_seed
from plugins.randomizations.models import (
    IMPORTED_METHODS,
    Assignment,
    Design,
    DesignVersion,
    Environment,
    Method,
    RandomizationList,
    Slot,
    Stratum,
)

IMPORTED_ALGORITHM = "imported"
TEST_PREFIX = "T-"  # test numbers never look like production ones


def current_list(design: Design, environment: str) -> RandomizationList | None:
    return db.session.execute(
        sa.select(RandomizationList)
        .where(
            RandomizationList.design_id == design.id,
            RandomizationList.environment == environment,
        )
        .order_by(RandomizationList.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def _parameters(design: Design, config: Mapping[str, Any]) -> dict[str, Any]:
    """What a generated list is made for; minimization keeps one list (its draws) whatever
    the versions change."""
    return BlockPlan.of(config).parameters() if design.method == Method.BLOCKS else {}


def _new_list(design: Design, environment: str, parameters: dict[str, Any]) -> RandomizationList:
    current = current_list(design, environment)
    imported = design.method in IMPORTED_METHODS
    created = RandomizationList(
        study_id=design.study_id,
        design_id=design.id,
        environment=environment,
        number=current.number + 1 if current else 1,
        seed=None if imported else new_seed(),
        algorithm=IMPORTED_ALGORITHM if imported else ALGORITHM,
        parameters=parameters,
    )
    db.session.add(created)
    db.session.flush()
    return created


def create_imported_lists(design: Design) -> None:
    """An imported design's two lists, empty until parts are imported into them."""
    for environment in Environment:
        _new_list(design, environment, {})


def prepare_list(design: Design, version: DesignVersion, environment: str) -> RandomizationList:
    """The list ``version`` draws from in ``environment`` (at its approval for the test
    environment, as it goes live for production): the current one, or a new one with a
    new seed (written to the audit trail) when there is none or it was made for other
    parameters."""
    current = current_list(design, environment)
    if design.method in IMPORTED_METHODS and current is not None:
        return current
    parameters = _parameters(design, version.config)
    if current is not None and current.parameters == parameters:
        return current
    return _new_list(design, environment, parameters)


def lock_list(rlist: RandomizationList) -> None:
    """Hold the list until the transaction ends: its draws (minimization) and new strata
    are made one at a time."""
    db.session.execute(
        sa.select(RandomizationList.id).where(RandomizationList.id == rlist.id).with_for_update()
    )


def _find_stratum(rlist: RandomizationList, key: str) -> Stratum | None:
    return db.session.execute(
        sa.select(Stratum)
        .where(Stratum.list_id == rlist.id, Stratum.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def locked_stratum(rlist: RandomizationList, key: str, levels: Mapping[str, str]) -> Stratum:
    """The stratum's row, locked until the transaction ends (created, and numbered in its
    list, the first time)."""
    stratum = _find_stratum(rlist, key)
    if stratum is not None:
        return stratum
    lock_list(rlist)
    stratum = _find_stratum(rlist, key)  # made while we waited for the list
    if stratum is None:
        number = db.session.execute(
            sa.select(sa.func.coalesce(sa.func.max(Stratum.number), 0) + 1).where(
                Stratum.list_id == rlist.id
            )
        ).scalar_one()
        stratum = Stratum(list_id=rlist.id, key=key, levels=dict(levels), number=number)
        db.session.add(stratum)
        db.session.flush()
    return stratum


def slot_number(rlist: RandomizationList, stratum: Stratum, position: int) -> str:
    """A generated slot's randomization number: its stratum and place (``S03-0007``),
    after its list's number from the second list on (``L2-S03-0007``)."""
    prefix = f"L{rlist.number}-" if rlist.number > 1 else ""
    return f"{prefix}S{stratum.number:02d}-{position:04d}"


def assignment_number(environment: str, number: str) -> str:
    """What a subject's randomization number reads: ``T-`` first in the test environment."""
    return f"{TEST_PREFIX}{number}" if environment == Environment.TEST else number


def _last_position(stratum: Stratum) -> int:
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.max(Slot.position), 0)).where(
            Slot.stratum_id == stratum.id
        )
    ).scalar_one()


def generate_block(rlist: RandomizationList, stratum: Stratum, version: DesignVersion) -> None:
    """The stratum's next block, from the list's seed."""
    assert rlist.seed is not None  # generated lists have one
    arms = block(rlist.seed, stratum.key, stratum.blocks, BlockPlan.of(version.config))
    start = _last_position(stratum)
    for offset, arm in enumerate(arms, start=1):
        db.session.add(
            Slot(
                study_id=rlist.study_id,
                list_id=rlist.id,
                stratum_id=stratum.id,
                version_id=version.id,
                position=start + offset,
                sequence=slot_number(rlist, stratum, start + offset),
                arm=arm,
                block=stratum.blocks,
                block_size=len(arms),
            )
        )
    stratum.blocks += 1
    db.session.flush()


def _usable_since(environment: str) -> sa.SQLColumnExpression[Any]:
    """When a list part's version began to count: its approval for the test environment,
    its going live for production."""
    return (
        DesignVersion.live_at
        if environment == Environment.PRODUCTION
        else DesignVersion.approved_at
    )


def capacity(
    design: Design, version: DesignVersion, rlist: RandomizationList, stratum: Stratum | None
) -> int:
    """How many slots a stratum has: the version's for generated lists, what the parts of
    an imported list whose versions count give it."""
    if design.method == Method.BLOCKS:
        return int(version.config["capacity"])
    if stratum is None:
        return 0
    return db.session.execute(
        sa.select(sa.func.count(Slot.id))
        .join(DesignVersion, DesignVersion.id == Slot.version_id)
        .where(Slot.stratum_id == stratum.id, _usable_since(rlist.environment).is_not(None))
    ).scalar_one()


def _next_slot(design: Design, rlist: RandomizationList, stratum: Stratum) -> Slot | None:
    """A generated list's slot after the last taken; an imported list's first slot not
    taken of a part that counts (a part of a version that never went live is skipped)."""
    if design.method == Method.BLOCKS:
        return db.session.execute(
            sa.select(Slot).where(Slot.stratum_id == stratum.id, Slot.position == stratum.used + 1)
        ).scalar_one_or_none()
    return db.session.execute(
        sa.select(Slot)
        .join(DesignVersion, DesignVersion.id == Slot.version_id)
        .where(
            Slot.stratum_id == stratum.id,
            _usable_since(rlist.environment).is_not(None),
            ~sa.exists().where(Assignment.slot_id == Slot.id),
        )
        .order_by(Slot.position)
        .limit(1)
    ).scalar_one_or_none()


def take_slot(
    design: Design, version: DesignVersion, rlist: RandomizationList, stratum: Stratum
) -> Slot:
    """The stratum's next slot (its row is locked): 409 when the list has none left."""
    slot = None
    if stratum.used < capacity(design, version, rlist, stratum):
        if design.method == Method.BLOCKS and stratum.used + 1 > _last_position(stratum):
            generate_block(rlist, stratum, version)
        slot = _next_slot(design, rlist, stratum)
    if slot is None:
        raise conflict(
            RandomizationCodes.RANDOMIZATION_LIST_EXHAUSTED,
            Message(
                "The list has no slot left in stratum {stratum}: a new version of the design"
                " must add some.",
                stratum=stratum.key or "-",
            ),
            stratum=stratum.key,
            environment=rlist.environment,
            used=stratum.used,
        )
    stratum.used += 1
    return slot
