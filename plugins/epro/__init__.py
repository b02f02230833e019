"""ePRO: questionnaires that subjects fill in themselves, on a schedule, from a link."""

__version__ = "0.1.0"
