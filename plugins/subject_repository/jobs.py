"""The retention rule, run daily in each tenant with the panel."""

from __future__ import annotations

from datacapt.toolkit import CronEntry
from plugins.subject_repository import gdpr

RETENTION = CronEntry(
    "subject-repository-retention",
    "plugins.subject_repository.jobs.flag_inactive_volunteers",
    cron="30 3 * * *",
)


def flag_inactive_volunteers() -> int:
    """Volunteers without activity for the tenant's retention years flagged for review."""
    return gdpr.flag_inactive()
