"""Writes on teams. One keyword-only function per action, holding every rule of it, so the team
settings page, the command line and any later API endpoint behave the same."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from okrs.org.access import User, can_lead_team, is_site_admin
from okrs.org.models import Membership, Role, Team, Visibility

if TYPE_CHECKING:
    from okrs.sync.models import SyncState

TEAM_SETTINGS = (
    "name",
    "description",
    "visibility",
    "parent",
    "tracker_url",
    "discussion_url",
    "follows_parent_heartbeats",
)


def parent_choices(*, team: Team, actor: User) -> QuerySet[Team]:
    """The teams `team` may be placed under by `actor`: any team for a site admin, else the teams
    the actor leads and the current parent; never the team itself or one of its descendants."""
    below = _descendant_ids(team)
    teams = Team.objects.exclude(pk__in=below | {team.pk})
    if is_site_admin(actor):
        return teams.order_by("order", "name")
    led = Membership.objects.filter(person_id=actor.pk, role=Role.LEAD).values("team_id")
    return teams.filter(Q(pk__in=led) | Q(pk=team.parent_id or 0)).order_by("order", "name")


def _descendant_ids(team: Team) -> set[int]:
    """Every team below `team`, read as one list of (id, parent) pairs."""
    children: dict[int, list[int]] = {}
    for pk, parent_id in Team.objects.filter(parent__isnull=False).values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    stack = list(children.get(team.pk, []))
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack += children.get(pk, [])
    return found


@transaction.atomic
def team_settings_update(
    *,
    team: Team,
    actor: User,
    name: str,
    description: str,
    visibility: str,
    parent: Team | None,
    tracker_url: str = "",
    discussion_url: str = "",
    follows_parent_heartbeats: bool = False,
) -> Team:
    """A team's lead (or a site admin) changes what the team is: its name, description,
    visibility, links and place in the tree. A lead may place the team only under a team they
    also lead (or leave it where it is); making a team top-level, which lets its leads set up
    periods, is for site admins. Refuses a cycle and a calendar of a parent the team has not."""
    if not can_lead_team(actor, team):
        raise PermissionDenied(_("Only the team's leads may change its settings."))
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Give the team a name.")
    if visibility not in Visibility.values:
        errors["visibility"] = _("Choose public or private.")
    parent_id = parent.pk if parent is not None else None
    if parent_id != team.parent_id:
        if parent is None and not is_site_admin(actor):
            errors["parent"] = _("Only a site admin may make a team top-level.")
        elif (
            parent is not None
            and not parent_choices(team=team, actor=actor).filter(pk=parent.pk).exists()
        ):
            errors["parent"] = (
                _("A team cannot be placed under itself or a team below it.")
                if parent.pk == team.pk or parent.pk in _descendant_ids(team)
                else _("You may place the team only under a team you lead.")
            )
    if follows_parent_heartbeats and parent is None:
        errors["follows_parent_heartbeats"] = _("A top-level team has no parent calendar.")
    if errors:
        raise ValidationError(errors)
    values = {
        "name": name,
        "description": description.strip(),
        "visibility": visibility,
        "parent": parent,
        "tracker_url": tracker_url.strip(),
        "discussion_url": discussion_url.strip(),
        "follows_parent_heartbeats": bool(follows_parent_heartbeats),
    }
    changed = [field for field, value in values.items() if getattr(team, field) != value]
    for field in changed:
        setattr(team, field, values[field])
    if changed:
        team.save(update_fields=changed)
    if "visibility" in changed:
        # who reads the team's objectives changed: its kept rollups (goals reads org: imported late)
        from okrs.goals.scores import keep_team_rollups

        keep_team_rollups(teams=[team.pk])
    return team


@transaction.atomic
def team_repository_set(*, team: Team, actor: User, repo: str, every_minutes: int) -> SyncState:
    """A team's lead follows a GitHub repository for the team's packets, or changes how often
    the worker syncs it (0: only by hand and webhooks), through the same settings as
    `okrs sync github OWNER/REPO --team SLUG --every MINUTES`. Returns the repository's
    `SyncState`; the worker's next look (every minute) picks the change up."""
    from okrs.sync.github import sync_state_for

    if not can_lead_team(actor, team):
        raise PermissionDenied(_("Only the team's leads may change its settings."))
    if every_minutes < 0:
        raise ValidationError({"every_minutes": _("Give 0 or more minutes (0: only by hand).")})
    repo = repo.strip().removeprefix("https://github.com/").strip("/")
    try:
        return sync_state_for(repo=repo, team=team, every=every_minutes)
    except ValidationError as exc:
        raise ValidationError({"repo": exc.messages}) from exc
