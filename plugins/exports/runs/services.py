"""Runs of exports: requested in the study (what the requester may see fixed then), run by
a job that streams the subjects chunk by chunk into the format's files with its progress
committed as it goes, stored with their SHA-256, downloadable by the requester and holders
of exports.download, removed when their time is over."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import shutil
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Actor,
    Channel,
    DocumentAltered,
    Message,
    Recipient,
    Study,
    StudyCenter,
    acting_as,
    acting_user,
    commit_job_step,
    conflict,
    current_tenant,
    db,
    discard_document,
    document_workspace,
    enqueue,
    get_in_study,
    invalid,
    keep_on_error,
    may_see,
    not_found,
    notify,
    plugin_enabled,
    record_event,
    store_document_file,
    study_permissions,
    utcnow,
    verified_content,
    visible_center_ids,
)
from plugins.exports import messages
from plugins.exports.definitions.models import ExportDefinition
from plugins.exports.errors import ExportsCodes
from plugins.exports.extract import chunks as reading
from plugins.exports.extract.design import Design, load_design
from plugins.exports.formats import WRITERS, Context, FormatProblem
from plugins.exports.permissions import DOWNLOAD
from plugins.exports.runs.models import Export, ExportFile, ExportProgress, ExportState
from plugins.exports.settings import files_kept

log = logging.getLogger(__name__)
NO_EXPORT = Message("No such export.")


# -- who sees a run


def _arm_visible() -> bool:
    """Whether the caller may see the randomization arm (judged now, recorded on the run)."""
    if not plugin_enabled("randomizations"):
        return False
    from plugins.randomizations.api import ARM

    return may_see(ARM)


def _product_visible() -> bool:
    """Whether the caller may see the product behind a blinding code (judged now,
    recorded on the run)."""
    if not plugin_enabled("product_database"):
        return False
    from plugins.product_database.api import PRODUCT

    return may_see(PRODUCT)


def _center_uuids(study: Study, wanted: list[str]) -> list[str] | None:
    """The centers a run covers: those the definition names (none: all) that the caller
    sees; None for every center of the study."""
    visible = visible_center_ids()
    if visible is None:
        return sorted(wanted) if wanted else None
    seen = {
        str(u)
        for u in db.session.execute(
            sa.select(StudyCenter.uuid).where(StudyCenter.id.in_(visible))
        ).scalars()
    }
    return sorted(seen & set(wanted)) if wanted else sorted(seen)


def _visible_to_caller(export: Export) -> bool:
    """The requester's own runs, and for holders of exports.download the others' runs;
    either only if it covers no center the caller does not see now, and with the arm only
    for those who may see it now (a requester moved to other centers loses their runs of
    the centers left)."""
    if (export.arm_visible and not _arm_visible()) or (
        export.product_visible and not _product_visible()
    ):
        return False
    if export.requested_by_id != acting_user().id and DOWNLOAD not in study_permissions():
        return False
    visible = visible_center_ids()
    if visible is None:
        return True
    if export.center_uuids is None:
        return False
    seen = {
        str(u)
        for u in db.session.execute(
            sa.select(StudyCenter.uuid).where(StudyCenter.id.in_(visible))
        ).scalars()
    }
    return set(export.center_uuids) <= seen


def list_exports(study: Study) -> list[Export]:
    """The study's runs the caller may see, newest first."""
    exports = db.session.execute(
        sa.select(Export).where(Export.study_id == study.id).order_by(Export.id.desc())
    ).scalars()
    return [export for export in exports if _visible_to_caller(export)]


def get_export(study: Study, export_uuid: Any) -> Export:
    export = get_in_study(Export, export_uuid, NO_EXPORT, study=study)
    if not _visible_to_caller(export):
        raise not_found(NO_EXPORT)
    return export


# -- asking for a run


def _held_lock(study: Study, lock_uuid: Any) -> Any:
    """The monitoring freeze or lock an export is tied to: in force in the study."""
    if not plugin_enabled("monitoring"):
        raise invalid(
            ExportsCodes.LOCK_NOT_HELD,
            Message("Exports are tied to locks where the monitoring module is enabled."),
            field="lock",
        )
    from plugins.monitoring.api import DataLock, LockStatus

    lock = db.session.execute(
        sa.select(DataLock).where(DataLock.study_id == study.id, DataLock.uuid == lock_uuid)
    ).scalar_one_or_none()
    if lock is None:
        raise not_found(Message("No such lock in the study."))
    if lock.status not in (LockStatus.FROZEN, LockStatus.LOCKED):
        raise conflict(
            ExportsCodes.LOCK_NOT_HELD,
            Message("The lock is released: the data it held may change."),
            field="lock",
            status=lock.status,
        )
    return lock


