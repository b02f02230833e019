"""Translations: form texts in any number of languages, their completeness, and files for translators."""

__version__ = "0.1.0"
