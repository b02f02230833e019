"""Electronic signatures (21 CFR Part 11): signing a subject's sections and casebooks,
one or many at once, after the signer gives their password again; breaking a signature
when what it signed changes; verifying one against the current data; withdrawal by the
signer; the manifestation shown with every read of signed data.

Signing is set-based: a batch of records costs a handful of statements (subjects, section
versions, answers with their audit heads, one insert of the signatures), not one per
answer. Up to ``IN_REQUEST_LIMIT`` records are signed in the request; more are signed by a
job, in chunks of ``CHUNK``, that records its progress on the signing and skips a record
whose data changed after the request (its section's version moved).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from datacapt.toolkit import (
    Actor,
    Channel,
    DatacaptException,
    ErrorCode,
    InternalCodes,
    Message,
    Recipient,
    Study,
    acting_as,
    acting_user,
    commit_job_step,
    confirm_password,
    conflict,
    current_tenant,
    db,
    enqueue,
    forbidden,
    get_in_study,
    notify,
    one_or_404,
    reason_for_change,
    study_query,
    utcnow,
)
from plugins.ecrf.api import Answer, SectionState, answered, compiled_form, lock_subjects
from plugins.monitoring.errors import MonitoringCodes
from plugins.monitoring.locks.holds import refuse_if_locked
from plugins.monitoring.settings import monitoring_settings
from plugins.monitoring.signatures import snapshots
from plugins.monitoring.signatures.messages import SIGNING_DONE
from plugins.monitoring.signatures.models import (
    Scope,
    Signature,
    SignatureState,
    Signing,
    SigningState,
)
from plugins.monitoring.signatures.snapshots import Record
from plugins.subjects.api import SubjectInStudy

#: Records signed in the request; a signing of more is a job the caller follows.
IN_REQUEST_LIMIT = 50
#: Records a job signs (and commits) at a time.
CHUNK = 100
PURPOSE = "electronic signature"


class Form(Protocol):
    """What signing reads of the study's compiled design (``compiled_form``)."""

    @property
    def section_codes(self) -> Mapping[Any, Sequence[str]]: ...

    @property
    def section_ids(self) -> Mapping[Any, int]: ...

    @property
    def section_of(self) -> Mapping[str, Any]: ...


@dataclasses.dataclass(frozen=True)
class Target:
    """A record to sign: a subject's section, or (section None) casebook, with the
    version of each section it covers as the request saw it."""

    participation: SubjectInStudy
    section: uuid.UUID | None
    versions: Mapping[str, int]

    @property
    def key(self) -> tuple[str, str | None]:
        return str(self.participation.uuid), str(self.section) if self.section else None

    def stored(self) -> dict[str, Any]:
        subject, section = self.key
        return {"subject": subject, "section": section, "versions": dict(self.versions)}


@dataclasses.dataclass(frozen=True)
class Signed:
    signing: Signing
    signatures: list[Signature]


# Signing


def sign(study: Study, targets: Sequence[Mapping[str, Any]], meaning: str, password: str) -> Signed:
    """Sign these records as the caller, meaning ``meaning``, under the study's
    declaration: refused (nothing written) for a record the caller may not see (404), one
    with nothing entered or that the caller already signed with this meaning (409); then
    the password, whose failure is kept; then signed here or, past ``IN_REQUEST_LIMIT``
    records, by a job."""
    user, form = acting_user(), compiled_form(study)
    resolved = _resolve(study, form, targets)
    # Before anything is written (the password's confirmation is): a save or a lock of
    # these subjects commits first, or waits for the signatures and then sees them.
    lock_subjects(t.participation.id for t in resolved)
    # Locked data is not signed. Over several subjects and sections, a subject's lock of
    # one of them refuses the whole signing: never too little.
    refuse_if_locked(
        [target.participation for target in resolved],
        {uuid.UUID(section) for target in resolved for section in target.versions},
    )
    _refuse_unsignable(form, resolved, user.id, meaning)
    confirm_password(user, password, PURPOSE)
    signing = Signing(
        study_id=study.id,
        signer=user,
        printed_name=user.display_name,
        meaning=meaning,
        declaration=monitoring_settings(study)["signature_declaration"],
        targets=[target.stored() for target in resolved],
        total=len(resolved),
        skipped=[],
    )
    db.session.add(signing)
    db.session.flush()
    if len(resolved) > IN_REQUEST_LIMIT:
        enqueue(
            "plugins.monitoring.signatures.jobs.run_signing",
            str(signing.uuid),
            tenant=current_tenant(),
        )
        return Signed(signing, [])
    signatures = sign_targets(study, form, signing, resolved)
    signing.state, signing.finished_at = SigningState.DONE, utcnow()
    db.session.flush()
    return Signed(signing, signatures)


