"""Reads of the discussion, each a fixed number of queries whatever the amount of talk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from okrs.goals.access import visible_objectives
from okrs.goals.models import Objective
from okrs.org.access import User, visible_teams
from okrs.talk.access import TalkAbilities, Target, abilities_for, kind_of
from okrs.talk.models import (
    Comment,
    Follow,
    ForumTopic,
    Interest,
    Notification,
    Offer,
    OfferState,
)
from okrs.talk.services import can_edit_comment, topic_for


@dataclass
class CommentView:
    comment: Comment
    can_edit: bool
    can_delete: bool
    can_hide: bool
    visible: bool


@dataclass
class Discussion:
    target: Target
    kind: str
    can: TalkAbilities
    comments: list[CommentView] = field(default_factory=list)
    interest_count: int = 0
    interested: bool = False
    interested_names: list[Any] = field(default_factory=list)
    following: bool = False
    offers: list[Offer] = field(default_factory=list)
    open_offer_count: int = 0
    my_open_offer: bool = False
    supports_interest: bool = False
    supports_offers: bool = False
    forum_topic: ForumTopic | None = None
    can_link_topic: bool = False


def _on(target: Target) -> dict[str, Target]:
    return {kind_of(target): target}


def discussion(user: User, target: Target, *, limit: int = 200) -> Discussion:
    """Everything the discussion partial shows for `user` (who may read `target`): comments
    with what the reader may do to each, interest, follow and offers. Six queries at most."""
    can = abilities_for(user, target)
    kind = kind_of(target)
    data = Discussion(
        target=target,
        kind=kind,
        can=can,
        supports_interest=kind in ("objective", "key_result"),
        supports_offers=kind in ("objective", "key_result", "packet"),
    )
    comments = (
        Comment.objects.filter(**_on(target))
        .select_related("author__profile", "parent__author__profile", "deleted_by", "hidden_by")
        .order_by("created_at", "id")[:limit]
    )
    for comment in comments:
        visible = not comment.removed or can.admin
        mine = can.user_id is not None and comment.author_id == can.user_id
        data.comments.append(
            CommentView(
                comment=comment,
                visible=visible,
                can_edit=mine and can_edit_comment(comment, user),  # type: ignore[arg-type]
                can_delete=comment.deleted_at is None and (mine or can.lead),
                can_hide=comment.hidden_at is None and can.lead,
            )
        )
    if data.supports_interest:
        interest = Interest.objects.filter(**_on(target))
        if can.sees_names:
            rows = list(interest.select_related("person__profile").order_by("created_at", "id"))
            data.interest_count = len(rows)
            data.interested_names = [row.person for row in rows]
            data.interested = any(row.person_id == can.user_id for row in rows)
        else:
            counts = interest.aggregate(
                total=Count("id"), mine=Count("id", filter=Q(person_id=can.user_id or 0))
            )
            data.interest_count = counts["total"]
            data.interested = bool(counts["mine"])
    if can.signed_in and kind != "heartbeat":
        data.following = Follow.objects.filter(person_id=can.user_id, **_on(target)).exists()
    if data.supports_offers:
        offers = Offer.objects.filter(**_on(target))
        if can.sees_names:
            data.offers = list(
                offers.select_related("person__profile", "decided_by", "cohort").order_by(
                    "-created_at", "-id"
                )
            )
            data.open_offer_count = sum(o.state == OfferState.OPEN for o in data.offers)
            data.my_open_offer = any(
                o.person_id == can.user_id and o.state == OfferState.OPEN for o in data.offers
            )
        else:
            counts = offers.aggregate(
                open=Count("id", filter=Q(state=OfferState.OPEN)),
                mine=Count("id", filter=Q(state=OfferState.OPEN, person_id=can.user_id or 0)),
            )
            data.open_offer_count = counts["open"]
            data.my_open_offer = bool(counts["mine"])
    if kind in ("objective", "key_result"):
        data.forum_topic = topic_for(target)
        data.can_link_topic = kind == "objective" and can.lead
    return data


def interest_counts(objective_ids: list[int]) -> dict[int, int]:
    """How many distinct people are interested in each objective (in it or in any of its KRs):
    one query for the whole list, so the overview's query count does not grow."""
    rows = (
        Interest.objects.filter(
            Q(objective_id__in=objective_ids) | Q(key_result__objective_id__in=objective_ids)
        )
        .annotate(oid=Coalesce(F("objective_id"), F("key_result__objective_id")))
        .values("oid")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    return {row["oid"]: row["n"] for row in rows}


def top_interest(objectives: QuerySet[Objective], *, limit: int) -> list[tuple[Objective, int]]:
    """The `limit` objectives among `objectives` that the most distinct people are interested
    in (in the objective or any of its KRs), most first: two queries whatever the size."""
    ids = objectives.values("pk")
    rows = list(
        Interest.objects.filter(Q(objective_id__in=ids) | Q(key_result__objective_id__in=ids))
        .annotate(oid=Coalesce(F("objective_id"), F("key_result__objective_id")))
        .values("oid")
        .annotate(n=Count("person_id", distinct=True))
        .order_by("-n", "oid")[:limit]
    )
    # a query even when nobody is interested, so the count never depends on the data
    wanted = [row["oid"] for row in rows] or [0]  # (an empty IN list would skip the query)
    found = {o.pk: o for o in Objective.objects.filter(pk__in=wanted)}
    return [(found[row["oid"]], row["n"]) for row in rows if row["oid"] in found]


def recent_comments(user: User, *, period_id: int | None = None, limit: int = 8) -> list[Comment]:
    """The newest visible comments the reader may see, for the overview: one query."""
    objectives = visible_objectives(user).values("pk")
    teams = visible_teams(user).values("pk")
    readable = (
        Q(objective_id__in=objectives)
        | Q(key_result__objective_id__in=objectives)
        | Q(heartbeat__team_id__in=teams)
        | Q(packet__team_id__in=teams)
    )
    rows = Comment.objects.filter(readable, deleted_at__isnull=True, hidden_at__isnull=True)
    if period_id is not None:
        rows = rows.filter(
            Q(objective__period_id=period_id)
            | Q(key_result__objective__period_id=period_id)
            | Q(heartbeat__period_id=period_id)
            | Q(packet__heartbeat__period_id=period_id)
        )
    return list(
        rows.select_related(
            "author", "objective", "key_result", "heartbeat__team", "packet__team"
        ).order_by("-created_at", "-id")[:limit]
    )


def inbox(person: AbstractBaseUser, *, limit: int = 100) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=person).select_related("actor")[:limit]


