"""What other plugins may use of the payments plugin (the rest is internal): nothing yet."""

__all__: list[str] = []
