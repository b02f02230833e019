"""Source data verification: item-level flags, bulk verification, plans and progress."""
