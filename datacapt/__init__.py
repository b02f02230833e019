"""Datacapt: a multi-tenant eClinical platform."""

from datacapt.app import create_app
from datacapt.version import __version__

__all__ = ["__version__", "create_app"]
