"""Fixtures of the subject_accounts tests."""
