"""What other plugins may use of the monitoring plugin (the rest is internal)."""

__all__: list[str] = []
