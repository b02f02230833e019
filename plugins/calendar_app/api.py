"""What other plugins may use of the calendar_app plugin (the rest is internal): a request
for staff to schedule an appointment for a subject (automations open them)."""

from plugins.calendar_app.requests.models import AppointmentRequest, RequestStatus
from plugins.calendar_app.requests.services import request_appointment

__all__ = ["AppointmentRequest", "RequestStatus", "request_appointment"]
