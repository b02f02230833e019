"""Reports: a subject's casebook as PDF, the study's casebooks as a job, the blank annotated CRF."""

__version__ = "0.1.0"