def _queue(export: Export) -> Export:
    db.session.add(export)
    db.session.flush()
    db.session.add(ExportProgress(export_id=export.id))
    db.session.flush()
    enqueue("plugins.exports.jobs.run_export", str(export.uuid), tenant=current_tenant())
    return export


def request_export(
    study: Study, definition: ExportDefinition, file_format: str, lock_uuid: Any = None
) -> Export:
    """A queued run of the definition, covering what the caller may see now."""
    if lock_uuid is not None:
        _held_lock(study, lock_uuid)
    return _queue(
        Export(
            study_id=study.id,
            definition_id=definition.id,
            settings=definition.settings(),
            format=file_format,
            requested_by_id=acting_user().id,
            center_uuids=_center_uuids(study, definition.centers),
            arm_visible=_arm_visible(),
            product_visible=_product_visible(),
            lock_uuid=lock_uuid,
        )
    )


def request_reproduction(study: Study, original: Export) -> Export:
    """A run of what ``original`` took (its definition then, its centers, its arm), whose
    end tells whether it read the same data."""
    if original.state not in (ExportState.DONE, ExportState.EXPIRED):
        raise conflict(
            ExportsCodes.EXPORT_NOT_DONE, Message("Only a finished export is reproduced.")
        )
    return _queue(
        Export(
            study_id=study.id,
            definition_id=original.definition_id,
            settings=dict(original.settings),
            format=original.format,
            requested_by_id=acting_user().id,
            center_uuids=original.center_uuids,
            arm_visible=original.arm_visible,
            product_visible=original.product_visible,
            lock_uuid=original.lock_uuid,
            reproduces_id=original.id,
        )
    )


# -- the job


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:60] or "export"


def _scope(study: Study, export: Export, design: Design) -> reading.Scope:
    settings = export.settings
    center_ids = None
    if export.center_uuids is not None:
        center_ids = frozenset(
            db.session.execute(
                sa.select(StudyCenter.id).where(StudyCenter.uuid.in_(export.center_uuids))
            ).scalars()
        )
    return reading.Scope(
        study=study,
        center_ids=center_ids,
        statuses=tuple(settings["statuses"]),
        included_from=dt.date.fromisoformat(settings["included_from"])
        if settings["included_from"]
        else None,
        included_to=dt.date.fromisoformat(settings["included_to"])
        if settings["included_to"]
        else None,
        sections=tuple(section.uuid for section in design.sections),
        codes=tuple(item.code for item in design.items),
        extras=frozenset(settings["extras"]),
        arm_visible=export.arm_visible,
        product_visible=export.product_visible,
    )


def _fingerprint(chunk: reading.Chunk) -> bytes:
    """The chunk's data, canonical: what the data hash of a run is made of."""
    return json.dumps(
        [
            [[s.label, s.center, s.status, s.inclusion_date, s.arm] for s in chunk.subjects],
            [chunk.answers.get(s.id, {}) for s in chunk.subjects],
            chunk.audit,
            chunk.queries,
            chunk.verifications,
            chunk.signatures,
            chunk.zone_assessments,
        ],
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    ).encode()


def run_export(export: Export) -> None:
    """The job's run, as its requester's doing; on an error the run fails with the reason
    (nothing of it kept) and the requester is told."""
    export_id, requester = export.id, export.requested_by
    study = db.session.get_one(Study, export.study_id)
    actor = Actor("user", str(requester.uuid), requester.display_name)
    with acting_as(actor):
        try:
            _run(study, export)
        except Exception as error:
            db.session.rollback()
            if isinstance(error, FormatProblem):
                reason = str(error)
            else:
                log.exception("export %s failed", export_id)
                reason = f"An unexpected error stopped the export ({type(error).__name__})."
            export = db.session.get_one(Export, export_id)
            export.state, export.failure, export.finished_at = ExportState.FAILED, reason, utcnow()
            _tell(study, export, messages.EXPORT_FAILED, reason=reason)
            db.session.flush()


