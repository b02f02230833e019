"""Fixtures of the subject_repository tests."""
