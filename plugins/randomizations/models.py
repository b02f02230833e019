"""Designs and their versions, the lists of each environment (their seed, strata and slots,
a double-blind list's key), the assignments made from them, emergency unblindings and the
simulations run before approval."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    Message,
    StatusTransitionMixin,
    StudyScopedMixin,
    TenantModel,
    db,
)
from plugins.randomizations.permissions import ARM, PARAMETERS
from plugins.subjects.api import SubjectInStudy

# Users are the core's table: rows point to it by name (the audit trail shows their uuid).
USERS_ID = "users.id"


class Method(enum.StrEnum):
    BLOCKS = "blocks"  # permuted blocks of sizes drawn from a set, per stratum
    MINIMIZATION = "minimization"  # Pocock-Simon
    IMPORTED = "imported"  # a list of arms imported from a file
    DOUBLE_BLIND = "double_blind"  # a list of treatment codes, the code -> arm key apart


IMPORTED_METHODS = frozenset({Method.IMPORTED, Method.DOUBLE_BLIND})


class Environment(enum.StrEnum):
    """Each design has both, fully apart: lists, strata, slots and assignments."""

    TEST = "test"  # training and user acceptance
    PRODUCTION = "production"


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"  # edited freely
    APPROVED = "approved"  # frozen; the test environment uses it
    LIVE = "live"  # production randomizes with it
    RETIRED = "retired"  # a newer version went live


class Design(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """How one randomization of a study assigns arms (a study may have several, such as
    a second randomization later on). Its method never changes; its parameters do, by
    versions."""

    __tablename__ = "randomization_designs"
    __table_args__ = (sa.UniqueConstraint("study_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    method: Mapped[str] = mapped_column(sa.String(20))
    # Open-label designs (False) show the arm to everyone who sees the assignment.
    blinded: Mapped[bool] = mapped_column(default=True)
    versions: Mapped[list[DesignVersion]] = relationship(
        back_populates="design", order_by="DesignVersion.number"
    )


class DesignVersion(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    """A design's parameters (``config``: arms and ratios, factors, the method's settings);
    assignments keep the version they were made under."""

    __tablename__ = "randomization_design_versions"
    __table_args__ = (sa.UniqueConstraint("design_id", "number"),)

    design_id: Mapped[int] = mapped_column(sa.ForeignKey(Design.id), index=True)
    design: Mapped[Design] = relationship(back_populates="versions")
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20), default=VersionStatus.DRAFT)
    config: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Bumped by every save of a draft: its ETag, and what a simulation was run on.
    revision: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str | None] = mapped_column(sa.Text)  # why a version after the first
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(USERS_ID))
    approved_at: Mapped[dt.datetime | None]
    live_at: Mapped[dt.datetime | None]

    audit_sensitive = {PARAMETERS: frozenset({"config"})}
    status_subject = Message("The design version")
    allowed_status_transitions = {
        VersionStatus.DRAFT: {VersionStatus.APPROVED},
        VersionStatus.APPROVED: {VersionStatus.LIVE, VersionStatus.RETIRED},
        VersionStatus.LIVE: {VersionStatus.RETIRED},
    }


class RandomizationList(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """The allocation sequence of a design in one environment. A generated list comes from
    its seed (``secrets``; regenerated and compared on demand); minimization draws from it;
    an imported one has none. A version whose arms, ratios or block sizes differ from the
    current list's starts a new list, with a new seed."""

    __tablename__ = "randomization_lists"
    __table_args__ = (sa.UniqueConstraint("design_id", "environment", "number"),)

    design_id: Mapped[int] = mapped_column(sa.ForeignKey(Design.id), index=True)
    design: Mapped[Design] = relationship()
    environment: Mapped[str] = mapped_column(sa.String(20))
    number: Mapped[int]
    seed: Mapped[str | None] = mapped_column(sa.String(64))  # hex; None: an imported list
    algorithm: Mapped[str] = mapped_column(sa.String(40))
    # What the list was generated for (arms, ratios, block sizes).
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    audit_sensitive = {ARM: frozenset({"seed"}), PARAMETERS: frozenset({"parameters"})}


