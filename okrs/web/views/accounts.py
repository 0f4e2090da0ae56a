"""Log in and out, passwords and personal settings, on Django's auth views with our templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from okrs.accounts.selectors import email_confirmed
from okrs.accounts.services import change_email
from okrs.labels import Labelled
from okrs.org.models import Membership, Profile
from okrs.security.forms import CheckedValues


class ConfirmedAuthenticationForm(Labelled, CheckedValues, AuthenticationForm):
    """Django's log-in form; repeated failures are locked out by django-axes at the
    authentication backend (settings.AXES_*), which answers 429 (security/locked_out.html)."""

    def confirm_login_allowed(self, user: Any) -> None:
        """An account made by signing up logs in the first time once its address is confirmed
        (accounts made with `okrs create-user` have no allauth address and are not concerned)."""
        super().confirm_login_allowed(user)
        if user.last_login is None and not email_confirmed(user):
            raise forms.ValidationError(
                gettext(
                    "Confirm your email address first: follow the link in the mail we sent you."
                ),
                code="unconfirmed",
            )


class LoginView(auth.LoginView):
    template_name = "registration/login.html"
    authentication_form = ConfirmedAuthenticationForm
    extra_context = {"title": gettext_lazy("Log in")}


class LogoutView(auth.LogoutView):
    next_page = reverse_lazy("web:home")


class PasswordChangeView(auth.PasswordChangeView):
    template_name = "registration/change_password.html"
    success_url = reverse_lazy("web:password_change_done")
    extra_context = {"title": gettext_lazy("Change password")}


class PasswordChangeDoneView(auth.PasswordChangeDoneView):
    template_name = "registration/change_password_done.html"
    extra_context = {"title": gettext_lazy("Password changed")}


class PasswordResetView(auth.PasswordResetView):
    template_name = "registration/reset_password.html"
    email_template_name = "registration/reset_password_email.txt"
    subject_template_name = "registration/reset_password_subject.txt"
    success_url = reverse_lazy("web:password_reset_done")
    extra_context = {"title": gettext_lazy("Reset password")}


class PasswordResetDoneView(auth.PasswordResetDoneView):
    template_name = "registration/reset_password_sent.html"
    extra_context = {"title": gettext_lazy("Check your mail")}


class PasswordResetConfirmView(auth.PasswordResetConfirmView):
    template_name = "registration/reset_password_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")
    extra_context = {"title": gettext_lazy("Choose a new password")}


class PasswordResetCompleteView(auth.PasswordResetCompleteView):
    template_name = "registration/reset_password_complete.html"
    extra_context = {"title": gettext_lazy("Password reset")}


class SettingsForm(Labelled, CheckedValues, forms.ModelForm):
    email = forms.EmailField(required=False, help_text=_("For password resets."))

    class Meta:
        model = Profile
        fields = ["display_name", "github_login", "discourse_username"]
        labels = {
            "github_login": gettext_lazy("GitHub login"),
            "discourse_username": gettext_lazy("Discourse username"),
        }

    def clean_github_login(self) -> str:
        login = self.cleaned_data["github_login"].strip().lstrip("@")
        if login and not all(c.isalnum() or c == "-" for c in login):
            raise forms.ValidationError(_("A GitHub login has only letters, digits and dashes."))
        return login


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    profile = Profile.objects.filter(person=request.user).first() or Profile(person=request.user)
    form = SettingsForm(
        request.POST or None, instance=profile, initial={"email": request.user.email}
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.cleaned_data["email"] != request.user.email:
            change_email(request, form.cleaned_data["email"])
        messages.success(request, gettext("Your settings are saved."))
        return redirect("web:settings")
    memberships = Membership.objects.filter(person=request.user).select_related("team")
    return render(
        request,
        "registration/settings.html",
        {"form": form, "memberships": memberships, "title": "Settings"},
    )
