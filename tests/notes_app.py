"""A small tenant resource used to test the kernel: isolation, building blocks, errors."""

from __future__ import annotations

from pathlib import Path

import marshmallow as ma
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from datacapt.api.blueprint import Blueprint
from datacapt.api.pagination import paginate
from datacapt.api.views import ApiView
from datacapt.database import BaseModel, SoftDeleteMixin, StatusTransitionMixin, TenantModel, db
from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.errors.codes import HTTP_DEFAULT_INTERNAL_CODES
from datacapt.migrating import Lineage

NOTES_LINEAGE = Lineage(
    "notes", Path(__file__).parent / "lineages" / "notes", version_table="alembic_version_notes"
)


class Note(TenantModel, BaseModel, SoftDeleteMixin, StatusTransitionMixin):
    __tablename__ = "notes"

    text: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")

    allowed_status_transitions = {"draft": {"final"}, "final": {"archived"}}


class NoteSchema(ma.Schema):
    uuid = ma.fields.UUID(dump_only=True)
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    status = ma.fields.String(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class NoteUpdateSchema(ma.Schema):
    status = ma.fields.String(required=True)


blp = Blueprint("notes", __name__, url_prefix="/api/notes")


def get_note(note_uuid, include_deleted: bool = False) -> Note:
    note = db.session.execute(
        sa.select(Note)
        .where(Note.uuid == note_uuid)
        .execution_options(include_deleted=include_deleted)
    ).scalar_one_or_none()
    if note is None:
        raise DatacaptException(ErrorCode.NOT_FOUND, InternalCodes.OBJECT_NOT_FOUND)
    return note


class NotesView(ApiView):
    PUBLIC = True  # the kernel's tests call it without logging in


@blp.route("/")
class Notes(NotesView):
    @blp.response(200, NoteSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        return paginate(sa.select(Note).order_by(Note.id), pagination_parameters)

    @blp.arguments(NoteSchema)
    @blp.response(201, NoteSchema)
    def post(self, data):
        note = Note(text=data["text"])
        db.session.add(note)
        db.session.flush()
        return note


@blp.route("/<uuid:note_uuid>")
class NoteDetail(NotesView):
    @blp.response(200, NoteSchema)
    def get(self, note_uuid):
        return get_note(note_uuid)

    @blp.arguments(NoteUpdateSchema)
    @blp.errors(409)
    @blp.response(200, NoteSchema)
    def patch(self, data, note_uuid):
        note = get_note(note_uuid)
        note.transition_to(data["status"])
        db.session.flush()
        return note

    @blp.response(204)
    def delete(self, note_uuid):
        get_note(note_uuid).soft_delete()
        db.session.flush()


@blp.route("/<uuid:note_uuid>/restore")
class RestoreNote(NotesView):
    @blp.response(200, NoteSchema)
    def post(self, note_uuid):
        note = get_note(note_uuid, include_deleted=True)
        note.restore()
        db.session.flush()
        return note


@blp.route("/fail-after-write")
class FailAfterWrite(NotesView):
    @blp.response(200, NoteSchema)
    def post(self):
        """Writes, flushes, then fails: nothing of it may remain."""
        db.session.add(Note(text="half-written"))
        db.session.flush()
        raise RuntimeError("secret internal detail")


@blp.route("/commit-in-view")
class CommitInView(NotesView):
    @blp.response(200, NoteSchema)
    def post(self):
        """Commits by itself, which only the request's unit of work may do."""
        note = Note(text="committed by the view itself")
        db.session.add(note)
        db.session.commit()
        return note


@blp.route("/raise/<int:status>")
class RaiseStatus(NotesView):
    @blp.errors(401, 403, 409)
    @blp.response(200, NoteSchema)
    def get(self, status: int):
        """Answers the error of ``status``."""
        code = ErrorCode(status)
        raise DatacaptException(code, HTTP_DEFAULT_INTERNAL_CODES[code])
