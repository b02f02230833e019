"""Subject accounts: volunteers' own accounts: registration, login in a realm apart from staff, their own data."""

__version__ = "0.1.0"
