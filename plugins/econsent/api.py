"""What other plugins may use of the econsent plugin (the rest is internal): the optional
parts of consent a subject agreed to (a biobank module asks before storing samples)."""

from plugins.econsent.choices import optional_consents

__all__ = ["optional_consents"]
