"""Monitoring: queries with their workflow, source data verification, data review, freeze
and lock, and electronic signatures: what turns captured data into evidence."""

__version__ = "0.1.0"
