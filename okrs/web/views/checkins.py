"""The inline check-in: htmx swaps the re-rendered row or panel in place; without JavaScript
the form posts and redirects back. A row of a page fetches its form when it is opened (GET), so
that a page of a hundred key results does not carry a hundred forms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

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
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = get_key_result_for_user(request.user, pk, action="checkin")
    row = selectors.score_key_result(key_result)
    if request.method == "GET":
        return _form(request, key_result, row)
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


def _form(request: HttpRequest, key_result, row: KeyResultRow) -> HttpResponse:
    """The form of a row, asked for by htmx when the row's check-in is opened; a plain GET (no
    JavaScript, or a shared link) goes to the key result's page, which has the form."""
    if not request.htmx:
        return redirect("web:key_result", key_result.pk)
    return render(
        request,
        "web/_checkin_form.html",
        {
            "kr": key_result,
            "form": checkin_form_for(row),
            "target": "closest tr",
            "fragment": "row",
            "next": _safe_next(request, request.GET.get("next", ""))
            or reverse("web:key_result", args=[key_result.pk]),
        },
    )


def _safe_next(request: HttpRequest, back: str) -> str:
    """`back` if it is a path of this site, else the empty string."""
    allowed = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    return back if allowed else ""


def _respond(request: HttpRequest, key_result, form: CheckInForm | None) -> HttpResponse:
    fragment = request.POST.get("fragment", "panel")
    if request.htmx and fragment == "row":
        row = selectors.score_key_result(key_result)
        row.can_checkin = True  # type: ignore[attr-defined]
        row.checkin_form = form  # type: ignore[attr-defined]  # None: fetched when opened
        objective = key_result.objective
        scored = selectors.scored_objectives(request.user, objective).get(objective.pk)
        return render(
            request,
            "web/_kr_row.html",
            {
                "kr_row": row,
                "saved": form is None,
                "objective_row": scored,
                "oob": True,
                "back": _safe_next(request, request.POST.get("next", "")),
            },
        )
    from okrs.web.views.pages import key_result_context

    context = key_result_context(request, key_result, form=form)
    if request.htmx:
        context["saved"] = form is None
        return render(request, "web/_kr_live.html", context)
    if form is not None:
        return render(request, "web/key_result.html", context, status=400)
    back = _safe_next(request, request.POST.get("next", ""))
    return redirect(back or reverse("web:key_result", args=[key_result.pk]))
