"""eConsult: video rooms booked between site staff and a subject, tokens, presence, expiry."""

__version__ = "0.1.0"
