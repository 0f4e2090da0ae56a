"""The weekly digest and the published post, for the channels that chose them: a team's public
objectives of the current period with their grade and status."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from okrs.chat.models import Channel, Topic
from okrs.chat.notes import in_site_language, status_label
from okrs.chat.services import announce, site_link
from okrs.core.chat import Note
from okrs.goals.access import visible_objectives
from okrs.goals.models import Period
from okrs.goals.selectors import current_period, scoreboard
from okrs.org.models import Team, Visibility


def _grade(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@in_site_language
def team_note(team: Team, period: Period, heading: str, on: dt.date | None = None) -> Note:
    public = visible_objectives(AnonymousUser()).filter(team=team, period=period)
    board = scoreboard(period, public, on=on)
    lines = [
        f"{row.objective.code + ' ' if row.objective.code else ''}{row.objective.title}:"
        f" {_grade(row.grade)}, {status_label(row.status)}"
        for team_row in board.teams
        for row in team_row.objectives
    ]
    grade = board.teams[0].grade if board.teams else None
    return Note(
        text=heading % {"team": team.name, "period": str(period), "grade": _grade(grade)},
        lines=tuple(lines) or (_("No public objectives yet."),),
        link=site_link(f"/teams/{team.slug}/?period={period.slug}"),
        link_label=_("All of %(team)s's OKRs") % {"team": team.name},
    )


def _teams_listening(topic: str, team: Team | None = None) -> list[Team]:
    channels = Channel.objects.filter(active=True, team__visibility=Visibility.PUBLIC)
    if team is not None:
        channels = channels.filter(team=team)
    ids = {c.team_id for c in channels if topic in c.topics}
    return list(Team.objects.filter(pk__in=ids))


def send_weekly(period: Period | None = None) -> int:
    """Queue the digest for every public team with a channel that chose it."""
    period = period or current_period()
    if period is None:
        return 0
    heading = _("Weekly digest of %(team)s, %(period)s: team grade %(grade)s.")
    return sum(
        announce([team.pk], Topic.DIGEST, team_note(team, period, heading))
        for team in _teams_listening(Topic.DIGEST)
    )


def send_post(period: Period, team: Team | None = None, on: dt.date | None = None) -> int:
    """`okrs publish --chat`: the period's post, team by team, to the channels that chose it."""
    heading = _("The OKRs of %(team)s for %(period)s are published: team grade %(grade)s.")
    return sum(
        announce([t.pk], Topic.POST, team_note(t, period, heading, on))
        for t in _teams_listening(Topic.POST, team)
    )
