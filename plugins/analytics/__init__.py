"""Analytics: the study's dashboards, as numbers and SVG charts."""

__version__ = "0.1.0"
