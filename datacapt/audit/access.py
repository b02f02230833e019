"""Who may read which audit records, and what of them: the one place records leave by.

A caller reads the records of the studies they belong to whose study role grants the read
permission (at the centers they see, plus the study's records of no center), and the
tenant's own records (no study) only with that permission in their platform role. An API
key reads the studies it reaches with its own permissions, and the tenant's records only
when it reaches every study. Sensitive fields (personal
data, later blinded values) are redacted unless the caller holds, where the record
belongs, the permission the record names for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from datacapt.audit.models import AuditRecord
from datacapt.audit.recorder import REDACTED
from datacapt.database import db
from datacapt.errors import InternalCodes, forbidden
from datacapt.i18n import Message
from datacapt.identity.principal import Principal
from datacapt.studies.context import caller_memberships
from datacapt.studies.models import StudyCenter, study_user_centers

# What a reader sees of a record, in this order (the CSV export's columns).
PUBLIC_FIELDS = (
    "sequence",
    "created_at",
    "actor_type",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "study_id",
    "center_id",
    "subject_id",
    "section_id",
    "question",
    "changes",
    "reason",
    "request_id",
    "client_ip",
    "hash",
)


@dataclass(frozen=True)
class StudyAccess:
    permissions: frozenset[str]
    centers: frozenset[str] | None = None  # center uuids; None: all of the study's


@dataclass(frozen=True)
class AuditReader:
    """One caller's reach into the trail for one permission (read or export)."""

    permission: str
    platform: frozenset[str]
    studies: Mapping[str, StudyAccess]

    def readable(self) -> dict[str, StudyAccess]:
        return {s: a for s, a in self.studies.items() if self.permission in a.permissions}

    def condition(self) -> sa.ColumnElement[bool]:
        """The records this caller may read, as a WHERE clause; 403 when there are none."""
        clauses: list[sa.ColumnElement[bool]] = []
        if self.permission in self.platform:
            clauses.append(AuditRecord.study_id.is_(None))
        readable = self.readable()
        everywhere = sorted(s for s, a in readable.items() if a.centers is None)
        if everywhere:
            clauses.append(AuditRecord.study_id.in_(everywhere))
        for study, access in sorted(readable.items()):
            if access.centers is not None:
                clauses.append(
                    sa.and_(
                        AuditRecord.study_id == study,
                        sa.or_(
                            AuditRecord.center_id.is_(None),
                            AuditRecord.center_id.in_(sorted(access.centers)),
                        ),
                    )
                )
        if not clauses:
            raise forbidden(permission=self.permission)
        return sa.or_(*clauses)

    def check_study(self, study: str) -> None:
        """A filter on one study: the caller must be able to read it."""
        if study not in self.studies:
            raise forbidden(
                InternalCodes.USER_DOES_NOT_BELONG_TO_STUDY,
                Message("You do not belong to this study."),
            )
        if study not in self.readable():
            raise forbidden(permission=self.permission)

    def present(self, record: AuditRecord) -> dict[str, Any]:
        """The record as it leaves: its public fields, sensitive values redacted."""
        shown = {name: getattr(record, name) for name in PUBLIC_FIELDS}
        if record.sensitive:
            access = self.studies.get(record.study_id) if record.study_id else None
            granted = access.permissions if access else self.platform
            hidden = {
                field
                for permission, fields in record.sensitive.items()
                if permission not in granted
                for field in fields
            }
            shown["changes"] = {
                name: [REDACTED, REDACTED] if name in hidden else values
                for name, values in record.changes.items()
            }
        return shown


def reader_for(principal: Principal, permission: str) -> AuditReader:
    """What ``principal`` may read of the trail with ``permission``."""
    # Deleted studies stay in reach: their trail is evidence like any other.
    memberships = caller_memberships(principal, include_deleted=True)
    restricted = [row.member_id for row in memberships if not row.all_centers]
    centers: dict[int, set[str]] = {member: set() for member in restricted}
    if restricted:
        for member, center in db.session.execute(
            sa.select(study_user_centers.c.study_user_id, StudyCenter.uuid)
            .join(StudyCenter, StudyCenter.id == study_user_centers.c.center_id)
            .where(study_user_centers.c.study_user_id.in_(restricted))
        ):
            centers[member].add(str(center))
    studies = {
        str(row.study_uuid): StudyAccess(
            row.granted, None if row.all_centers else frozenset(centers[row.member_id])
        )
        for row in memberships
    }
    # A key limited to some studies reads no tenant-level record.
    platform = principal.platform_permissions if principal.study_scope is None else frozenset()
    return AuditReader(permission, platform, studies)
