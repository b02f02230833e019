"""What other plugins may use of the event_calendar plugin (the rest is internal): the
events a person or a center's resource should see, as iCalendar components, for the
calendar plugin's feeds; and the model."""

from plugins.event_calendar.feeds import center_events, user_events
from plugins.event_calendar.models import CalendarEvent, EventKind

__all__ = ["CalendarEvent", "EventKind", "center_events", "user_events"]
