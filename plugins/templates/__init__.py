"""Templates: a tenant library of reusable eCRF pieces, questionnaires, consent documents and message templates."""

__version__ = "0.1.0"
