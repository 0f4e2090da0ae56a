"""The sentences okrs posts to chat, and which things may be posted at all."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import gettext as _

from okrs.core.chat import Note
from okrs.core.pacing import Status
from okrs.goals.access import can_read_objective
from okrs.goals.models import KeyResult, Objective, ObjectiveVisibility
from okrs.org.models import Visibility
from okrs.talk.models import Offer

P = ParamSpec("P")
R = TypeVar("R")


def in_site_language(build: Callable[P, R]) -> Callable[P, R]:
    """`build` writes in the site's language (`LANGUAGE_CODE`): a channel is read by the whole
    team, whoever's change it reports."""

    @wraps(build)
    def built(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return build(*args, **kwargs)

    return built


def status_label(status: Status) -> str:
    return {
        Status.ON_TRACK: _("on track"),
        Status.AT_RISK: _("at risk"),
        Status.OFF_TRACK: _("off track"),
        Status.NO_DATA: _("no data yet"),
        Status.UNCERTAIN: _("uncertain"),
        Status.ACHIEVED: _("achieved"),
        Status.MISSED: _("missed"),
    }[status]


def is_public_objective(objective: Objective) -> bool:
    """What an anonymous visitor may read: the only objectives chat channels hear about."""
    return can_read_objective(AnonymousUser(), objective)


def may_announce_review(objective: Objective) -> bool:
    """An objective waiting for review is a draft; its title reaches the reviewers' channels
    only when it belongs to a public team and is not marked private."""
    return (
        objective.team.visibility == Visibility.PUBLIC
        and objective.visibility == ObjectiveVisibility.TEAM
    )


def _label(code: str, title: str) -> str:
    return f"{code} {title}" if code else title


def _link(path: str) -> str:
    from okrs.chat.services import site_link

    return site_link(path)


@in_site_language
def status_note(kr: KeyResult, before: Status, after: Status) -> Note:
    objective = kr.objective
    return Note(
        text=_("%(kr)s (%(objective)s, %(team)s) is now %(after)s, was %(before)s.")
        % {
            "kr": _label(kr.code, kr.title),
            "objective": _label(objective.code, objective.title),
            "team": objective.team.name,
            "after": status_label(after),
            "before": status_label(before),
        },
        link=_link(f"/key-results/{kr.pk}/"),
        link_label=_("See the key result"),
    )


@in_site_language
def review_note(objective: Objective) -> Note:
    team = objective.team
    reviewers = team.parent.name if team.parent_id else team.name
    return Note(
        text=_("%(team)s proposed “%(objective)s” for review by %(reviewers)s.")
        % {"team": team.name, "objective": objective.title, "reviewers": reviewers},
        link=_link(f"/objectives/{objective.pk}/"),
        link_label=_("Review it (team leads)"),
    )


@in_site_language
def offer_note(offer: Offer) -> Note | None:
    """No name: who offers is for the team's members to see, on the site."""
    target = offer.objective or (offer.key_result.objective if offer.key_result else None)
    if target is not None and not can_read_objective(AnonymousUser(), target):
        return None
    if offer.team.visibility != Visibility.PUBLIC:
        return None
    thing = offer.key_result or offer.objective or offer.packet
    title = getattr(thing, "title", "")
    return Note(
        text=_("Someone offered to help with “%(thing)s” (%(team)s).")
        % {"thing": title, "team": offer.team.name},
        link=_link(f"/teams/{offer.team.slug}/offers/"),
        link_label=_("Leads: see the offers"),
    )
