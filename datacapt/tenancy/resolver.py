"""Each request runs inside the tenant its Host header names, as one unit of work.

The request commits once, after its view answered without error and before the answer
is sent, so a failing commit is an error answer, never an acknowledged write that is
then lost. An error answer rolls back (except what ``keep_on_error`` marked). Closing
the request never raises, even when the database went away.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack

from flask import Flask, Response, g, request

from datacapt.api.operations import TENANT_EXEMPT_BLUEPRINTS
from datacapt.database import db
from datacapt.database.session import close_session
from datacapt.database.unit import commit_unit, kept_on_error, owned_by, rollback_quietly
from datacapt.tenancy.context import tenant_context
from datacapt.tenancy.services import tenant_for_host

log = logging.getLogger(__name__)


def init_tenant_resolution(app: Flask) -> None:
    @app.before_request
    def enter_request_tenant() -> None:
        stack = ExitStack()
        g.datacapt_request_unit = stack
        stack.enter_context(owned_by("request"))
        current = request._get_current_object()  # type: ignore[attr-defined]  # one lookup
        if current.blueprint in TENANT_EXEMPT_BLUEPRINTS:
            return
        stack.enter_context(tenant_context(tenant_for_host(current.host)))

    @app.after_request
    def commit_request(response: Response) -> Response:
        if response.status_code >= 400 and not kept_on_error():
            rollback_quietly()
            return response
        try:
            commit_unit(closing=True)  # the teardown below closes the session
        except Exception as exc:
            # The answer is the commit's failure, as if the view had raised it.
            rollback_quietly()
            return app.make_response(app.handle_user_exception(exc))
        return response

    @app.teardown_request
    def leave_request_tenant(_exc: BaseException | None) -> None:
        # Closing the scope closes the tenant session: anything uncommitted is rolled back.
        stack: ExitStack | None = g.pop("datacapt_request_unit", None)
        if stack is None:
            return
        try:
            stack.close()
        except Exception:
            # The answer is already made: a failure here must not replace it.
            log.exception("Closing the request's unit of work failed")

    @app.teardown_appcontext
    def close_shared_session(_exc: BaseException | None) -> None:
        # Runs before Flask-SQLAlchemy's own removal, which would raise on a lost connection.
        close_session(db.session)
