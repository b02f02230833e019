"""What other plugins may use of the recruitment plugin (the rest is internal)."""

__all__: list[str] = []
