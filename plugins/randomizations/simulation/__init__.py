"""Simulation before go-live: the engine (engine.py) and the simulations a version keeps
(service.py), run in the request when small, as a job otherwise."""
