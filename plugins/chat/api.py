"""What other plugins may use of the chat plugin (the rest is internal)."""

__all__: list[str] = []
