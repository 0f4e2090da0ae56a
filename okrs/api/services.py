"""Writes of the API app: tokens, and goal and packet writes that have no service elsewhere.

Each function is one domain action: keyword-only arguments, atomic, validated before saving so that
bad input leaves nothing half-written.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from okrs.api.models import AccessToken
from okrs.api.tokens import hash_token, new_token
from okrs.goals.models import Alignment, KeyResult, Objective
from okrs.heartbeats.models import WorkPacket


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


def _apply(instance: Any, changes: dict[str, Any]) -> list[str]:
    for name, value in changes.items():
        setattr(instance, name, value)
    return list(changes)


@transaction.atomic
def objective_create(**fields: Any) -> Objective:
    """Create an objective from validated fields (team, period, title, …)."""
    objective = Objective(**fields)
    objective.full_clean()
    objective.save()
    return objective


@transaction.atomic
def objective_update(*, objective: Objective, changes: dict[str, Any]) -> Objective:
    names = _apply(objective, changes)
    objective.full_clean()
    objective.save(update_fields=[*names, "updated_at"])
    return objective


@transaction.atomic
def key_result_create(**fields: Any) -> KeyResult:
    key_result = KeyResult(**fields)
    key_result.full_clean()
    key_result.save()
    return key_result


@transaction.atomic
def key_result_update(*, key_result: KeyResult, changes: dict[str, Any]) -> KeyResult:
    names = _apply(key_result, changes)
    key_result.full_clean()
    key_result.save(update_fields=[*names, "updated_at"])
    return key_result


@transaction.atomic
def alignment_create(*, child: Objective, parent: Objective, weight: float = 1.0) -> Alignment:
    alignment = Alignment(child=child, parent=parent, weight=weight)
    alignment.full_clean()
    alignment.save()
    return alignment


@transaction.atomic
def alignment_delete(*, alignment: Alignment) -> None:
    alignment.delete()


@transaction.atomic
def packet_create(*, key_results: list[KeyResult], **fields: Any) -> WorkPacket:
    packet = WorkPacket(**fields)
    packet.full_clean()
    packet.save()
    packet.key_results.set(key_results)
    return packet


@transaction.atomic
def packet_update(
    *, packet: WorkPacket, changes: dict[str, Any], key_results: list[KeyResult] | None = None
) -> WorkPacket:
    names = _apply(packet, changes)
    packet.full_clean()
    packet.save(update_fields=[*names, "updated_at"])
    if key_results is not None:
        packet.key_results.set(key_results)
    return packet
