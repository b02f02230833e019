"""What other plugins may use of the subject_accounts plugin (the rest is internal)."""

__all__: list[str] = []
