"""The queries endpoints of the study named by the Study-Uuid header: the study's list and
counts, raising a query by hand, one query with its thread, and the workflow's actions."""

from __future__ import annotations

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study
from plugins.monitoring import permissions
from plugins.monitoring.errors import LOCKED
from plugins.monitoring.queries import services
from plugins.monitoring.queries.schemas import (
    DataQueryCountsSchema,
    DataQueryDetailReadSchema,
    DataQueryReadSchema,
    DataQuerySearchSchema,
    DataQueryWriteSchema,
    QueryOptionalTextSchema,
    QueryTextSchema,
)

blp = Blueprint(
    "monitoring_queries",
    __name__,
    url_prefix="/api/monitoring/queries",
    description="Monitoring: queries",
)

TRANSITION_REFUSED = {
    409: "The query is not in a state this action applies to; details.status says where it "
    "is (QUERY_TRANSITION_REFUSED)."
}

FILTER_REFUSED = (
    {404: "The center filter names no center (OBJECT_NOT_FOUND)."},
    {
        422: "A filter names no section of the eCRF (VALIDATION_FAILED), no subject of the "
        "study (VALIDATION_FAILED) or a center not in it (CENTER_NOT_IN_STUDY)."
    },
)


@blp.route("/")
class Queries(ApiView):
    permissions_registry = {"GET": permissions.QUERIES_ACCESS, "POST": permissions.QUERIES_RAISE}

    @blp.arguments(DataQuerySearchSchema, location="query")
    @blp.errors(*FILTER_REFUSED)
    @blp.response(200, DataQueryReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's queries at the centers the caller sees, newest first (drafts only
        for those who raise or release them)."""
        return services.query_page(current_study(), filters, pagination_parameters)

    @blp.arguments(DataQueryWriteSchema)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(
        {404: "No such subject in the study, or no such center (OBJECT_NOT_FOUND)."},
        {
            422: "The target is not in the eCRF (QUERY_TARGET_INVALID), the assignee's role "
            "is unknown (VALIDATION_FAILED) or their center not in the study "
            "(CENTER_NOT_IN_STUDY)."
        },
        LOCKED,
    )
    @blp.response(201, DataQueryDetailReadSchema)
    def post(self, data):
        """Raise a query by hand on a subject, one of its sections, an answer or a cell of
        a repeating group; a draft when the study reviews pre-queries."""
        return services.raise_query(current_study(), data)


@blp.route("/counts")
class QueryCounts(ApiView):
    permissions_registry = {"GET": permissions.QUERIES_ACCESS}

    @blp.arguments(DataQuerySearchSchema, location="query")
    @blp.errors(*FILTER_REFUSED)
    @blp.response(200, DataQueryCountsSchema)
    def get(self, filters):
        """How many queries of the list with these filters are in each state and at each
        level."""
        return services.query_counts(current_study(), filters)


@blp.route("/<uuid:query_uuid>")
class QueryDetail(ApiView):
    permissions_registry = {"GET": permissions.QUERIES_ACCESS}

    @blp.response(200, DataQueryDetailReadSchema)
    def get(self, query_uuid):
        """One query with its thread."""
        return services.read_query(current_study(), query_uuid)


def _action_view(name: str, permission: str, body: type, summary: str) -> type[ApiView]:
    """The endpoint of one action of the workflow (services.TRANSITIONS)."""

    class ActionView(ApiView):
        permissions_registry = {"POST": permission}

        @blp.arguments(body)
        @blp.reads_headers(REASON_FOR_CHANGE)
        @blp.errors(TRANSITION_REFUSED, LOCKED)
        @blp.response(200, DataQueryDetailReadSchema)
        def post(self, data, query_uuid):
            return services.act(current_study(), query_uuid, name, data["text"])

    ActionView.post.__doc__ = summary
    ActionView.__name__ = ActionView.__qualname__ = f"Query{name.title()}"
    return ActionView


for _name, _permission, _body, _summary in (
    (
        "release",
        permissions.QUERIES_RELEASE,
        QueryOptionalTextSchema,
        "Release a draft to the site (draft -> open).",
    ),
    (
        "answer",
        permissions.QUERIES_ANSWER,
        QueryTextSchema,
        "The site answers an open query (open -> answered).",
    ),
    (
        "close",
        permissions.QUERIES_CLOSE,
        QueryOptionalTextSchema,
        "Close an open or answered query.",
    ),
    (
        "cancel",
        permissions.QUERIES_CANCEL,
        QueryTextSchema,
        "Cancel a query that is not over, saying why (the reason of the change).",
    ),
    (
        "reopen",
        permissions.QUERIES_REOPEN,
        QueryTextSchema,
        "Reopen a closed query (closed -> open), saying why.",
    ),
    (
        "messages",
        permissions.QUERIES_ACCESS,
        QueryTextSchema,
        "Add a message to the thread of a query that is not over; for those who take part "
        "in queries (raise, release, answer, close, cancel or reopen them).",
    ),
):
    blp.route(f"/<uuid:query_uuid>/{_name}", endpoint=f"query_{_name}")(
        _action_view(_name, _permission, _body, _summary)
    )
