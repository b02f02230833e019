"""Datacapt: a multi-tenant eClinical platform."""

__version__ = "0.1.0"

from datacapt.app import create_app

__all__ = ["__version__", "create_app"]