class Stratum(TenantModel):
    """A combination of factor levels within a list: its row is locked while a slot is
    taken, so randomizations of one stratum queue up and never share a slot."""

    __tablename__ = "randomization_strata"
    __table_args__ = (
        sa.UniqueConstraint("list_id", "key"),
        sa.UniqueConstraint("list_id", "number"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey(RandomizationList.id, ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.Text)
    levels: Mapped[dict[str, str]] = mapped_column(JSONB)
    number: Mapped[int]
    used: Mapped[int] = mapped_column(default=0)
    blocks: Mapped[int] = mapped_column(default=0)  # blocks generated so far


class Slot(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """One place of a stratum's sequence: an arm (generated or imported) or a treatment code
    (double-blind), taken in order of ``position``."""

    __tablename__ = "randomization_slots"
    __table_args__ = (
        sa.UniqueConstraint("stratum_id", "position"),
        sa.UniqueConstraint("list_id", "sequence"),
    )

    list_id: Mapped[int] = mapped_column(sa.ForeignKey(RandomizationList.id), index=True)
    stratum_id: Mapped[int] = mapped_column(sa.ForeignKey(Stratum.id))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey(DesignVersion.id))  # which added it
    position: Mapped[int]
    sequence: Mapped[str] = mapped_column(sa.String(40))  # the randomization number
    arm: Mapped[str | None] = mapped_column(sa.String(20))
    treatment_code: Mapped[str | None] = mapped_column(sa.String(40))
    block: Mapped[int | None]  # generated lists: the block's index in the stratum, its size
    block_size: Mapped[int | None]

    audit_sensitive = {ARM: frozenset({"arm", "block", "block_size"})}


class KeyEntry(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """Which arm a treatment code of a double-blind list stands for."""

    __tablename__ = "randomization_keys"
    __table_args__ = (sa.UniqueConstraint("list_id", "treatment_code"),)

    list_id: Mapped[int] = mapped_column(sa.ForeignKey(RandomizationList.id), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey(DesignVersion.id))
    treatment_code: Mapped[str] = mapped_column(sa.String(40))
    arm: Mapped[str] = mapped_column(sa.String(20))

    audit_sensitive = {ARM: frozenset({"arm"})}


class ListImport(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A file imported into a list (a part of it, or its key): what and how much."""

    __tablename__ = "randomization_list_imports"

    list_id: Mapped[int] = mapped_column(sa.ForeignKey(RandomizationList.id), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey(DesignVersion.id))
    kind: Mapped[str] = mapped_column(sa.String(10))  # "list" or "key"
    file_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    rows: Mapped[int]


class Assignment(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A subject's randomization: final. A mistaken one is voided (with its reason), never
    edited; the slot it took stays taken."""

    __tablename__ = "randomization_assignments"
    __table_args__ = (
        sa.UniqueConstraint("list_id", "number"),
        # One standing assignment per subject, design and environment.
        sa.Index(
            "randomization_assignments_standing",
            "design_id",
            "environment",
            "subject_in_study_id",
            unique=True,
            postgresql_where=sa.text("voided_at IS NULL"),
        ),
    )
    study_center = "participation.center_id"

    design_id: Mapped[int] = mapped_column(sa.ForeignKey(Design.id), index=True)
    design: Mapped[Design] = relationship()
    version_id: Mapped[int] = mapped_column(sa.ForeignKey(DesignVersion.id))
    version: Mapped[DesignVersion] = relationship()
    list_id: Mapped[int] = mapped_column(sa.ForeignKey(RandomizationList.id))
    environment: Mapped[str] = mapped_column(sa.String(20))
    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    slot_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Slot.id), unique=True)
    sequence: Mapped[int | None]  # minimization: its place in the list's draws
    number: Mapped[str] = mapped_column(sa.String(40))  # the randomization number
    arm: Mapped[str] = mapped_column(sa.String(20))
    treatment_code: Mapped[str | None] = mapped_column(sa.String(40))
    # The factor levels it was made with, and the answers they were read from.
    levels: Mapped[dict[str, str]] = mapped_column(JSONB)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Minimization: the draw and the imbalance each arm would have given.
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    voided_at: Mapped[dt.datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(USERS_ID))
    void_reason: Mapped[str | None] = mapped_column(sa.Text)

    audit_sensitive = {ARM: frozenset({"arm", "details"})}

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()


class UnblindingStatus(enum.StrEnum):
    PENDING = "pending"  # waits for a second person's approval
    REVEALED = "revealed"
    REFUSED = "refused"


class Unblinding(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    """An emergency unblinding of one subject: who asked and why, who approved, when the
    arm was revealed to the requester."""

    __tablename__ = "randomization_unblindings"
    study_center = "assignment.participation.center_id"

    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey(Assignment.id), index=True)
    assignment: Mapped[Assignment] = relationship()
    status: Mapped[str] = mapped_column(sa.String(20), default=UnblindingStatus.PENDING)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey(USERS_ID))
    requester_name: Mapped[str] = mapped_column(sa.String(300))  # at the time
    reason: Mapped[str] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(USERS_ID))
    decider_name: Mapped[str | None] = mapped_column(sa.String(300))
    decided_at: Mapped[dt.datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    revealed_at: Mapped[dt.datetime | None]

    status_subject = Message("The unblinding")
    allowed_status_transitions = {
        UnblindingStatus.PENDING: {UnblindingStatus.REVEALED, UnblindingStatus.REFUSED},
    }

    def audit_context(self) -> AuditContext:
        return db.session.get_one(Assignment, self.assignment_id).audit_context()


class SimulationStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Simulation(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """Simulated trials of a version, before its approval: imbalance and predictability.
    Its seed is its own, never a list's."""

    __tablename__ = "randomization_simulations"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey(DesignVersion.id), index=True)
    version: Mapped[DesignVersion] = relationship()
    revision: Mapped[int]  # the version's revision it simulated
    status: Mapped[str] = mapped_column(sa.String(20), default=SimulationStatus.QUEUED)
    trials: Mapped[int]
    subjects: Mapped[int]
    seed: Mapped[str] = mapped_column(sa.String(64))
    # Factor levels' weights in the simulated population ({factor: {level: weight}}).
    population: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    progress: Mapped[int] = mapped_column(default=0)  # trials done
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(USERS_ID))
    finished_at: Mapped[dt.datetime | None]

    audit_sensitive = {PARAMETERS: frozenset({"result"})}


MODELS = [
    Design,
    DesignVersion,
    RandomizationList,
    Stratum,
    Slot,
    KeyEntry,
    ListImport,
    Assignment,
    Unblinding,
    Simulation,
]
