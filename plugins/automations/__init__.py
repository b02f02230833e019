"""Automations: per-study rules "when this happens, do that", dry runs, recorded runs."""

__version__ = "0.1.0"
