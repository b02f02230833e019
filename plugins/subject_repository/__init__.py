"""Subject repository: the tenant's panel of volunteers: profiles, consents, participation history, wash-out rules and GDPR requests."""

__version__ = "0.1.0"
