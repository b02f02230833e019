"""The study's dashboards: each a set of figures computed in the database, at the centers
the caller sees, and its chart."""
