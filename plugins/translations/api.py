"""What other plugins may use of the translations plugin (the rest is internal)."""

__all__: list[str] = []
