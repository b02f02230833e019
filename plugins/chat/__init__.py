"""Chat: threads between site staff and subjects and within a study's team, with receipts and notifications."""

__version__ = "0.1.0"
