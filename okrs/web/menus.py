"""Reads for finding things by links: the team menu, the teams index and the periods index.
Each runs a fixed number of queries whatever the number of teams or periods."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from okrs.goals.models import Objective, ObjectiveState, Period
from okrs.heartbeats.models import Heartbeat
from okrs.heartbeats.selectors import calendar_team
from okrs.org.access import User, is_site_admin, team_role, visible_teams
from okrs.org.models import Membership, Role, Team


@dataclass
class MenuItem:
    label: str
    url: str
    current: bool = False
    count: int = 0


def team_menu_items(user: User, team: Team, path: str = "") -> list[MenuItem]:
    """The links of a team's menu the reader may use: readers see what the team has; its leads
    (and site admins) also what they run (import a post, surveys, datasets, offers, webhooks)."""
    leads = is_site_admin(user) or team_role(user, team) == Role.LEAD
    slug = team.slug
    items = [
        MenuItem(_("Objectives"), reverse("web:team", args=[slug])),
        MenuItem(_("Heartbeats"), reverse("heartbeats:list", args=[slug])),
    ]
    today = timezone.localdate()
    current = (
        Heartbeat.objects.filter(team=calendar_team(team), start__lte=today, end__gte=today)
        .only("pk")
        .first()
    )
    if current is not None:
        items.append(MenuItem(_("Board"), reverse("heartbeats:board", args=[slug, current.pk])))
    items.append(MenuItem(_("Packets"), reverse("heartbeats:packets", args=[slug])))
    if leads:
        from okrs.talk.models import Offer, OfferState

        offers = Offer.objects.filter(team=team, state=OfferState.OPEN).count()
        items += [
            MenuItem(_("New objective"), reverse("web:objective_new") + f"?team={slug}"),
            MenuItem(_("Import a post"), reverse("documents:paste", args=[slug])),
            MenuItem(_("Surveys"), reverse("web:surveys") + f"?team={slug}"),
            MenuItem(_("Datasets"), reverse("measures:import")),
            MenuItem(_("Offers"), reverse("talk:offers", args=[slug]), count=offers),
            MenuItem(_("Webhooks"), reverse("hooks:webhooks", args=[slug])),
            MenuItem(_("Settings"), reverse("web:team_settings", args=[slug])),
        ]
    best = max(
        (i for i in items if path.startswith(i.url.split("?")[0].split("#")[0])),
        key=lambda i: len(i.url),
        default=None,
    )
    if best is not None:
        best.current = True
    return items


@dataclass
class TeamEntry:
    team: Team
    depth: int
    role: str | None
    objectives: int
    children: list[TeamEntry] = field(default_factory=list)


def teams_index(user: User, period: Period | None) -> list[TeamEntry]:
    """Every team the reader may see, as a tree in order (parents before their children), with
    the reader's role and the number of objectives the reader may see in `period`: 3 queries."""
    from okrs.goals.access import visible_objectives

    teams = list(visible_teams(user).order_by("order", "name"))
    roles = (
        dict(Membership.objects.filter(person_id=user.pk).values_list("team_id", "role"))
        if user.is_authenticated
        else {}
    )
    counts: dict[int, int] = {}
    if period is not None:
        counts = dict(
            Objective.objects.filter(pk__in=visible_objectives(user).values("pk"), period=period)
            .exclude(state=ObjectiveState.ARCHIVED)
            .values("team_id")
            .annotate(n=Count("id"))
            .values_list("team_id", "n")
        )
    entries = {t.pk: TeamEntry(t, 0, roles.get(t.pk), counts.get(t.pk, 0)) for t in teams}
    roots = []
    for entry in entries.values():
        parent = entries.get(entry.team.parent_id) if entry.team.parent_id else None
        (parent.children if parent else roots).append(entry)
    ordered: list[TeamEntry] = []

    def walk(nodes: list[TeamEntry], depth: int) -> None:
        for node in nodes:
            if len(ordered) > len(entries):  # a cycle the model forbids: never loop
                return
            node.depth = depth
            ordered.append(node)
            walk(node.children, depth + 1)

    walk(roots, 0)
    return ordered


@dataclass
class PeriodEntry:
    period: Period
    objectives: int
    current: bool


def periods_index(user: User) -> list[PeriodEntry]:
    """Every period, newest first, with the number of objectives the reader may see: 2 queries."""
    from okrs.goals.access import visible_objectives

    today = timezone.localdate()
    counts = dict(
        Objective.objects.filter(pk__in=visible_objectives(user).values("pk"))
        .exclude(state=ObjectiveState.ARCHIVED)
        .values("period_id")
        .annotate(n=Count("id"))
        .values_list("period_id", "n")
    )
    return [
        PeriodEntry(p, counts.get(p.pk, 0), p.contains(today))
        for p in Period.objects.order_by("-start")
    ]


def can_create_period(user: User) -> bool:
    """Site admins and the leads of a top-level team set up periods."""
    if is_site_admin(user):
        return True
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        person_id=user.pk, role=Role.LEAD, team__parent__isnull=True
    ).exists()
