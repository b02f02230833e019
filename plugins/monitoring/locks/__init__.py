"""Freeze and lock at section, visit, subject, center and study level."""
