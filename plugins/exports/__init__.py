"""Exports: definitions of what leaves the study, formats (CSV, Excel, SAS XPT, SPSS, CDISC ODM), jobs that stream with their progress, reproducible snapshots."""

__version__ = "0.1.0"
