"""What other plugins may use of the side_by_side plugin (the rest is internal)."""

__all__: list[str] = []
