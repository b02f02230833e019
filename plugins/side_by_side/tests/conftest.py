"""Fixtures of the side_by_side tests."""
