"""Opaque secrets (session tokens, reset tokens, API keys): random, stored only as a hash;
and tokens derived from the secret key, for links a message carries but nothing stores."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret (no salt needed: it is not a password)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def derived_secret(scope: str) -> str:
    """The token of ``scope`` (a purpose and a random or unique part): the HMAC of the
    secret key, so it can be made again at delivery while only its digest is stored (a new
    SECRET_KEY ends every such link)."""
    key = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(key, scope.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
