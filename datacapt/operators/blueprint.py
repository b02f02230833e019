"""The operator API's blueprint: served on any host, every view needs an operator token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from datacapt.api.blueprint import Blueprint
from datacapt.api.headers import Header
from datacapt.api.operations import Errors
from datacapt.api.views import ApiView
from datacapt.operators.auth import require_operator

operator_blp = Blueprint(
    "operator",
    __name__,
    url_prefix="/api/operator",
    description="Platform operators (Authorization: Bearer <token from /api/operator/login>)",
)
operator_blp.before_request(require_operator)


class OperatorView(ApiView):
    """A view of the operator API: the blueprint checked the operator's token before it
    runs (``SECURITY = ()`` for the one open endpoint); no tenant role applies."""

    REQUIRES_STUDY = False
    SECURITY: ClassVar[tuple[str, ...] | None] = ("operator",)

    def check_access(self, view_args: Mapping[str, Any]) -> None:
        """Done by the blueprint (``require_operator``)."""

    @classmethod
    def access(cls, method: str, errors: Errors) -> tuple[str | None, str, tuple[Header, ...]]:
        if not cls.security():
            return None, "Public: needs no credential.", ()
        errors.add(
            401,
            "No operator token, or one that is unknown or expired (OPERATOR_AUTHENTICATION_REQUIRED).",
        )
        return None, "Needs an operator's token.", ()
