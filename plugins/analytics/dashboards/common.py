"""What the dashboards share: the centers the caller sees, and a title in the caller's
language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datacapt.toolkit import DEFAULT_LANGUAGE, Study, StudyCenter, current_language, study_centers


def visible_centers(study: Study) -> list[StudyCenter]:
    """The study's centers the caller sees, by code: the rows of every dashboard."""
    return study_centers(study)


def center_fields(center: StudyCenter) -> dict[str, Any]:
    return {"center": center.uuid, "center_code": center.code}


def ratio(part: int, whole: int | None) -> float | None:
    return round(part / whole, 4) if whole else None


def title_text(title: Mapping[str, str]) -> str:
    """A translated title in the caller's language, else the default, else any."""
    return (
        title.get(current_language())
        or title.get(DEFAULT_LANGUAGE)
        or next(iter(title.values()), "")
    )
