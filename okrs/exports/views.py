"""The pages' CSV downloads (the API's are in okrs.exports.api)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from okrs.exports.csvrows import checkins_csv, period_csv
from okrs.goals.access import get_key_result_for_user
from okrs.goals.models import Period
from okrs.web.views.pages import _parse_day


@require_GET
def period_download(request: HttpRequest, slug: str) -> HttpResponse:
    period = get_object_or_404(Period, slug=slug)
    return period_csv(request.user, period, on=_parse_day(request.GET.get("on")))


@require_GET
def checkins_download(request: HttpRequest, pk: int) -> HttpResponse:
    return checkins_csv(get_key_result_for_user(request.user, pk))
