"""Notifications: every email and SMS the platform sends, recorded with its delivery state
(queued, sent, failed or bounced with the reason), delivered by jobs, in the tenant's
quiet hours where asked, from templates the core and plugins declare per language."""

from datacapt.notifications.models import (
    FAILED_STATES,
    Channel,
    Notification,
    NotificationState,
    RecipientKind,
)
from datacapt.notifications.quiet import QuietHours
from datacapt.notifications.services import (
    Outgoing,
    Recipient,
    notify,
    notify_all,
    record_bounce,
)
from datacapt.notifications.templates import MessageTemplate, MessageText, UnknownTemplate

__all__ = [
    "FAILED_STATES",
    "Channel",
    "MessageTemplate",
    "MessageText",
    "Notification",
    "NotificationState",
    "Outgoing",
    "QuietHours",
    "Recipient",
    "RecipientKind",
    "UnknownTemplate",
    "notify",
    "notify_all",
    "record_bounce",
]