def _not_found(message: Message, **details: Any) -> DatacaptException:
    return DatacaptException(
        ErrorCode.NOT_FOUND, InternalCodes.OBJECT_NOT_FOUND, message, details=details
    )


def _resolve(study: Study, form: Form, targets: Sequence[Mapping[str, Any]]) -> list[Target]:
    """The records as the caller may see them (404 naming those they may not, as for
    those that do not exist), each with the versions of its sections now."""
    wanted = {target["subject"] for target in targets}
    participations = {
        p.uuid: p
        for p in db.session.execute(
            study_query(SubjectInStudy, study).where(SubjectInStudy.uuid.in_(wanted))
        ).scalars()
    }
    if missing := wanted - participations.keys():
        raise _not_found(Message("No such subject."), subjects=sorted(map(str, missing)))
    sections = {t["section"] for t in targets if t["section"] is not None}
    if unknown := sections - form.section_codes.keys():
        raise _not_found(Message("No such section."), sections=sorted(map(str, unknown)))
    versions = _versions([p.id for p in participations.values()])
    section_ids = form.section_ids
    resolved = []
    for target in targets:
        participation = participations[target["subject"]]
        covered = [target["section"]] if target["section"] else list(form.section_codes)
        resolved.append(
            Target(
                participation,
                target["section"],
                {str(s): versions.get((participation.id, section_ids[s]), 0) for s in covered},
            )
        )
    return resolved


def _versions(participation_ids: Collection[int]) -> dict[tuple[int, int], int]:
    """The data-entry version of each (subject, section) that has one: for a section filled
    once per zone, the sum of its zones' (each save of a zone adds one)."""
    rows = db.session.execute(
        sa.select(
            SectionState.subject_in_study_id,
            SectionState.section_id,
            sa.cast(sa.func.sum(SectionState.version), sa.BigInteger),
        )
        .where(SectionState.subject_in_study_id.in_(list(participation_ids)))
        .group_by(SectionState.subject_in_study_id, SectionState.section_id)
    )
    return {(subject, section): version for subject, section, version in rows}


def _refuse_unsignable(form: Form, targets: Sequence[Target], signer_id: int, meaning: str) -> None:
    """409 SIGNATURE_REFUSED listing each record with nothing entered, or that this signer
    already signed with this meaning (a valid signature)."""
    ids = {t.participation.id for t in targets}
    entered: dict[int, set[str]] = {pid: set() for pid in ids}
    for pid, code in db.session.execute(
        sa.select(Answer.subject_in_study_id, Answer.code).where(
            Answer.subject_in_study_id.in_(ids), answered(Answer.value)
        )
    ):
        entered[pid].add(code)
    already = _signed_records(
        Signature.subject_in_study_id.in_(ids),
        Signature.signer_id == signer_id,
        Signature.meaning == meaning,
        Signature.state == SignatureState.VALID,
    )
    refused = []
    for target in targets:
        pid = target.participation.id
        codes = (
            entered[pid] & set(form.section_codes[target.section])
            if target.section
            else entered[pid]
        )
        if (pid, target.section) in already:
            reason = "already_signed"
        elif not codes:
            reason = "nothing_to_sign"
        else:
            continue
        subject, section = target.key
        refused.append({"subject": subject, "section": section, "reason": reason})
    if refused:
        raise conflict(
            MonitoringCodes.SIGNATURE_REFUSED,
            Message(
                "Some records cannot be signed: nothing is entered there, or you signed"
                " them already with this meaning."
            ),
            targets=refused,
        )


