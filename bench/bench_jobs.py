"""Trivial job functions for bench/jobs.py (importable by the worker through PYTHONPATH)."""


def noop() -> None:
    """A job that does nothing: what remains is the platform's cost per job."""
