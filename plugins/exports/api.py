"""What other plugins may use of the exports plugin (the rest is internal)."""

__all__: list[str] = []
