"""The signed record: once the last signer signs, a PDF/A of exactly what was presented,
the answers and each signature's manifestation, stored with its SHA-256; every download is
checked against that hash and audited. Served only by the plugin's routes."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import (
    DocumentAltered,
    FileAttachment,
    Message,
    RenderedDocument,
    conflict,
    db,
    keep_on_error,
    record_event,
    render_document,
    store_document,
    verified_content,
)
from plugins.econsent.consents.models import Consent
from plugins.econsent.errors import EconsentCodes
from plugins.econsent.permissions import VIEW_RECORDS

# A place in no study: the core's file route never serves a signed record (it names the
# subject); the plugin's audited routes do, after checking its hash.
NOWHERE = FileAttachment(study_id=0, center_id=None, permission=VIEW_RECORDS)

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ p.language }}"><head><meta charset="utf-8">
<title>{{ p.title }}</title>
<style>
body { font-family: serif; font-size: 11pt; }
.text { white-space: pre-wrap; margin: 0 0 0.8em 0; }
.question { margin: 0 0 0.6em 0; }
.answer { font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; }
td, th { border: 1px solid #444; padding: 4pt; vertical-align: top; text-align: left; }
</style></head><body>
<h1>{{ p.title }}</h1>
<p>{{ p.document }} version {{ p.version }} ({{ p.language }}){% if p.ethics_reference %},
ethics approval {{ p.ethics_reference }} of {{ p.ethics_date }}{% endif %}.
Subject {{ subject }}, {{ center }}.</p>
{% for block in p.blocks %}{% if block.kind == "static" %}
<div class="text">{{ block.content.get(p.language, "") }}</div>
{% else %}
<div class="question">{{ block.label.get(p.language, "") }}
<span class="answer">{{ shown[block.code] }}</span></div>
{% endif %}{% endfor %}
<h2>Signatures</h2>
<table><tr><th>Role</th><th>Printed name</th><th>Date and time (UTC)</th><th>Meaning</th></tr>
{% for s in signatures %}<tr><td>{{ s.role }}</td><td>{{ s.printed_name }}</td>
<td>{{ s.signed_at.strftime("%Y-%m-%d %H:%M:%S") }}</td><td>{{ s.statement }}</td></tr>
{% endfor %}</table>
<p>Identity checked by {{ identity }}.</p>
</body></html>
"""


def _answer(value: object) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None or value == "":
        return "-"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def render_record(consent: Consent) -> RenderedDocument:
    """The signed record of the consent: what was presented, the answers, the signatures."""
    presented = consent.presented
    shown = {
        block["code"]: _answer(consent.answers.get(block["code"]))
        for block in presented["blocks"]
        if block.get("kind") == "question"
    }
    participation = consent.participation
    return render_document(
        TEMPLATE,
        p=presented,
        shown=shown,
        signatures=consent.signatures,
        subject=participation.study_subject_id,
        center=participation.center.code,
        identity=consent.identity_check or "-",
    )


def make_record(consent: Consent) -> None:
    """Render, store and hash the consent's signed record."""
    rendered = render_record(consent)
    stored = store_document(record_name(consent), "application/pdf", rendered.pdf)
    consent.record_file_uuid, consent.record_sha256 = stored.uuid, rendered.pdf_sha256


def file_attachments(file_uuid: str) -> list[FileAttachment]:
    """Where the plugin's data refers to a stored file: signed records."""
    ours = db.session.execute(
        sa.select(sa.exists().where(Consent.record_file_uuid == uuid.UUID(file_uuid)))
    ).scalar_one()
    return [NOWHERE] if ours else []


def checked_content(consent: Consent) -> bytes:
    """The stored record, audited as downloaded; 409 (the finding audited and kept) when
    its bytes are not those hashed when it was made."""
    if consent.record_file_uuid is None:
        raise conflict(
            EconsentCodes.CONSENT_NOT_OPEN,
            Message("The consent has no signed record: not everyone signed."),
            status=consent.status,
        )
    try:
        content = verified_content(consent.record_file_uuid, consent.record_sha256)
    except DocumentAltered as altered:
        record_event("record_altered", consent, {"sha256": [consent.record_sha256, altered.actual]})
        keep_on_error()
        raise conflict(
            EconsentCodes.CONSENT_RECORD_ALTERED,
            Message("The stored record is not the one made at signing: it is not served."),
            sha256=consent.record_sha256,
        ) from None
    record_event("record_downloaded", consent)
    return content


def record_name(consent: Consent) -> str:
    presented = consent.presented
    return (
        f"consent-{presented['document']}-v{presented['version']}-"
        f"{consent.participation.study_subject_id}.pdf"
    )
