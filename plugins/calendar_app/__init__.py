"""Calendar: visit schedules and windows, appointments and resources, reminders, iCalendar feeds."""

__version__ = "0.1.0"
