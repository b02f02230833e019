"""Delivery reports of the messages sent: a study's (Study-Uuid header) and the tenant's
own (of no study), each a list, counts per state and one message with its text; and the
SMS provider's delivery reports."""

from __future__ import annotations

from flask import request

from datacapt.api.blueprint import Blueprint
from datacapt.api.headers import REASON_FOR_CHANGE
from datacapt.api.pagination import paginate
from datacapt.api.views import ApiView
from datacapt.notifications import services
from datacapt.notifications.schemas import (
    DeliveryReportSchema,
    NotificationContentReadSchema,
    NotificationCountsSchema,
    NotificationReadSchema,
    NotificationSearchSchema,
    StudyNotificationSearchSchema,
)
from datacapt.permissions.registry import NOTIFICATIONS_ACCESS, NOTIFICATIONS_VIEW_CONTENT
from datacapt.studies.context import current_study

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/notifications",
    description="Messages sent by email and SMS, and their delivery",
)


@blp.route("/")
class StudyNotifications(ApiView):
    permissions_registry = {"GET": NOTIFICATIONS_ACCESS}

    @blp.arguments(StudyNotificationSearchSchema, location="query")
    @blp.response(200, NotificationReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's messages at the centers you see, newest first; `state=failed` lists
        what did not reach its recipient, with the reason."""
        return paginate(
            services.study_notifications(current_study(), filters), pagination_parameters
        )


@blp.route("/counts")
class StudyNotificationCounts(ApiView):
    permissions_registry = {"GET": NOTIFICATIONS_ACCESS}

    @blp.arguments(StudyNotificationSearchSchema, location="query")
    @blp.response(200, NotificationCountsSchema)
    def get(self, filters):
        """How many of the study's messages (the same filters) are in each state."""
        return services.counts_by_state(services.study_notifications(current_study(), filters))


@blp.route("/<uuid:notification_uuid>")
class StudyNotification(ApiView):
    permissions_registry = {"GET": NOTIFICATIONS_VIEW_CONTENT}

    @blp.reads_headers(REASON_FOR_CHANGE)  # kept in the audit record of the read
    @blp.response(200, NotificationContentReadSchema)
    def get(self, notification_uuid):
        """One of the study's messages with its address and text (personal data: every
        read is audited)."""
        return services.read_content(
            services.study_notifications(current_study(), {}), notification_uuid
        )


@blp.route("/tenant/")
class TenantNotifications(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": NOTIFICATIONS_ACCESS}

    @blp.arguments(NotificationSearchSchema, location="query")
    @blp.response(200, NotificationReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The tenant's own messages, of no study (password resets, invitations to the
        tenant alone), newest first."""
        return paginate(services.tenant_notifications(filters), pagination_parameters)


@blp.route("/tenant/counts")
class TenantNotificationCounts(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": NOTIFICATIONS_ACCESS}

    @blp.arguments(NotificationSearchSchema, location="query")
    @blp.response(200, NotificationCountsSchema)
    def get(self, filters):
        """How many of the tenant's own messages (the same filters) are in each state."""
        return services.counts_by_state(services.tenant_notifications(filters))


@blp.route("/tenant/<uuid:notification_uuid>")
class TenantNotification(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": NOTIFICATIONS_VIEW_CONTENT}

    @blp.reads_headers(REASON_FOR_CHANGE)  # kept in the audit record of the read
    @blp.response(200, NotificationContentReadSchema)
    def get(self, notification_uuid):
        """One of the tenant's own messages with its address and text (audited read)."""
        return services.read_content(services.tenant_notifications({}), notification_uuid)


@blp.route("/delivery-reports")
class DeliveryReports(ApiView):
    PUBLIC = True  # the SMS provider signs with the secret of SMS_URL instead
    SECURITY = ("sms_provider",)

    @blp.arguments(DeliveryReportSchema)
    @blp.response(200, NotificationReadSchema)
    def post(self, data):
        """The SMS provider reports on a message it accepted (`Authorization: Bearer` with
        the secret of SMS_URL): `failed` or `bounced` marks it bounced, with the reason."""
        services.check_provider_signature(request.headers.get("Authorization"))
        return services.record_provider_report(data["id"], data["status"], data.get("error"))
