"""Pure rules of webhook delivery: signatures and the retry schedule (no Django)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

SIGNATURE_HEADER = "X-Okrs-Signature-256"


def sign(secret: str, body: bytes) -> str:
    """The signature header value: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: compare in constant time."""
    return hmac.compare_digest(sign(secret, body), header)


def backoff(attempts: int, base_seconds: float, cap_seconds: float = 6 * 3600) -> dt.timedelta:
    """Wait after the `attempts`-th failure: base, 2·base, 4·base, … capped."""
    if attempts < 1:
        return dt.timedelta(0)
    return dt.timedelta(seconds=min(cap_seconds, base_seconds * 2 ** (attempts - 1)))
