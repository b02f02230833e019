"""Event calendar: study and tenant events and milestones."""

__version__ = "0.1.0"
