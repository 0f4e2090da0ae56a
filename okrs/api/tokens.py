"""Making, hashing and checking personal access tokens (`okrs_` and 43 random characters)."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "okrs_"


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_token(raw: str) -> str:
    """SHA-256 suffices: tokens carry 256 random bits, so they cannot be guessed from the hash."""
    return hashlib.sha256(raw.encode()).hexdigest()


def looks_like_token(raw: str) -> bool:
    return raw.startswith(PREFIX) and 20 <= len(raw) <= 100
