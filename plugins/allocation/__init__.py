"""Kit allocation (RTSM): kit types and kits in a dummy and a production inventory, the
allocation of a kit type to each arm and visit, dispensing to randomized subjects without
revealing their arm, returns, traceability of batches, and the supply of the centers from
depots."""

__version__ = "0.1.0"
