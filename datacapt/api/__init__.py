"""API infrastructure: the smorest Api, response helpers, JSON encoding, shared schemas."""

from datacapt.api.responses import error, success

__all__ = ["error", "success"]
