"""Who may import datasets, open surveys, see their results and answer them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from okrs.measures.models import Survey
from okrs.org.access import User, can_lead_team, can_read_team, is_site_admin
from okrs.org.models import Membership, Role, Team, Visibility


def led_teams(user: User) -> QuerySet[Team]:
    """Teams the user leads (every team for site admins)."""
    if is_site_admin(user):
        return Team.objects.all()
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(
        pk__in=Membership.objects.filter(person_id=user.pk, role=Role.LEAD).values("team_id")
    )


def can_import_data(user: User) -> bool:
    """Datasets feed every team's computed KRs: team leads and site admins import them."""
    return is_site_admin(user) or led_teams(user).exists()


def require_import_data(user: User) -> None:
    if not can_import_data(user):
        raise PermissionDenied(gettext("Only team leads may import datasets."))


def can_manage_survey(user: User, survey: Survey) -> bool:
    """The leads of the survey's team (site admins for surveys without a team)."""
    if survey.team_id is None:
        return is_site_admin(user)
    return can_lead_team(user, survey.team)


def in_survey_cohort(user: User, survey: Survey) -> bool:
    if survey.cohort_id is None:
        return True
    return bool(user.is_authenticated) and survey.cohort.members.filter(pk=user.pk).exists()


def in_private_team(survey: Survey) -> bool:
    return survey.team is not None and survey.team.visibility == Visibility.PRIVATE


def can_answer_survey(user: User, survey: Survey) -> bool:
    """Hosted surveys only. Signed-in people answer when the survey has no cohort or they are
    in it; anyone with the link answers when anonymous answers are allowed. A private team's
    survey exists only for those who may read the team."""
    if not survey.hosted:
        return False
    if in_private_team(survey) and not can_read_team(user, survey.team):
        return False
    if user.is_authenticated and in_survey_cohort(user, survey):
        return True
    return survey.allow_anonymous


def get_survey_for_user(user: User, slug: str, *, manage: bool = False) -> Survey:
    """The survey to answer (or, with ``manage``, to see results of); 404 when the user may
    neither answer nor manage it, 403 when they may answer but not manage."""
    survey = Survey.objects.select_related("team", "cohort").filter(slug=slug).first()
    if survey is None:
        raise Http404(gettext("No such survey."))
    manager = can_manage_survey(user, survey)
    if manage:
        if manager:
            return survey
        if survey.team is not None and can_read_team(user, survey.team):
            raise PermissionDenied(gettext("Only the team's leads see the answers."))
        raise Http404(gettext("No such survey."))
    anonymous_visit = not user.is_authenticated and survey.hosted and not in_private_team(survey)
    if manager or can_answer_survey(user, survey) or anonymous_visit:
        return survey  # anonymous visitors are asked to sign in
    raise Http404(gettext("No such survey."))
