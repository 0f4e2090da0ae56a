"""Teams, people and cohorts: read-only, filtered by what the caller may see."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from okrs.api.common import (
    CURSOR_PATTERN,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    items,
    page,
    paginate,
)
from okrs.api.errors import ERRORS, ApiError
from okrs.api.schemas import (
    CohortOut,
    CohortPage,
    PersonOut,
    PersonPage,
    Slug,
    TeamOut,
    TeamPage,
    Username,
)
from okrs.org.access import get_team_for_user, visible_cohorts, visible_teams
from okrs.org.models import Cohort
from okrs.org.selectors import team_list

router = Router(tags=["organization"])


class ListFilters(Schema):
    cursor: str | None = Field(None, max_length=200, pattern=CURSOR_PATTERN)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class TeamFilters(ListFilters):
    parent: Slug | None = None


TEAM_OUT = {
    "slug": "slug", "name": "name", "parent": "shown_parent", "description": "description",
    "visibility": "visibility", "tracker_url": "tracker_url", "discussion_url": "discussion_url",
}  # fmt: skip
"""A team as the API shows it, each key of `TeamOut` and the lookup it is read with
(`values()`); its parent by slug, named only to those who may read the parent
(`org.selectors.team_list`)."""


@router.get("/teams", response={200: TeamPage, **ERRORS})
def list_teams(request: HttpRequest, filters: Query[TeamFilters]) -> Any:
    # a parent the caller may not read is not named (nor can it be filtered on)
    teams = team_list(request.auth, parent=filters.parent or None)
    rows, cursor = paginate(teams.values("id", *TEAM_OUT.values()), filters.cursor, filters.limit)
    return page(items(rows, TEAM_OUT), cursor)


@router.get("/teams/{slug}", response={200: TeamOut, **ERRORS})
def get_team(request: HttpRequest, slug: Slug) -> Any:
    found = team_list(request.auth).filter(slug=slug).values(*TEAM_OUT.values())
    if not found:
        raise ApiError(404, "not_found", "No such team.")
    return items(found, TEAM_OUT)[0]


def _display_name(person: Any) -> str:
    try:
        return person.profile.display_name or person.get_full_name() or ""
    except Exception:  # no profile row
        return person.get_full_name() or ""


def person_out(person: Any) -> dict[str, Any]:
    return {"username": person.get_username(), "display_name": _display_name(person)}


def visible_people(user: Any) -> Any:
    """People in teams the caller may see, and the caller."""
    people = get_user_model().objects.filter(is_active=True)
    in_visible = Q(memberships__team__in=visible_teams(user).values("pk"))
    if user.is_authenticated:
        in_visible |= Q(pk=user.pk)
    return people.filter(in_visible).distinct().select_related("profile")


class PeopleFilters(ListFilters):
    team: Slug | None = None


@router.get("/people", response={200: PersonPage, **ERRORS})
def list_people(request: HttpRequest, filters: Query[PeopleFilters]) -> Any:
    people = visible_people(request.auth)
    if filters.team:
        team = get_team_for_user(request.auth, filters.team)
        people = people.filter(memberships__team=team)
    rows, cursor = paginate(people, filters.cursor, filters.limit)
    return page([person_out(p) for p in rows], cursor)


@router.get("/people/{username}", response={200: PersonOut, **ERRORS})
def get_person(request: HttpRequest, username: Username) -> Any:
    person = visible_people(request.auth).filter(username=username).first()
    if person is None:
        raise ApiError(404, "not_found", "No such person.")
    return person_out(person)


def cohort_out(cohort: Cohort) -> dict[str, Any]:
    return {
        "slug": cohort.slug,
        "name": cohort.name,
        "team": cohort.team.slug if cohort.team else None,
        "description": cohort.description,
        "size": cohort.size,  # type: ignore[attr-defined]
    }


class CohortFilters(ListFilters):
    team: Slug | None = None


@router.get("/cohorts", response={200: CohortPage, **ERRORS})
def list_cohorts(request: HttpRequest, filters: Query[CohortFilters]) -> Any:
    cohorts = visible_cohorts(request.auth).annotate(size=Count("members"))
    if filters.team:
        cohorts = cohorts.filter(team__slug=filters.team)
    rows, cursor = paginate(cohorts, filters.cursor, filters.limit)
    return page([cohort_out(c) for c in rows], cursor)


@router.get("/cohorts/{slug}", response={200: CohortOut, **ERRORS})
def get_cohort(request: HttpRequest, slug: Slug) -> Any:
    cohort = visible_cohorts(request.auth).annotate(size=Count("members")).filter(slug=slug).first()
    if cohort is None:
        raise ApiError(404, "not_found", "No such cohort.")
    return cohort_out(cohort)
