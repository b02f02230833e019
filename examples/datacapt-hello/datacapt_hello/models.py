"""Hello models: tenant tables, declared without a schema."""

from __future__ import annotations

import sqlalchemy as sa
from datacapt.toolkit import Audited, BaseModel, StudyScopedMixin, TenantModel
from sqlalchemy.orm import Mapped, mapped_column


class HelloRecord(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A record of one study: read only in that study (study_query, get_in_study), each
    creation and change written to the audit trail under it."""

    __tablename__ = "hello_records"

    text: Mapped[str] = mapped_column(sa.String(200))
