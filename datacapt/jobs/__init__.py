"""Background jobs: every job names its tenant."""

from datacapt.jobs.options import job
from datacapt.jobs.queue import enqueue, run_job

__all__ = ["enqueue", "job", "run_job"]
