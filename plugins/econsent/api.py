"""What other plugins may use of the econsent plugin (the rest is internal)."""

__all__: list[str] = []
