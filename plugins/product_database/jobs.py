"""The product database's jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

from datacapt.toolkit import CronEntry
from plugins.product_database.batches import expire_due


def expire_batches() -> int:
    """Batches past their expiry date expire (and their kits are taken out of use); how
    many did."""
    return expire_due()


#: Hourly, in every tenant with the product database: a missed tick costs an hour at most.
EXPIRE_BATCHES = CronEntry(
    "product-database-expire-batches",
    "plugins.product_database.jobs.expire_batches",
    cron="7 * * * *",
)

JOBS = [expire_batches]