def _signed_records(*criteria: sa.ColumnElement[bool]) -> set[tuple[int, uuid.UUID | None]]:
    """The (subject id, section uuid or None for a casebook) of the signatures matching."""
    rows = db.session.execute(
        sa.select(Signature.subject_in_study_id, Signature.section_uuid).where(*criteria)
    )
    return {(pid, section) for pid, section in rows}


def sign_targets(
    study: Study, form: Form, signing: Signing, targets: Sequence[Target]
) -> list[Signature]:
    """Sign the records of ``signing`` as they are now, set-based; a record whose sections
    moved past the versions asked for is skipped (listed on the signing), one this signing
    signed already (a job run again) is left."""
    ids = sorted({t.participation.id for t in targets})
    lock_subjects(ids)  # a job's chunk (the request took them already)
    versions = _versions(ids)
    done = _signed_records(
        Signature.signing_id == signing.id, Signature.subject_in_study_id.in_(ids)
    )
    skipped_keys = {(s["subject"], s["section"]) for s in signing.skipped}
    fresh, skipped = [], []
    for target in targets:
        if (target.participation.id, target.section) in done:
            continue
        if not _moved(target, form.section_ids, versions):
            fresh.append(target)
        elif target.key not in skipped_keys:
            subject, section = target.key
            skipped.append({"subject": subject, "section": section, "reason": "changed"})
    answers = snapshots.answers_with_heads({t.participation.id for t in fresh})
    tenant, now = current_tenant().uuid, utcnow()
    signatures = []
    for target in fresh:
        signature = Signature(
            study_id=study.id,
            signing_id=signing.id,
            participation=target.participation,
            scope=Scope.SECTION if target.section else Scope.CASEBOOK,
            section_uuid=target.section,
            signer=signing.signer,
            printed_name=signing.printed_name,
            signed_at=now,
            meaning=signing.meaning,
            declaration=signing.declaration,
            state=SignatureState.VALID,
        )
        record = Record(tenant, study.uuid, target.participation.uuid, target.section)
        codes = form.section_codes[target.section] if target.section else None
        content = snapshots.snapshot(
            record,
            signature,
            snapshots.covered(answers[target.participation.id], codes, snapshots.SNAPSHOT_FORMAT),
        )
        signature.snapshot, signature.hash = content, snapshots.snapshot_hash(content)
        signatures.append(signature)
    db.session.add_all(signatures)
    if skipped:
        signing.skipped = [*signing.skipped, *skipped]
    signing.signed += len(signatures)
    db.session.flush()
    return signatures


def _moved(
    target: Target, section_ids: Mapping[Any, int], versions: Mapping[tuple[int, int], int]
) -> bool:
    """Whether a section the target covers changed since the request (or left the design)."""
    for section, version in target.versions.items():
        section_id = section_ids.get(uuid.UUID(section))
        if section_id is None or versions.get((target.participation.id, section_id), 0) != version:
            return True
    return False


def _stored_targets(study: Study, stored: Sequence[Mapping[str, Any]]) -> list[Target]:
    """A signing's targets again (the request checked who may see them)."""
    subjects = {uuid.UUID(t["subject"]) for t in stored}
    participations = {
        p.uuid: p
        for p in db.session.execute(
            sa.select(SubjectInStudy).where(
                SubjectInStudy.study_id == study.id, SubjectInStudy.uuid.in_(subjects)
            )
        ).scalars()
    }
    return [
        Target(
            participations[uuid.UUID(t["subject"])],
            uuid.UUID(t["section"]) if t["section"] else None,
            t["versions"],
        )
        for t in stored
    ]


