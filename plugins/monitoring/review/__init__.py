"""Data review by data managers: a subject's section reviewed or not."""
