"""What other plugins may use of the econsult plugin (the rest is internal)."""

__all__: list[str] = []
