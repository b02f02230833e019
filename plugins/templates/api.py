"""What other plugins may use of the templates plugin (the rest is internal)."""

__all__: list[str] = []
