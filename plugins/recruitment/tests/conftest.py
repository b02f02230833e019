"""Fixtures of the recruitment tests."""
