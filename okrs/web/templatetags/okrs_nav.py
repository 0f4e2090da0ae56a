"""The team menu every team page carries: what a team has, each link shown to those who may use
it. Drawn by the base layout on the pages under `/teams/<slug>/` (their views put the team in
the context), so no team page has to remember to include it."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from okrs.web.menus import team_menu_items

register = template.Library()


@register.inclusion_tag("web/_team_menu.html", takes_context=True)
def team_menu(context: template.Context) -> dict[str, Any]:
    team = context.get("team")
    request = context.get("request")
    if team is None or request is None or not getattr(team, "slug", None):
        return {"menu": None}
    if not request.path.startswith(reverse("web:team", args=[team.slug])):
        return {"menu": None}
    return {"menu": team_menu_items(request.user, team, request.path), "team": team}
