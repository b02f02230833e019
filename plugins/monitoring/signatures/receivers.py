"""The eCRF's signals, followed: a save that changes signed data (having waited, on its
subject's lock, for a signing in progress) breaks the signatures covering what it changed;
a section read shows the manifestation of the valid ones (21 CFR 11.50)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from plugins.monitoring.signatures import services
from plugins.monitoring.signatures.schemas import ManifestationSchema
from plugins.subjects.api import SubjectInStudy


def on_answers_changed(
    participation: SubjectInStudy, *, sections: Collection[Any], **_: Any
) -> None:
    services.break_signatures(participation, sections)


def on_section_read(participation: SubjectInStudy, *, section: Any, **_: Any) -> dict[str, Any]:
    """``signatures``: the valid signatures of the section and of the subject's casebook."""
    signatures = services.section_signatures(participation, section)
    return {"signatures": ManifestationSchema(many=True).dump(signatures)}
