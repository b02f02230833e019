"""eCRF: the case report form of a study, its design, and the data entered into it."""

__version__ = "0.1.0"
