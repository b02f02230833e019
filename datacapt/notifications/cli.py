"""flask notifications bounce: record a bounce that reached an operator (an email's
delivery status notification, a provider's report by hand)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from datacapt.audit.recorder import Actor, acting_as
from datacapt.console import reports_errors
from datacapt.notifications.services import find_notification, record_bounce
from datacapt.operators.cli import operator_required
from datacapt.tenancy.context import in_tenant

notifications_cli = AppGroup("notifications", help="Messages sent by email and SMS.")


@notifications_cli.command("bounce")
@click.option("--tenant", "schema", required=True)
@click.argument("reference")
@click.option("--reason", required=True, help="What the bounce says (e.g. 550 no such user).")
@operator_required
@reports_errors
def bounce_command(schema: str, reference: str, reason: str, actor: str) -> None:
    """Mark a sent message bounced. REFERENCE is its uuid, its email's Message-ID (as the
    bounce quotes it, <uuid@domain>) or its SMS provider's id."""
    with in_tenant(schema), acting_as(Actor.from_label(actor)):
        notification = record_bounce(find_notification(reference), reason)
        click.echo(f"{notification.uuid} is {notification.state}: {notification.reason}")
