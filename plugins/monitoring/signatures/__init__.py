"""Electronic signatures (21 CFR Part 11) of sections and casebooks."""
