"""Configuration read from environment variables (see docs/configuration.md)."""

from datacapt.config.settings import DEFAULT_SECRET_KEY, ConfigurationError, Settings

__all__ = ["DEFAULT_SECRET_KEY", "ConfigurationError", "Settings"]
