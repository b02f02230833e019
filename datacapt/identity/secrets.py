"""Opaque secrets (session tokens, reset tokens, API keys): random, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret (no salt needed: it is not a password)."""
    return hashlib.sha256(secret.encode()).hexdigest()
