"""The operator API's blueprint: served on any host, every view needs an operator token."""

from __future__ import annotations

from datacapt.api.pagination import Blueprint
from datacapt.operators.auth import require_operator

operator_blp = Blueprint(
    "operator",
    __name__,
    url_prefix="/api/operator",
    description="Platform operators (Authorization: Bearer <token from /api/operator/login>)",
)
operator_blp.before_request(require_operator)
