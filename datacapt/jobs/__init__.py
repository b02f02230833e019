"""Background jobs: every job names its tenant."""

from datacapt.jobs.queue import enqueue, run_job

__all__ = ["enqueue", "run_job"]
