"""The settings page where people make and revoke their personal access tokens."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from okrs.api import services
from okrs.api.models import AccessToken
from okrs.labels import Labelled
from okrs.security.forms import CheckedValues


class TokenForm(Labelled, CheckedValues, forms.Form):
    name = forms.CharField(max_length=100, help_text=_("What the token is for."))
    read_only = forms.BooleanField(required=False, help_text=_("Reads only; every write gets 403."))


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        token, raw = services.token_create(
            person=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
        )
        created = {"token": token, "raw": raw}
        form = TokenForm()
    rows = AccessToken.objects.filter(person_id=request.user.pk)
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": rows, "created": created, "title": gettext("Access tokens")},
        status=201 if created else 200,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = AccessToken.objects.filter(person_id=request.user.pk, pk=pk).first()
    if token is None:
        raise Http404(gettext("No such token."))
    services.token_revoke(token=token)
    return redirect("api:tokens")
