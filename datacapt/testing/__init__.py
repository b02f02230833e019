"""Test support shipped with the platform: a pytest plugin (``-p datacapt.testing.pytest_plugin``
gives the fixtures), factories, a tenant-aware client.

This package is the toolkit of a plugin's tests: beside ``datacapt.toolkit``, they import
the core only from here (the names below, stable as the toolkit's are).
"""

from datacapt.database import unit_of_work
from datacapt.jobs.connection import set_redis
from datacapt.jobs.cron import build_scheduler, cron_entries, run_tick
from datacapt.jobs.models import JobRun
from datacapt.migrating.lineages import CORE_TENANT_LINEAGE
from datacapt.migrating.runner import migrate_schema
from datacapt.plugins.services import disable_plugin, plugin_set
from datacapt.testing.client import TenantClient, tenant_client, tenant_host
from datacapt.testing.database import downgrade_lineage
from datacapt.testing.documents import pdf_text
from datacapt.testing.mail import delivered_body, emails_to

# The client and the tenant's host it addresses; a unit of work around a direct service call.
__all__ = ["TenantClient", "tenant_client", "tenant_host", "unit_of_work"]

# What the tenant recorded: emails (and the text a recipient got), job runs.
__all__ += ["JobRun", "delivered_body", "emails_to"]

# A printed document's text, as an independent reader extracts it.
__all__ += ["pdf_text"]

# Jobs on a test Redis, periodic jobs and their ticks.
__all__ += ["build_scheduler", "cron_entries", "run_tick", "set_redis"]

# The loaded plugins and a plugin disabled in a tenant.
__all__ += ["disable_plugin", "plugin_set"]

# A tenant's lineages moved down and up again, to test a migration on data.
__all__ += ["CORE_TENANT_LINEAGE", "downgrade_lineage", "migrate_schema"]
