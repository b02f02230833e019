"""Job functions for the job tests (importable by workers)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from datacapt.database import db
from datacapt.jobs import job
from tests.notes_app import Note


def write_note(text: str) -> str:
    """Does not commit: its note commits with the record of the job's success."""
    db.session.add(Note(text=text))
    return text


@job(retries=2, backoff=())
def crash_once(marker: str, text: str) -> str:
    """The first attempt kills the process running it (SIGKILL), mid-job."""
    path = Path(marker)
    db.session.add(Note(text=text))
    db.session.flush()  # the write is under way when the process dies
    if not path.exists():
        path.write_text("crashed")
        os.kill(os.getpid(), signal.SIGKILL)
    return text


@job(retries=2, backoff=())
def fail_once(marker: str, text: str) -> str:
    path = Path(marker)
    if not path.exists():
        path.write_text("failed")
        raise RuntimeError("first attempt fails")
    db.session.add(Note(text=text))
    return text


@job(retries=0)
def always_fails() -> None:
    raise RuntimeError("this job always fails")


@job(retries=2, backoff=(30, 60), timeout=120)
def slow_declared() -> None:
    """Never run: its declared retry policy is what the test reads."""


def add_center(code: str) -> str:
    from datacapt.studies.models import StudyCenter

    db.session.add(StudyCenter(code=code, name="Added by a job", country="FR"))
    return code


@job(retries=2, backoff=())
def hang_once(marker: str, text: str) -> str:
    """The first attempt writes its process id to ``marker`` and hangs (its worker is then
    killed); a later attempt writes the note."""
    path = Path(marker)
    if not path.exists():
        path.write_text(str(os.getpid()))
        time.sleep(300)
    db.session.add(Note(text=text))
    return text


@job(retries=1, backoff=())
def add_subject_then_fail_once(marker: str, study_uuid: str, center_uuid: str) -> str:
    """Adds a subject through the subjects service; the first attempt then fails."""
    import uuid

    import sqlalchemy as sa

    from datacapt.studies.models import Study
    from plugins.subjects.services import add_subject

    study = db.session.execute(
        sa.select(Study).where(Study.uuid == uuid.UUID(study_uuid))
    ).scalar_one()
    participation = add_subject(study, center_uuid, {"first_name": "Once"})
    path = Path(marker)
    if not path.exists():
        path.write_text("failed")
        raise RuntimeError("fails after adding the subject")
    return participation.study_subject_id


def commit_in_job() -> None:
    """A job that commits itself, which only its runner may do."""
    db.session.add(Note(text="committed by the job itself"))
    db.session.commit()


def write_pid(text: str) -> str:
    """A note naming the process that ran the job."""
    db.session.add(Note(text=f"{text}:{os.getpid()}"))
    return text


def slow_note(seconds: float, text: str) -> str:
    """A job longer than the worker's watch interval."""
    time.sleep(seconds)
    db.session.add(Note(text=text))
    return text
