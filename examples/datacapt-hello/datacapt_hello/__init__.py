"""Hello: a Datacapt plugin."""

__version__ = "0.1.0"
