"""Fixtures of the translations tests."""
