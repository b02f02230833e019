"""Randomization: designs, generated and imported lists, assignments, blinding and
emergency unblinding (docs/randomizations.md)."""

__version__ = "0.1.0"
