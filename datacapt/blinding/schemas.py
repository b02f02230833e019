"""Blinded fields of response schemas: written as ``null`` for callers who may not see them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from datacapt.blinding import Blinding, may_see

_KIND = "blinding"  # the field's metadata key holding its Blinding (apispec ignores it)


def blinded(field: ma.fields.Field, kind: Blinding) -> ma.fields.Field:
    """Mark a field of a ``BlindingSchema`` as data of ``kind``; the API description says so."""
    field.allow_none = True
    note = f"Blinded: null unless the caller holds {kind.permission}."
    description = field.metadata.get("description")
    field.metadata = {
        **field.metadata,
        _KIND: kind,
        "x-blinded": kind.permission,
        "description": f"{description} {note}" if description else note,
    }
    return field


class BlindingSchema(ma.Schema):
    """A schema whose ``blinded`` fields leave as ``null`` to callers who may not see them.
    Nested schemas blind their own fields (derive them from this too)."""

    def reveals(self, kind: Blinding, obj: Any) -> bool:
        """Whether this caller sees ``kind`` in ``obj``: the permission (``may_see``). A
        schema may widen it for some objects (an open-label design's, a subject whose
        treatment was revealed to this caller), never narrow what the permission shows."""
        return may_see(kind)

    @ma.post_dump(pass_original=True)
    def _blind(self, data: dict[str, Any], original: Any, **_: Any) -> dict[str, Any]:
        for name, field in self.dump_fields.items():
            kind = field.metadata.get(_KIND)
            key = field.data_key or name
            if kind is not None and key in data and not self.reveals(kind, original):
                data[key] = None
        return data
