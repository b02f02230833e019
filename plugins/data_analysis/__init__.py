"""Data analysis: descriptive statistics per question by visit, center and arm; cross-tabulation."""

__version__ = "0.1.0"
