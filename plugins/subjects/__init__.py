"""Subjects: the people of the tenant, and their participation in studies."""

__version__ = "0.1.0"
