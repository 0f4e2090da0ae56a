"""Invitations, leaving a team and deleting an account. Thin: access, then a service."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from okrs.accounts import services
from okrs.accounts.adapters import INVITATION_SESSION_KEY, signup_allowed
from okrs.accounts.forms import DeleteAccountForm, InvitationForm
from okrs.accounts.models import Invitation
from okrs.org.access import get_team_for_user
from okrs.org.models import Membership


def _form_errors(form: InvitationForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def team_invitations(request: HttpRequest, slug: str) -> HttpResponse:
    """Leads invite people by email and see the invitations sent (404 to those who may not read
    a private team, 403 to readers who do not lead it)."""
    team = get_team_for_user(request.user, slug, write=True)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(
                request.user, team, form.cleaned_data["email"], form.cleaned_data["role"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("accounts:team_invitations", slug=team.slug)
    invitations = Invitation.objects.filter(team=team).select_related("invited_by")[:100]
    return render(
        request,
        "accounts/team_invitations.html",
        {
            "team": team,
            "form": form,
            "invitations": invitations,
            "title": _("Invite people to %(team)s") % {"team": team.name},
        },
    )


@require_POST
def revoke_invitation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    team = get_team_for_user(request.user, slug, write=True)
    invitation = get_object_or_404(Invitation, pk=pk, team=team)
    services.revoke(request.user, invitation)
    messages.success(request, _("Invitation revoked."))
    return redirect("accounts:team_invitations", slug=team.slug)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the mail. An unknown, used, revoked or expired token is a 404 that says
    nothing about any team."""
    found = services.pending_invitation(token)
    if found is None:
        raise Http404(gettext("No such invitation."))
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{request.path}")
        try:
            services.accept(token, request.user)
        except ValidationError as exc:
            raise Http404(gettext("No such invitation.")) from exc
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(request, _("You joined %(team)s.") % {"team": found.team.name})
        return redirect("web:team", slug=found.team.slug)
    if not request.user.is_authenticated:
        # kept for the sign-up that follows; the address the mail reached counts as confirmed
        request.session[INVITATION_SESSION_KEY] = token
        get_adapter(request).stash_verified_email(request, found.email)
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": found,
            "can_sign_up": not request.user.is_authenticated and signup_allowed(request),
            "title": _("Join %(team)s") % {"team": found.team.name},
        },
    )


@require_POST
@login_required
def leave_team(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_team_for_user(request.user, slug)
    try:
        services.leave_team(request.user, team)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:team", slug=team.slug)
    messages.success(request, _("You left %(team)s.") % {"team": team.name})
    return redirect("web:home")


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = request.user
        logout(request)
        services.delete_account(person)  # type: ignore[arg-type]
        messages.success(request, _("Your account is deleted."))
        return redirect("web:home")
    teams = Membership.objects.filter(person=request.user).select_related("team")
    return render(
        request,
        "accounts/delete_account.html",
        {"form": form, "memberships": teams, "title": _("Delete your account")},
    )
