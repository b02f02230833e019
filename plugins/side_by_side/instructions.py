"""Application instructions for the site: per subject, which coded product goes on which
zone, printed in the site's language. Codes only, whoever prints them: the sheet lies
beside blinded evaluators."""

from __future__ import annotations

from typing import Any

from datacapt.toolkit import (
    DEFAULT_LANGUAGE,
    SUPPORTED_LANGUAGES,
    Message,
    Study,
    StudyCenter,
    db,
    record_event,
    render_html,
    render_pdf,
)
from plugins.side_by_side.allocation import allocations
from plugins.subjects.api import SubjectInStudy

# A center's language from its country, where it is one Datacapt speaks.
_COUNTRY_LANGUAGES = {"FR": "fr", "BE": "fr", "LU": "fr", "MC": "fr", "CH": "fr"}

TEXTS = {
    "title": Message("Application instructions"),
    "study": Message("Study"),
    "subject": Message("Subject"),
    "center": Message("Center"),
    "zone": Message("Zone"),
    "side": Message("Side"),
    "product": Message("Product code"),
    "untreated": Message("Untreated control: apply nothing"),
    "none": Message("The subject has no allocation yet."),
    "left": Message("left"),
    "right": Message("right"),
    "midline": Message("midline"),
}

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ language }}"><head><meta charset="utf-8"><title>{{ t.title }}</title>
<style>body{font-family:sans-serif;font-size:11pt}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #444;padding:4pt;text-align:left}</style></head><body>
<h1>{{ t.title }}</h1>
<p>{{ t.study }}: {{ study }}<br>{{ t.subject }}: {{ subject }}<br>{{ t.center }}: {{ center }}</p>
{% if rows %}<table><tr><th>{{ t.zone }}</th><th>{{ t.side }}</th><th>{{ t.product }}</th></tr>
{% for row in rows %}<tr><td>{{ row.zone }}</td><td>{{ row.side }}</td><td>{{ row.product }}</td></tr>
{% endfor %}</table>{% else %}<p>{{ t.none }}</p>{% endif %}
</body></html>"""


def site_language(center: StudyCenter, asked: str | None) -> str:
    if asked in SUPPORTED_LANGUAGES:
        return asked
    language = _COUNTRY_LANGUAGES.get(center.country.upper(), DEFAULT_LANGUAGE)
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def instructions(study: Study, participation: SubjectInStudy, language: str | None) -> bytes:
    """The subject's sheet as a PDF (its printing audited)."""
    center = db.session.get_one(StudyCenter, participation.center_id)
    language = site_language(center, language)
    t = {name: text.render(language) for name, text in TEXTS.items()}
    rows: list[dict[str, Any]] = []
    for allocation in allocations(participation):
        zone = allocation.zone
        product = allocation.study_product
        rows.append(
            {
                "zone": " ".join(filter(None, [zone.name, zone.position])),
                "side": t.get(zone.side, zone.side),
                "product": t["untreated"] if product is None else product.blinding_code or "-",
            }
        )
    record_event("instructions_printed", participation)
    html = render_html(
        TEMPLATE,
        language=language,
        t=t,
        study=study.reference,
        subject=participation.study_subject_id,
        center=center.code,
        rows=rows,
    )
    return render_pdf(html)
