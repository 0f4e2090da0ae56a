"""The personal home of a signed-in person: what asks for them now. A fixed number of queries
(seven) whatever the number of teams, key results, reviews, offers or changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from okrs.core import reminders as rules
from okrs.goals.access import visible_objectives
from okrs.goals.models import Change, KeyResult, Objective, ObjectiveState, Period
from okrs.goals.selectors import current_period
from okrs.heartbeats.models import Heartbeat
from okrs.org.access import User
from okrs.org.models import Membership, Role

KEY_RESULT_LIMIT = 30
ALL_KEY_RESULTS_LIMIT = 500  # "show all": every KR of a person, within a bound still
LIST_LIMIT = 20


@dataclass
class MyKeyResult:
    key_result: KeyResult
    due: bool
    owned: bool


@dataclass
class PersonalHome:
    period: Period | None
    key_results: list[MyKeyResult] = field(default_factory=list)
    more_key_results: bool = False
    reviews: list[Objective] = field(default_factory=list)
    offers: list[Any] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    heartbeats: list[tuple[Any, Heartbeat]] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)


def personal_home(
    user: User, *, now: dt.datetime | None = None, all_key_results: bool = False
) -> PersonalHome:
    """What asks for `user`: the first KEY_RESULT_LIMIT of their key results (due first), or up
    to ALL_KEY_RESULTS_LIMIT with `all_key_results`; `more_key_results` says some are left."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    memberships = list(
        Membership.objects.filter(person_id=user.pk)
        .select_related("team__parent")
        .order_by("team__order", "team__name")
    )
    home = PersonalHome(period=current_period(today), memberships=memberships)
    checks_in = [m.team_id for m in memberships if m.role in (Role.LEAD, Role.MEMBER)]
    led = [m.team_id for m in memberships if m.role == Role.LEAD]
    if home.period is not None:
        limit = ALL_KEY_RESULTS_LIMIT if all_key_results else KEY_RESULT_LIMIT
        home.key_results, home.more_key_results = _my_key_results(
            user, home.period, checks_in, now, limit
        )
    home.reviews = list(
        Objective.objects.filter(state=ObjectiveState.IN_REVIEW, team__parent_id__in=led)
        .select_related("team", "period", "owner__profile")
        .order_by("updated_at", "id")[:LIST_LIMIT]
    )
    if led:
        from okrs.talk.models import Offer, OfferState

        home.offers = list(
            Offer.objects.filter(team_id__in=led, state=OfferState.OPEN)
            .select_related("person__profile", "team", "objective", "key_result", "packet__team")
            .order_by("created_at", "id")[:LIST_LIMIT]
        )
    home.changes = _followed_changes(user)
    home.heartbeats = _current_heartbeats(memberships, today)
    return home


def _my_key_results(
    user: User, period: Period, checks_in: list[int], now: dt.datetime, limit: int
) -> tuple[list[MyKeyResult], bool]:
    """The KRs of `period` the person owns or checks in on (as a member or lead of the team),
    those due per their cadence first, then by team and order."""
    mine = (
        KeyResult.objects.filter(
            Q(owner_id=user.pk) | Q(objective__team_id__in=checks_in),
            objective__period=period,
            archived=False,
        )
        .exclude(objective__state=ObjectiveState.ARCHIVED)
        .filter(objective__in=visible_objectives(user).values("pk"))
        .select_related("objective__team", "owner__profile")
        .order_by("objective__team__order", "objective__team__name", "objective__order", "order")
    )
    rows = list(mine[: limit + 1])  # each with its kept latest value, as every page reads it
    since = dt.datetime.combine(period.start, dt.time.min, tzinfo=dt.UTC)
    running = period.start <= timezone.localdate(now) <= period.end
    items = [
        MyKeyResult(
            key_result=kr,
            due=running
            and rules.is_due(
                cadence=kr.cadence,
                last_checkin=kr.kept_at,
                since=max(since, kr.created_at),
                now=now,
            ),
            owned=kr.owner_id == user.pk,
        )
        for kr in rows[:limit]
    ]
    items.sort(key=lambda item: (not item.due, not item.owned))  # stable: order kept within
    return items, len(rows) > limit


def _followed_changes(user: User) -> list[Change]:
    """The latest changes to the objectives (and their KRs) the person follows and may read."""
    from okrs.talk.models import Follow

    follows = Follow.objects.filter(person_id=user.pk)
    followed = Q(objective_id__in=follows.filter(objective__isnull=False).values("objective_id"))
    followed |= Q(
        key_result_id__in=follows.filter(key_result__isnull=False).values("key_result_id")
    )
    return list(
        Change.objects.filter(followed)
        .filter(objective__in=visible_objectives(user).values("pk"))
        .exclude(actor_id=user.pk)
        .select_related("objective", "key_result", "actor__profile")
        .order_by("-at", "-id")[:LIST_LIMIT]
    )


def _current_heartbeats(
    memberships: list[Membership], today: dt.date
) -> list[tuple[Any, Heartbeat]]:
    """Each of the person's teams with the heartbeat running today in the calendar it works in
    (its own, or its parent's when it follows the parent's: one level, as teams are set up)."""
    calendar = {}
    for m in memberships:
        team = m.team
        follows = team.follows_parent_heartbeats and team.parent_id is not None
        calendar[team.pk] = team.parent_id if follows else team.pk
    running = {
        hb.team_id: hb
        for hb in Heartbeat.objects.filter(
            team_id__in=set(calendar.values()), start__lte=today, end__gte=today
        )
    }
    shown = [m for m in memberships if calendar[m.team_id] in running]
    return [(m.team, running[calendar[m.team_id]]) for m in shown]
