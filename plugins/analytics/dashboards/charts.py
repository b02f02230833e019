"""The dashboards as SVG charts (pygal), carrying their numbers as text so that a reader
sees them without hovering; texts in the caller's language. The inline script pygal adds
for its tooltips is taken out: a chart is a picture, and runs nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any, Literal

from datacapt.toolkit import Message
from plugins.analytics.dashboards.common import title_text
from plugins.analytics.dashboards.queries import BUCKETS

SVG = "http://www.w3.org/2000/svg"
BUCKET_LABELS = {
    "0_7": Message("0-7 days"),
    "8_30": Message("8-30 days"),
    "31_90": Message("31-90 days"),
    "over_90": Message("Over 90 days"),
}


def _chart(
    kind: Literal["Line", "Bar", "StackedBar"], title: Message, labels: Sequence[str]
) -> Any:
    """A pygal chart of ``kind`` with the dashboards' options."""
    import pygal  # here, not at module level: ~15 ms of every start-up

    return getattr(pygal, kind)(
        title=title.render(),
        x_labels=list(labels),
        js=[],
        print_values=True,
        print_zeroes=True,
        x_label_rotation=30 if len(labels) > 6 else 0,
        legend_at_bottom=True,
    )


def _svg(chart: Any) -> bytes:
    ET.register_namespace("", SVG)
    root = ET.fromstring(chart.render())
    for parent in root.iter():
        for script in parent.findall(f"{{{SVG}}}script"):
            parent.remove(script)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def enrollment_chart(figures: dict[str, Any]) -> bytes:
    """Cumulative inclusions per period, per center and for the study, with the study's
    target as a line."""
    series = figures["study"]["series"]
    chart = _chart("Line", Message("Enrollment"), [str(point["period"]) for point in series])
    for center in figures["centers"]:
        chart.add(center["center_code"], [point["cumulative"] for point in center["series"]])
    chart.add(Message("All centers").render(), [point["cumulative"] for point in series])
    target = figures["study"]["target"]
    if target is not None:
        chart.add(Message("Target").render(), [target] * len(series), show_dots=False)
    return _svg(chart)


def visits_chart(figures: dict[str, Any]) -> bytes:
    sections = figures["sections"]
    chart = _chart(
        "Bar", Message("Visit completion"), [title_text(section["title"]) for section in sections]
    )
    for name, label in (
        ("expected", Message("Expected")),
        ("started", Message("Started")),
        ("complete", Message("Complete")),
    ):
        chart.add(label.render(), [section[name] for section in sections])
    return _svg(chart)


def queries_chart(figures: dict[str, Any]) -> bytes:
    """Waiting queries per center, stacked by age."""
    centers = figures["centers"]
    chart = _chart(
        "StackedBar", Message("Query ageing"), [center["center_code"] for center in centers]
    )
    for name, _ in BUCKETS:
        chart.add(BUCKET_LABELS[name].render(), [center["buckets"][name] for center in centers])
    return _svg(chart)


def verification_chart(figures: dict[str, Any]) -> bytes:
    centers = figures["centers"]
    chart = _chart(
        "Bar", Message("Source data verification"), [center["center_code"] for center in centers]
    )
    chart.add(Message("Required").render(), [center["required"] for center in centers])
    chart.add(Message("Verified").render(), [center["verified"] for center in centers])
    return _svg(chart)


def epro_chart(figures: dict[str, Any]) -> bytes:
    """Occurrences per questionnaire, stacked: done, late, missed."""
    questionnaires = figures["questionnaires"]
    chart = _chart("StackedBar", Message("ePRO compliance"), [q["code"] for q in questionnaires])
    for name, label in (
        ("done", Message("Done")),
        ("late", Message("Late")),
        ("missed", Message("Missed")),
    ):
        chart.add(label.render(), [q[name] for q in questionnaires])
    return _svg(chart)
