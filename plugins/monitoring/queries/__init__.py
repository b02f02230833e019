"""Queries on data points, sections and subjects, with their workflow and thread."""
