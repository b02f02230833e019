"""What other plugins may use of the analytics plugin (the rest is internal)."""

__all__: list[str] = []