def unread_count(person: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def team_offers(team_id: int, *, state: str = "") -> list[Offer]:
    """A team's offers of help with their targets and people, newest first: one query."""
    offers = Offer.objects.filter(team_id=team_id)
    if state:
        offers = offers.filter(state=state)
    return list(
        offers.select_related(
            "person",
            "decided_by",
            "cohort",
            "objective",
            "key_result__objective",
            "packet__team",
        ).order_by("-created_at", "-id")
    )


def offer_counts(kind: str, ids: list[int]) -> dict[int, dict[str, int]]:
    """Open and accepted offers per objective / KR / packet id: one query."""
    column = {"objective": "objective_id", "key_result": "key_result_id", "packet": "packet_id"}[
        kind
    ]
    rows = (
        Offer.objects.filter(**{f"{column}__in": ids})
        .values(column)
        .annotate(
            open=Count("id", filter=Q(state=OfferState.OPEN)),
            accepted=Count("id", filter=Q(state=OfferState.ACCEPTED)),
        )
    )
    return {row[column]: {"open": row["open"], "accepted": row["accepted"]} for row in rows}


def kr_interest_counts(ids: list[int]) -> dict[int, int]:
    rows = (
        Interest.objects.filter(key_result_id__in=ids)
        .values("key_result_id")
        .annotate(n=Count("id"))
    )
    return {row["key_result_id"]: row["n"] for row in rows}
