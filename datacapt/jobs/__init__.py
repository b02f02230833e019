"""Background jobs: every job names its tenant."""

from datacapt.database.unit import commit_job_step
from datacapt.jobs.options import job
from datacapt.jobs.queue import enqueue, run_job

__all__ = ["commit_job_step", "enqueue", "job", "run_job"]
