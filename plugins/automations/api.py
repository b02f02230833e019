"""What other plugins may use of the automations plugin (the rest is internal)."""

__all__: list[str] = []
