"""A subject's records across the modules of a tenant: what each enabled plugin holds about
one person (for an access request) and the erasure of their personal data (for an erasure
request), asked through the ``datacapt_subject_records`` and ``datacapt_erase_subject``
hooks."""

from __future__ import annotations

import dataclasses
from typing import Any

from datacapt.plugins.dispatch import enabled_implementers
from datacapt.plugins.services import plugin_set

RECORDS_HOOK = "datacapt_subject_records"
ERASE_HOOK = "datacapt_erase_subject"


@dataclasses.dataclass(frozen=True)
class SubjectRecords:
    """One kind of record a module holds about a subject: ``kind`` names it
    (``"ecrf.answers"``), ``count`` how many there are, ``items`` what the access file
    shows of them (JSON values), and ``personal`` whether they are personal data that an
    erasure removes (else clinical data kept pseudonymized)."""

    kind: str
    count: int
    items: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    personal: bool = False

    def as_dict(self, *, with_items: bool = True) -> dict[str, Any]:
        found: dict[str, Any] = {"kind": self.kind, "count": self.count, "personal": self.personal}
        if with_items:
            found["items"] = self.items
        return found


def subject_records(subject_id: int) -> dict[str, list[SubjectRecords]]:
    """What each enabled plugin holds about the subject, by plugin (kinds with no record
    left out)."""
    plugins = plugin_set()
    found: dict[str, list[SubjectRecords]] = {}
    for name in enabled_implementers(RECORDS_HOOK):
        records = [
            record
            for record in plugins.call(name, RECORDS_HOOK, subject_id=subject_id) or ()
            if record.count
        ]
        if records:
            found[name] = records
    return found


def erase_subject(subject_id: int) -> list[str]:
    """Each enabled plugin erases its personal data of the subject (in the current
    transaction); the plugins asked, in dependency order."""
    plugins = plugin_set()
    names = enabled_implementers(ERASE_HOOK)
    for name in names:
        plugins.call(name, ERASE_HOOK, subject_id=subject_id)
    return names
