"""What other plugins may use of the data_analysis plugin (the rest is internal)."""

__all__: list[str] = []