def run_signing(signing: Signing) -> int:
    """A job's signing: its records, ``CHUNK`` at a time, each chunk committed with the
    signing's progress, audited as the signer's doing; the signer is emailed when done.
    On an error the signing shows failed until the job's retry takes it up again."""
    signing_id, study = signing.id, db.session.get_one(Study, signing.study_id)
    form = compiled_form(study)
    signer = Actor("user", str(signing.signer.uuid), signing.printed_name)
    try:
        with acting_as(signer):
            signing.state = SigningState.RUNNING
            db.session.flush()
            commit_job_step()
            skipped = {(s["subject"], s["section"]) for s in signing.skipped}
            waiting = [t for t in signing.targets if (t["subject"], t["section"]) not in skipped]
            for start in range(0, len(waiting), CHUNK):
                chunk = _stored_targets(study, waiting[start : start + CHUNK])
                sign_targets(study, form, signing, chunk)
                commit_job_step()
            signing.state, signing.finished_at = SigningState.DONE, utcnow()
            notify(
                SIGNING_DONE,
                Channel.EMAIL,
                Recipient.of_user(signing.signer),
                {
                    "study": study.reference,
                    "signed": signing.signed,
                    "skipped": len(signing.skipped),
                },
                study_id=study.id,
            )
            db.session.flush()
            return signing.signed
    except Exception:
        # What the failed chunk wrote goes; the chunks committed before stay signed.
        db.session.rollback()
        with acting_as(signer):
            db.session.get_one(Signing, signing_id).state = SigningState.FAILED
            commit_job_step()
        raise


def get_signing(study: Study, signing_uuid: Any) -> Signing:
    """The caller's own signing (its skipped records may lie at centers others do not
    see): another's is absent, as one that does not exist."""
    return one_or_404(
        study_query(Signing, study).where(
            Signing.uuid == signing_uuid, Signing.signer_id == acting_user().id
        ),
        Message("No such signing."),
    )


# Signatures broken, read, verified, withdrawn


def break_signatures(participation: SubjectInStudy, sections: Collection[Any]) -> None:
    """A save changed answers of these sections: the subject's valid signatures covering
    them (their section's, and the casebook's) are broken, now, audited with the save's
    reason (the save took the subject's lock before writing: ``lock_subjects``)."""
    broken = db.session.execute(
        sa.select(Signature).where(
            Signature.subject_in_study_id == participation.id,
            Signature.state == SignatureState.VALID,
            sa.or_(Signature.scope == Scope.CASEBOOK, Signature.section_uuid.in_(list(sections))),
        )
    ).scalars()
    now = utcnow()
    for signature in broken:
        signature.state, signature.broken_at = SignatureState.BROKEN, now
    db.session.flush()


def section_signatures(participation: SubjectInStudy, section_uuid: Any) -> list[Signature]:
    """The valid signatures covering a subject's section: its own and the casebook's."""
    return list(
        db.session.execute(
            sa.select(Signature)
            .where(
                Signature.subject_in_study_id == participation.id,
                Signature.state == SignatureState.VALID,
                sa.or_(Signature.scope == Scope.CASEBOOK, Signature.section_uuid == section_uuid),
            )
            .order_by(Signature.signed_at, Signature.id)
        ).scalars()
    )


def list_signatures(
    study: Study,
    subject: Any = None,
    state: str | None = None,
    signer: Any = None,
    signing: Any = None,
) -> sa.Select:
    """The study's signatures at the centers the caller sees, the latest first."""
    statement = study_query(Signature, study).options(
        joinedload(Signature.participation), joinedload(Signature.signing)
    )
    if subject is not None:
        statement = statement.where(Signature.participation.has(SubjectInStudy.uuid == subject))
    if state:
        statement = statement.where(Signature.state == state)
    if signer is not None:
        statement = statement.where(Signature.signer.has(uuid=signer))
    if signing is not None:
        statement = statement.where(Signature.signing.has(Signing.uuid == signing))
    return statement.order_by(Signature.signed_at.desc(), Signature.id.desc())


def get_signature(study: Study, signature_uuid: Any) -> Signature:
    return get_in_study(Signature, signature_uuid, Message("No such signature."), study=study)


@dataclasses.dataclass(frozen=True)
class Check:
    """A signature recomputed from the current data of its record; it reads as the
    signature too (its uuid, state, hash...), with what changed since."""

    signature: Signature
    computed_hash: str
    changes: list[dict[str, Any]]

    def __getattr__(self, name: str) -> Any:
        if name == "signature":  # not set yet (a copy being built): no recursion
            raise AttributeError(name)
        return getattr(self.signature, name)

    @property
    def holds(self) -> bool:
        return self.computed_hash == self.signature.hash

    @property
    def snapshot_intact(self) -> bool:
        return snapshots.snapshot_hash(self.signature.snapshot) == self.signature.hash