def _run(study: Study, export: Export) -> None:
    design = load_design(study, export.settings["sections"], export.settings["questions"])
    scope = _scope(study, export, design)
    head, head_hash, as_of = reading.audit_head(study)
    export.state, export.started_at = ExportState.RUNNING, utcnow()
    export.ecrf_version, export.ecrf_revision = design.ecrf_version, design.ecrf_revision
    export.audit_head, export.audit_head_hash = head, head_hash
    progress = export.progress or ExportProgress(export_id=export.id)
    total = reading.count_subjects(scope)
    progress.steps_total = -(-total // reading.CHUNK) + 1  # the chunks, then the files
    progress.steps_done = progress.rows = 0
    db.session.flush()
    commit_job_step()
    workspace = document_workspace()
    try:
        context = Context(
            study=study,
            directory=workspace,
            prefix=f"{_slug(study.reference)}_{_slug(export.settings['name'])}",
            design=design,
            settings=export.settings,
            arm=export.arm_visible,
            product=export.product_visible,
            extras=tuple(export.settings["extras"]),
            as_of=as_of,
        )
        writer = WRITERS[export.format](context)
        digest = hashlib.sha256()
        for chunk in reading.chunks(scope):
            progress.rows += writer.write(chunk)
            digest.update(_fingerprint(chunk))
            progress.steps_done += 1
            db.session.flush()
            commit_job_step()
        locks = reading.locks(scope)
        digest.update(json.dumps(locks, sort_keys=True, default=str).encode())
        for made in writer.finish(locks):
            stored = store_document_file(made.name, made.content_type, made.path)
            db.session.add(
                ExportFile(
                    export_id=export.id,
                    name=stored.name,
                    content_type=stored.content_type,
                    file_uuid=stored.uuid,
                    sha256=stored.sha256,
                    size=stored.size,
                    rows=made.rows,
                )
            )
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    export.data_sha256 = digest.hexdigest()
    export.changed_while_running = reading.audit_head(study)[0] != head
    if export.reproduces is not None:
        export.identical = export.data_sha256 == export.reproduces.data_sha256
    progress.steps_done = progress.steps_total
    export.state, export.finished_at = ExportState.DONE, utcnow()
    export.expires_at = export.finished_at + files_kept(study)
    db.session.flush()
    _tell(
        study,
        export,
        messages.EXPORT_DONE,
        rows=progress.rows,
        files=len(export.files),
        expires=export.expires_at.isoformat(timespec="minutes"),
    )


def _tell(study: Study, export: Export, template: str, **params: Any) -> None:
    notify(
        template,
        Channel.EMAIL,
        Recipient.of_user(export.requested_by),
        {
            "study": study.reference,
            "format": export.format.upper(),
            "definition": export.settings["name"],
            **params,
        },
        study_id=study.id,
    )


# -- downloads and expiry


def export_file(export: Export, file_uuid: Any) -> ExportFile:
    if export.state == ExportState.EXPIRED:
        raise conflict(
            ExportsCodes.EXPORT_EXPIRED,
            Message("The export's files were removed when its time was over: run it again."),
        )
    if export.state != ExportState.DONE:
        raise conflict(
            ExportsCodes.EXPORT_NOT_DONE, Message("The export is not done."), state=export.state
        )
    for made in export.files:
        if str(made.uuid) == str(file_uuid):
            return made
    raise not_found(Message("The export has no such file."))


def checked_content(made: ExportFile) -> bytes:
    """The stored bytes, audited as downloaded; 409 (the finding audited and kept) when
    they are not the bytes hashed when the file was made."""
    try:
        content = verified_content(made.file_uuid, made.sha256)
    except DocumentAltered as altered:
        record_event("file_altered", made, {"sha256": [made.sha256, altered.actual]})
        keep_on_error()
        raise conflict(
            ExportsCodes.EXPORT_FILE_ALTERED,
            Message("The stored file is not the one the export made: it is not served."),
            sha256=made.sha256,
        ) from None
    record_event("download", made)
    return content


def remove_expired(now: dt.datetime | None = None) -> int:
    """Done runs past their time lose their files (their record and hashes stay); how many."""
    expired = (
        db.session.execute(
            sa.select(Export)
            .where(Export.state == ExportState.DONE, Export.expires_at <= (now or utcnow()))
            .with_for_update(of=Export, skip_locked=True)
        )
        .scalars()
        .all()
    )
    for export in expired:
        for made in export.files:
            if made.file_uuid is not None:
                discard_document(made.file_uuid)
                made.file_uuid = None
        export.state = ExportState.EXPIRED
    db.session.flush()
    return len(expired)
