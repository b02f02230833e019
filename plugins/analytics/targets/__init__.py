"""Enrollment targets of a study and of its centers."""
