"""The inline check-in: htmx swaps the re-rendered row or panel in place; without JavaScript
the form posts and redirects back."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from okrs.goals.access import get_key_result_for_user
from okrs.goals.forms import CheckInForm, checkin_form
from okrs.goals.selectors import KeyResultRow
from okrs.goals.services import checkin_create
from okrs.web import selectors


def checkin_form_for(row: KeyResultRow, data: object = None) -> CheckInForm:
    """The check-in form of a key result row, defaulting to its last value and confidence."""
    return checkin_form(
        key_result=row.key_result, value=row.score.value, confidence=row.score.confidence, data=data
    )


@login_required
@require_POST
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = get_key_result_for_user(request.user, pk, action="checkin")
    row = selectors.score_key_result(key_result)
    form = checkin_form_for(row, request.POST)
    if form.is_valid():
        try:
            checkin_create(
                key_result=key_result,
                value=form.cleaned_data["value"],
                confidence=form.confidence_fraction(),
                note=form.cleaned_data["note"],
                author=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    if not form.errors:
        form = None
    return _respond(request, key_result, form)


def _respond(request: HttpRequest, key_result, form: CheckInForm | None) -> HttpResponse:
    fragment = request.POST.get("fragment", "panel")
    if request.htmx and fragment == "row":
        row = selectors.score_key_result(key_result)
        row.can_checkin = True  # type: ignore[attr-defined]
        row.checkin_form = form or checkin_form_for(row)  # type: ignore[attr-defined]
        objective = key_result.objective
        scored = selectors.scored_objectives(request.user, objective).get(objective.pk)
        return render(
            request,
            "web/_kr_row.html",
            {"kr_row": row, "saved": form is None, "objective_row": scored, "oob": True},
        )
    from okrs.web.views.pages import key_result_context

    context = key_result_context(request, key_result, form=form)
    if request.htmx:
        context["saved"] = form is None
        return render(request, "web/_kr_live.html", context)
    if form is not None:
        return render(request, "web/key_result.html", context, status=400)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("web:key_result", args=[key_result.pk])
    return redirect(back)
