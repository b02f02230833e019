"""eConsent: consent documents and their versions, signers in order, the signed record, re-consent."""

__version__ = "0.1.0"
