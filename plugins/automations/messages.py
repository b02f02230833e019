"""The messages a rule sends: a notice to the staff holding a role at the subject's
center, and a message to the subject, each filled with the rule's text."""

from __future__ import annotations

from datacapt.toolkit import Channel, MessageTemplate, MessageText

STAFF_NOTICE = "automations.staff_notice"
SUBJECT_MESSAGE = "automations.subject_message"

_STAFF = {
    "en": MessageText(
        subject="{study}: {title}", body="{text}\n\nSubject {subject}, {study}.\nRule: {rule}."
    ),
    "fr": MessageText(
        subject="{study} : {title}", body="{text}\n\nSujet {subject}, {study}.\nRègle : {rule}."
    ),
}
_SUBJECT_EMAIL = {
    "en": MessageText(subject="{title}", body="{text}"),
    "fr": MessageText(subject="{title}", body="{text}"),
}
_SUBJECT_SMS = {"en": MessageText(body="{text}"), "fr": MessageText(body="{text}")}

TEMPLATES = [
    MessageTemplate(STAFF_NOTICE, Channel.EMAIL, _STAFF),
    MessageTemplate(SUBJECT_MESSAGE, Channel.EMAIL, _SUBJECT_EMAIL),
    MessageTemplate(SUBJECT_MESSAGE, Channel.SMS, _SUBJECT_SMS),
]

#: Who each template is written to.
RECIPIENTS = {STAFF_NOTICE: "role", SUBJECT_MESSAGE: "subject"}
#: The channels each template has.
CHANNELS = {
    key: {template.channel for template in TEMPLATES if template.key == key} for key in RECIPIENTS
}
