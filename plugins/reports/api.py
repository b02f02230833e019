"""What other plugins may use of the reports plugin (the rest is internal)."""

__all__: list[str] = []
