"""Writes of the API app: personal access tokens. (Goals and packets are written through
okrs.goals.services and okrs.heartbeats.services.)

Each function is one domain action: keyword-only arguments, atomic, validated before saving so that
bad input leaves nothing half-written.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from okrs.api.models import AccessToken
from okrs.api.tokens import hash_token, new_token


@transaction.atomic
def token_create(
    *, person: AbstractBaseUser, name: str, read_only: bool = False
) -> tuple[AccessToken, str]:
    """A new token for `person`; returns the stored row and the raw token (shown once)."""
    raw = new_token()
    token = AccessToken(
        person=person,
        name=name.strip(),
        token_hash=hash_token(raw),
        prefix=raw[:9],
        read_only=read_only,
    )
    token.full_clean(exclude=["person"])
    token.save()
    return token, raw


@transaction.atomic
def token_revoke(*, token: AccessToken) -> AccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
