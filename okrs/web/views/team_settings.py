"""A team's settings page (`/teams/<slug>/settings/`, its leads and site admins): what the team
is, the GitHub repository its packets mirror and how often the worker syncs it, whether comments
go to the forum, and links to the team's other settings pages. Thin: access, a form, a service
of okrs.org.services (or okrs.talk.services), render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from okrs.org import services
from okrs.org.access import can_lead_team, get_team_for_user
from okrs.org.forms import DiscussionForm, RepositoryForm, TeamSettingsForm
from okrs.org.models import Team
from okrs.sync.models import SyncState
from okrs.talk.models import TeamTalkSettings
from okrs.talk.services import team_talk_settings_update
from okrs.web.views.editing import _save


def _refused(team: Team) -> PermissionDenied:
    return PermissionDenied(
        _("A team's settings are changed by its leads: you need the lead role in %(team)s.")
        % {"team": team.name}
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_settings(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_team_for_user(request.user, slug)
    if not can_lead_team(request.user, team):
        raise _refused(team)
    section = request.POST.get("section") if request.method == "POST" else None
    parents = services.parent_choices(team=team, actor=request.user)
    repos = list(SyncState.objects.filter(team=team).order_by("repo"))
    talk = TeamTalkSettings.objects.filter(team=team).first()
    forms: dict[str, BaseForm] = {
        "team": TeamSettingsForm(
            request.POST if section == "team" else None,
            parents=parents,
            initial={f: getattr(team, f) for f in services.TEAM_SETTINGS},
        ),
        "repo": RepositoryForm(
            request.POST if section == "repo" else None,
            initial={"repo": repos[0].repo, "every_minutes": repos[0].sync_every_minutes}
            if repos
            else None,
        ),
        "talk": DiscussionForm(
            request.POST if section == "talk" else None,
            initial={"mirror": bool(talk and talk.mirror_to_forum)},
        ),
    }
    if section in forms:
        form = forms[section]
        writes = {
            "team": lambda: services.team_settings_update(
                team=team, actor=request.user, **form.cleaned_data
            ),
            "repo": lambda: services.team_repository_set(
                team=team, actor=request.user, **form.cleaned_data
            ),
            "talk": lambda: team_talk_settings_update(
                team=team, actor=request.user, mirror_to_forum=form.cleaned_data["mirror"]
            ),
        }
        if _save(form, writes[section]) is not None:
            messages.success(request, _("Settings saved."))
            return redirect("web:team_settings", slug=team.slug)
    return render(
        request,
        "web/team_settings.html",
        {
            "team": team,
            "forms": forms,
            "repos": repos,
            "forum_configured": bool(getattr(settings, "OKRS_DISCOURSE_URL", "")),
            "title": _("Settings of %(team)s") % {"team": team.name},
        },
        status=400 if section in forms and forms[section].errors else 200,
    )
