"""What other plugins may use of the event_calendar plugin (the rest is internal)."""

__all__: list[str] = []
