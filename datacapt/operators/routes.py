"""POST /api/operator/login and /logout: an operator's API session."""

from __future__ import annotations

from datacapt.operators.auth import bearer_token
from datacapt.operators.blueprint import OperatorView, operator_blp
from datacapt.operators.schemas import OperatorLoginWriteSchema, OperatorTokenReadSchema
from datacapt.operators.services import (
    close_operator_session,
    open_operator_session,
    verify_operator,
)


@operator_blp.route("/login")
class OperatorLogin(OperatorView):
    SECURITY = ()

    @operator_blp.arguments(OperatorLoginWriteSchema)
    @operator_blp.errors(
        {401: "Unknown email, wrong password or locked account (OPERATOR_AUTHENTICATION_REQUIRED)."}
    )
    @operator_blp.response(200, OperatorTokenReadSchema)
    def post(self, data):
        """Exchange an operator's email and password for a bearer token (8 hours)."""
        return {"token": open_operator_session(verify_operator(data["email"], data["password"]))}


@operator_blp.route("/logout")
class OperatorLogout(OperatorView):
    @operator_blp.response(204)
    def post(self):
        token = bearer_token()
        assert token is not None  # require_operator refused the request without one
        close_operator_session(token)
