"""Payments: the compensation of a study's participants, per visit or per study, under
versioned plans; orders created by what happened at the visit, validated by finance,
grouped in batches exported as SEPA credit transfer files or CSV, and reconciled with what
the bank reports. The platform never moves money itself."""

__version__ = "0.1.0"
