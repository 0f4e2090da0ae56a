"""Create and edit periods (site admins, and the leads of a top-level team), through
`okrs.goals.services.period_create` / `period_update` as the CLI and API would."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from okrs.goals import services
from okrs.goals.forms import PeriodForm, next_period_initial
from okrs.goals.models import Period
from okrs.web.menus import can_create_period
from okrs.web.views.editing import _save

NEEDED = gettext_lazy("Periods are set up by site admins and the leads of a top-level team.")


@login_required
@require_http_methods(["GET", "POST"])
def period_new(request: HttpRequest) -> HttpResponse:
    if not can_create_period(request.user):
        raise PermissionDenied(NEEDED)
    initial = next_period_initial(Period.objects.order_by("-end").first(), timezone.localdate())
    form = PeriodForm(request.POST if request.method == "POST" else None, initial=initial)
    period = _save(form, lambda: services.period_create(**form.cleaned_data))
    if period is not None:
        messages.success(
            request,
            gettext("Period %(period)s created. Split it into heartbeats per team.")
            % {"period": period},
        )
        return redirect("web:periods")
    return render(
        request,
        "web/period_form.html",
        {"form": form, "title": gettext("New period")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if not can_create_period(request.user):
        raise PermissionDenied(NEEDED)
    period = get_object_or_404(Period, slug=slug)
    initial = {"slug": period.slug, "name": period.name, "start": period.start, "end": period.end}
    form = PeriodForm(request.POST if request.method == "POST" else None, initial=initial)
    done = _save(form, lambda: services.period_update(period=period, changes=form.cleaned_data))
    if done is not None:
        messages.success(request, gettext("Period %(done)s saved.") % {"done": done})
        return redirect("web:periods")
    return render(
        request,
        "web/period_form.html",
        {
            "form": form,
            "period": period,
            "title": gettext("Edit %(period)s") % {"period": period},
        },
        status=400 if form.errors else 200,
    )
