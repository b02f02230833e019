"""What other plugins may use of the calendar_app plugin (the rest is internal)."""

__all__: list[str] = []
