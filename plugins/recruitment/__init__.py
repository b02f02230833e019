"""Recruitment: recruitment studies: public pages, applications with pre-screening, campaigns, visit slots, conversion."""

__version__ = "0.1.0"
