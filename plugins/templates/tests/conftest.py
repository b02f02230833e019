"""Fixtures of the templates tests."""
