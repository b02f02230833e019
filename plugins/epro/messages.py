"""What subjects receive: invitations and reminders, by email and SMS, as translatable
templates (the link carries the subject's token)."""

from __future__ import annotations

from datacapt.toolkit import Message

EMAIL_TEMPLATES: dict[str, tuple[Message, Message]] = {
    "invitation": (
        Message("Your questionnaire: {questionnaire}"),
        Message(
            'Hello,\n\nYour questionnaire "{questionnaire}" is ready. Please fill it in before'
            " {closes}:\n\n{link}\n\nThis link is personal: do not share it."
        ),
    ),
    "reminder": (
        Message("Reminder: your questionnaire {questionnaire}"),
        Message(
            'Hello,\n\nYour questionnaire "{questionnaire}" is still waiting for you. Please fill'
            " it in before {closes}:\n\n{link}\n\nThis link is personal: do not share it."
        ),
    ),
}

SMS_TEMPLATES: dict[str, Message] = {
    "invitation": Message('Your questionnaire "{questionnaire}" is ready, until {closes}: {link}'),
    "reminder": Message(
        'Reminder: your questionnaire "{questionnaire}" is waiting, until {closes}: {link}'
    ),
}
