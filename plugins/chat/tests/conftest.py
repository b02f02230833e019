"""Fixtures of the chat tests."""
