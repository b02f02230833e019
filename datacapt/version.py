"""The platform's version: the distribution's, and the core version plugins declare they
support (a module of its own, so what reads it imports nothing else of the core)."""

__version__ = "0.1.0"
