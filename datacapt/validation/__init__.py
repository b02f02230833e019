"""The validation pack: the regulatory requirements the platform meets (docs/requirements/),
the tests that prove each (the ``requirement`` marker), the check that they trace to one
another, and the qualification report of a test run (docs/validation.md)."""