def check(study: Study, signature: Signature) -> Check:
    """Recompute the signature's snapshot from its own record's data now (its tenant,
    study, subject and section, their answers and audit heads) and what differs from what
    was signed."""
    form = compiled_form(study)
    section = signature.section_uuid
    codes = form.section_codes.get(section, []) if section else None
    # Recomputed in the format it was signed in: a format 1 signature covers plain answers.
    snapshot_format = signature.snapshot.get("format", snapshots.PLAIN_ONLY_FORMAT)
    now = snapshots.covered(
        snapshots.answers_with_heads([signature.subject_in_study_id])[
            signature.subject_in_study_id
        ],
        codes,
        snapshot_format,
    )
    record = Record(
        current_tenant().uuid,
        study.uuid,
        signature.participation.uuid,
        section,
    )
    computed = snapshots.snapshot_hash(snapshots.snapshot(record, signature, now, snapshot_format))
    changes = snapshots.changes_since(signature.snapshot, now, form.section_of)
    return Check(signature, computed, changes)


def _withdrawn(signature: Signature) -> DatacaptException:
    withdrawn_at = signature.withdrawn_at
    return conflict(
        MonitoringCodes.SIGNATURE_WITHDRAWN,
        Message("This signature was withdrawn already."),
        withdrawn_at=withdrawn_at.isoformat() if withdrawn_at else None,
    )


def withdraw(study: Study, signature: Signature, reason: str) -> Signature:
    """Only the signer withdraws their signature (403 for anyone else, whatever their
    role), once (409), not over locked data, with a reason kept on it and in its audit
    record."""
    if signature.signer_id != acting_user().id:
        raise forbidden(
            MonitoringCodes.SIGNATURE_NOT_SIGNERS,
            Message("Only the signer may withdraw a signature."),
        )
    participation = db.session.get_one(SubjectInStudy, signature.subject_in_study_id)
    sections = (
        [signature.section_uuid] if signature.section_uuid else compiled_form(study).section_codes
    )
    lock_subjects([signature.subject_in_study_id])  # before writing (a save may break it)
    refuse_if_locked([participation], list(sections))
    db.session.refresh(signature)  # as it is once the lock is ours
    if signature.state == SignatureState.WITHDRAWN:
        raise _withdrawn(signature)
    with reason_for_change(reason):
        signature.state = SignatureState.WITHDRAWN
        signature.withdrawn_at, signature.withdrawal_reason = utcnow(), reason
        db.session.flush()
    return signature


# For freeze and lock (the study setting signatures_before_lock)


def unsigned(
    study: Study,
    participation_ids: Collection[int],
    section_ids: Collection[int] | None = None,
    instance: str | None = None,
) -> list[tuple[int, int]]:
    """The (subject id, section id) pairs of these subjects, in these sections (None: every
    section of the design), that hold answers (of that zone, with ``instance``) and that no
    valid signature covers (neither one of that section nor one of the subject's
    casebook), in order: empty when all that would be locked is signed. A section with
    nothing entered needs no signature."""
    form = compiled_form(study)
    wanted = set(form.section_ids.values()) if section_ids is None else set(section_ids)
    section_of = {code: form.section_ids[s] for code, s in form.section_of.items()}
    entered = {
        (pid, section_of[code])
        for pid, code in db.session.execute(
            sa.select(Answer.subject_in_study_id, Answer.code).where(
                Answer.subject_in_study_id.in_(list(participation_ids)),
                answered(Answer.value),
                *([] if instance is None else [Answer.instance == instance]),
            )
        )
        if code in section_of and section_of[code] in wanted
    }
    signed = _signed_records(
        Signature.subject_in_study_id.in_(list(participation_ids)),
        Signature.state == SignatureState.VALID,
    )
    covered = {(pid, form.section_ids.get(section) if section else None) for pid, section in signed}
    return sorted(
        (pid, sid)
        for pid, sid in entered
        if (pid, sid) not in covered and (pid, None) not in covered
    )
