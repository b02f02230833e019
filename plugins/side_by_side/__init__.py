"""Side by side: split-body studies: products randomized to body zones, every zone assessed with the same form."""

__version__ = "0.1.0"
