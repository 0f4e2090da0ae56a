"""Small factories for test data: plain functions with keyword arguments and sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth.models import User

from okrs.goals import scores
from okrs.goals.models import Alignment, CheckIn, KeyResult, Objective, ObjectiveState, Period
from okrs.heartbeats.models import Heartbeat, PacketRole, WorkPacket
from okrs.org.models import Membership, Profile, Team

_seq = itertools.count(1)


def person(username: str | None = None, **fields: Any) -> User:
    return User.objects.create_user(username=username or f"person{next(_seq)}", **fields)


def team(slug: str | None = None, **fields: Any) -> Team:
    slug = slug or f"team{next(_seq)}"
    fields.setdefault("name", slug.title())
    return Team.objects.create(slug=slug, **fields)


def membership(person: User, team: Team, role: str = "member") -> Membership:
    return Membership.objects.create(person=person, team=team, role=role)


def period(slug: str = "2017-Q1", **fields: Any) -> Period:
    fields.setdefault("start", dt.date(2017, 1, 1))
    fields.setdefault("end", dt.date(2017, 3, 31))
    return Period.objects.get_or_create(slug=slug, defaults=fields)[0]


def objective(**fields: Any) -> Objective:
    fields.setdefault("team", fields.get("team") or team())
    fields.setdefault("period", fields.get("period") or period())
    fields.setdefault("title", f"Objective {next(_seq)}")
    fields.setdefault("state", ObjectiveState.PUBLISHED)
    objective = Objective.objects.create(**fields)
    # its team's rollup, as the services keep it
    scores.ensure_team_rollups([(objective.team_id, objective.period_id)])
    scores.keep_team_rollups(objectives=[objective.pk])
    return objective


def key_result(**fields: Any) -> KeyResult:
    fields.setdefault("objective", fields.get("objective") or objective())
    fields.setdefault("title", f"Key result {next(_seq)}")
    fields.setdefault("direction", "increase")
    fields.setdefault("baseline", 0.0)
    if fields["direction"] != "milestone":
        fields.setdefault("target", 100.0)
    kr = KeyResult.objects.create(**fields)
    scores.roll_up([kr.objective_id])  # as the services keep it
    return kr


def checkin(key_result: KeyResult, value: float, at: dt.datetime | str, **fields: Any) -> CheckIn:
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC)
    checkin = CheckIn.objects.create(key_result=key_result, value=value, at=at, **fields)
    scores.refresh([key_result.objective_id])  # the kept scores, as the services keep them
    return checkin


def align(child: Objective, parent: Objective, weight: float = 1.0) -> Alignment:
    alignment = Alignment.objects.create(child=child, parent=parent, weight=weight)
    scores.roll_up([parent.pk])
    return alignment


def heartbeat(**fields: Any) -> Heartbeat:
    fields.setdefault("team", fields.get("team") or team())
    fields.setdefault("period", fields.get("period") or period())
    fields.setdefault("name", f"HB{next(_seq)}")
    return Heartbeat.objects.create(**fields)


def packet(**fields: Any) -> WorkPacket:
    """A work packet; `responsible=[person, ...]` gives people the R role."""
    responsible = fields.pop("responsible", [])
    key_results = fields.pop("key_results", [])
    fields.setdefault("team", fields.get("team") or team())
    fields.setdefault("title", f"Packet {next(_seq)}")
    item = WorkPacket.objects.create(**fields)
    item.key_results.set(key_results)
    for someone in responsible:
        PacketRole.objects.create(packet=item, person=someone, role="R")
    return item


def profile(person: User, **fields: Any) -> Profile:
    return Profile.objects.update_or_create(person=person, defaults=fields)[0]
