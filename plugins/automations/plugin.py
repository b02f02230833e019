"""The automations plugin's hooks."""

from __future__ import annotations

from pathlib import Path

from datacapt.toolkit import CronEntry, PluginManifest, connect_when_enabled, hookimpl
from plugins.automations import __version__, demo, jobs, messages, permissions, receivers
from plugins.automations.errors import AutomationsCodes
from plugins.automations.models import MODELS
from plugins.automations.rules import routes as rule_routes
from plugins.automations.runs import routes as run_routes
from plugins.automations.tasks import routes as task_routes
from plugins.ecrf.api import answers_changed
from plugins.epro.api import occurrence_missed
from plugins.subjects.api import participation_changed

# Rules fire in the transaction of what happened: a run recorded and its job enqueued
# commit with the change, or neither does.
connect_when_enabled(participation_changed, "automations", receivers.on_participation_changed)
connect_when_enabled(answers_changed, "automations", receivers.on_answers_changed)
connect_when_enabled(occurrence_missed, "automations", receivers.on_occurrence_missed)


@hookimpl
def datacapt_manifest() -> PluginManifest:
    return PluginManifest(
        name="automations",
        version=__version__,
        title="Automations",
        description="Per-study rules: when something happens to a subject, do something, once, with every run recorded.",
        requires=("subjects",),
        core_version=">=0.1",
        error_codes=range(7400, 7430),
    )


@hookimpl
def datacapt_models():
    return MODELS


@hookimpl
def datacapt_error_codes():
    return [AutomationsCodes]


@hookimpl
def datacapt_migrations() -> Path:
    return Path(__file__).parent / "migrations"


@hookimpl
def datacapt_translations() -> Path:
    return Path(__file__).parent / "locales"


@hookimpl
def datacapt_blueprints():
    return [rule_routes.blp, run_routes.blp, task_routes.blp]


@hookimpl
def datacapt_permissions():
    return {permissions.CATEGORY: permissions.ACTIONS}


@hookimpl
def datacapt_default_role_permissions():
    return permissions.DEFAULT_ROLE_PERMISSIONS


@hookimpl
def datacapt_message_templates():
    return messages.TEMPLATES


@hookimpl
def datacapt_jobs():
    return [jobs.execute_run, jobs.open_queries]


@hookimpl
def datacapt_cron_entries():
    return [
        CronEntry(
            "automations-open-queries", "plugins.automations.jobs.open_queries", cron="0 * * * *"
        )
    ]


@hookimpl
def datacapt_demo_data(study):
    demo.add_demo_rule(study)
