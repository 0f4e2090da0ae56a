"""Pages: dataset upload (team leads), hosted NPS surveys (open, answer, results)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext

from okrs.measures import access, selectors, services
from okrs.measures.forms import AnswerForm, ImportForm, SurveyForm
from okrs.measures.models import SurveyResponse

ANON_COOKIE = "okrs_survey_id"


def import_data(request: HttpRequest) -> HttpResponse:
    """Upload a dataset file; all or nothing, with the problems listed by line and column."""
    access.require_import_data(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = outcomes = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report, outcomes = services.import_and_measure(
            kind=form.cleaned_data["kind"], stream=upload.file, filename=upload.name
        )
        status = 200 if report.ok else 422
    elif form.has_error("file", code="too_large"):
        status = 413  # as the API answers; the page says why and keeps the form
    context = {
        "form": form,
        "report": report,
        "outcomes": outcomes,
        "title": gettext("Import data"),
    }
    return render(request, "measures/import.html", context, status=status)


def survey_new(request: HttpRequest) -> HttpResponse:
    teams = access.led_teams(request.user)
    if not request.user.is_authenticated or not teams.exists():
        raise PermissionDenied(gettext("Only team leads may open surveys."))
    initial = {"team": teams.filter(slug=request.GET.get("team", "")).first()}
    form = SurveyForm(request.POST or None, teams=teams, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("measures:survey_results", survey.slug)
    return render(
        request, "measures/survey_form.html", {"form": form, "title": gettext("Open a survey")}
    )


def survey_results(request: HttpRequest, slug: str) -> HttpResponse:
    survey = access.get_survey_for_user(request.user, slug, manage=True)
    link = request.build_absolute_uri(reverse("measures:survey", args=[survey.slug]))
    context = {
        "survey": survey,
        "link": link,
        "results": selectors.survey_results(survey),
        "comments": selectors.recent_comments(survey),
        "key_results": _measured_key_results(request, survey.slug),
        "title": gettext("Survey: %(survey)s") % {"survey": survey},
    }
    return render(request, "measures/survey_results.html", context)


def _measured_key_results(request: HttpRequest, slug: str) -> list[Any]:
    """The key results the reader may see whose value is this survey's NPS (one query)."""
    from okrs.goals.access import visible_key_results

    return list(
        visible_key_results(request.user)
        .filter(measure_kind="nps", measure_params__survey=slug, archived=False)
        .select_related("objective__team")
        .order_by("objective__team__name", "objective__code", "code")[:20]
    )


def survey_close(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("measures:survey_results", slug)
    survey = access.get_survey_for_user(request.user, slug, manage=True)
    services.survey_close(survey=survey)
    return redirect("measures:survey_results", slug)


def survey(request: HttpRequest, slug: str) -> HttpResponse:
    """Answer a hosted survey (or change one's answer while it is open)."""
    survey = access.get_survey_for_user(request.user, slug)
    may_answer = access.can_answer_survey(request.user, survey) and survey.is_open()
    anonymous_id = "" if request.user.is_authenticated else _anonymous_id(request)
    mine = _current_answer(request, survey, anonymous_id)
    initial = {"score": mine.score, "comment": mine.comment} if mine else None
    form = AnswerForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied(
                gettext("You may not answer this survey (closed, or sign in first).")
            )
        if form.is_valid():
            new_id = anonymous_id or services.new_anonymous_id()
            services.survey_answer(
                survey=survey,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                respondent=request.user if request.user.is_authenticated else None,
                anonymous_id="" if request.user.is_authenticated else new_id,
            )
            response = redirect(f"{reverse('measures:survey', args=[slug])}?saved=1")
            if not request.user.is_authenticated and not anonymous_id:
                response.set_signed_cookie(
                    ANON_COOKIE, new_id, salt="okrs.survey", max_age=3600 * 24 * 365,
                    httponly=True, samesite="Lax",
                )  # fmt: skip
            return response
    saved = request.GET.get("saved") == "1"
    context = {"survey": survey, "form": form, "may_answer": may_answer, "mine": mine,
               "saved": saved, "title": survey.title,
               "login_url": resolve_url(settings.LOGIN_URL)}  # fmt: skip
    return render(request, "measures/survey.html", context, status=400 if form.errors else 200)


def _anonymous_id(request: HttpRequest) -> str:
    try:
        return request.get_signed_cookie(ANON_COOKIE, default="", salt="okrs.survey")
    except BadSignature:
        return ""


def _current_answer(
    request: HttpRequest, survey: object, anonymous_id: str
) -> SurveyResponse | None:
    responses = SurveyResponse.objects.filter(survey=survey)
    if request.user.is_authenticated:
        return responses.filter(respondent_id=request.user.pk).first()
    if anonymous_id:
        return responses.filter(anonymous_id=anonymous_id).first()
    return None
