"""How long a tenant keeps each kind of record that modules remove once it is old: one
place in the customer's settings (``retention_days``) that every module reads from.

Only the kinds below may be set. A kind the tenant did not set has no value here
(``tenant_retention`` answers None) and the module that keeps the records applies its
own default. The audit trail is never one of them: it is kept for good.
"""

from __future__ import annotations

from datacapt.tenancy.services import get_tenant_settings

#: Each kind of record and what its number of days counts from.
RETENTION_KINDS = {
    "closed_chats": "days the messages of a closed chat thread are kept, from each message",
    "export_files": "days an export's files stay downloadable (a study may set its own)",
}
MAX_DAYS = 36_500  # a hundred years


def tenant_retention(kind: str) -> int | None:
    """Days the current tenant keeps ``kind`` (one of ``RETENTION_KINDS``), or None when
    it set none; a kind that is not declared is a programming error (KeyError)."""
    if kind not in RETENTION_KINDS:
        raise KeyError(f"no retention kind {kind!r}: one of {', '.join(RETENTION_KINDS)}")
    return get_tenant_settings().retention_days.get(kind)
