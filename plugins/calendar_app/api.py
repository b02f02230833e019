"""What other plugins may use of the calendar_app plugin (the rest is internal): a request
for staff to schedule an appointment for a subject (automations open them), and a subject's
own appointments (their account shows them)."""

from plugins.calendar_app.appointments.models import Appointment, AppointmentStatus
from plugins.calendar_app.appointments.services import subject_appointments
from plugins.calendar_app.requests.models import AppointmentRequest, RequestStatus
from plugins.calendar_app.requests.services import request_appointment

__all__ = [
    "Appointment",
    "AppointmentRequest",
    "AppointmentStatus",
    "RequestStatus",
    "request_appointment",
    "subject_appointments",
]
