"""ePRO jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

from datacapt.toolkit import CronEntry
from plugins.epro.delivery import send_due

#: Every minute, in every tenant with ePRO enabled: due invitations and reminders.
SEND_DUE = CronEntry("epro-send-due", "plugins.epro.delivery.send_due", cron="* * * * *")

JOBS = [send_due]
