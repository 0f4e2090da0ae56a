"""allauth's hooks: who may sign up (OKRS_SIGNUP and invitations), which email may link a
social account to an existing one, and the GitHub login a GitHub sign-in fills in."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils.translation import gettext

from okrs.accounts import services

INVITATION_SESSION_KEY = "okrs_invitation"


def invitation_in_session(request: HttpRequest) -> str | None:
    """The token of a pending invitation the visitor opened in this session, if any."""
    token = request.session.get(INVITATION_SESSION_KEY) if hasattr(request, "session") else None
    if token and services.pending_invitation(token) is not None:
        return str(token)
    return None


def signup_allowed(request: HttpRequest) -> bool:
    mode = settings.OKRS_SIGNUP
    if mode == "open":
        return True
    if mode == "invite":
        return invitation_in_session(request) is not None
    return False


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return signup_allowed(request)


def may_link_by_email(user: Any, email: str) -> bool:
    """A provider's verified email signs in to (and links) an existing account only when that
    account's address is verified here too, or was set by the operator (an account with no
    allauth address at all, made with `okrs create-user`). An address someone typed at sign-up
    and never confirmed links nothing: else whoever signed up first with another's address
    would get that person's sign-in."""
    addresses = EmailAddress.objects.filter(user=user)
    if addresses.filter(email__iexact=email, verified=True).exists():
        return True
    return not addresses.exists() and user.email.lower() == email.lower()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return signup_allowed(request)

    def get_app(self, request: HttpRequest, provider: Any, client_id: Any = None) -> Any:
        """A provider that is not configured is a 404 (allauth would answer 500)."""
        try:
            return super().get_app(request, provider, client_id)
        except SocialApp.DoesNotExist:
            raise Http404(gettext("No such sign-in provider.")) from None

    def authenticate_by_email(self, sociallogin: SocialLogin) -> tuple[Any, str] | None:
        found = super().authenticate_by_email(sociallogin)
        if found is None or not may_link_by_email(found[0], found[1]):
            return None
        return found

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Signing in by a provider's verified email (`may_link_by_email` allowed it) confirms
        that address here too: the provider checked it."""
        email = getattr(sociallogin, "_did_authenticate_by_email", None)
        user = sociallogin.user
        if email and user is not None and user.pk is not None:
            primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
            address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
            if address is None:
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=primary)
            elif not address.verified:
                address.verified = True
                address.save(update_fields=["verified"])

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        fill_profile(sociallogin)
        return user


def fill_profile(sociallogin: SocialLogin) -> None:
    """A GitHub sign-in sets the profile's GitHub login (the tracker sync matches assignees by
    it) and, when empty, the display name."""
    from okrs.org.models import Profile

    account = sociallogin.account
    if account.provider != "github" or sociallogin.user is None or sociallogin.user.pk is None:
        return
    login = str(account.extra_data.get("login") or "").strip()
    if not login:
        return
    profile, _ = Profile.objects.get_or_create(person=sociallogin.user)
    profile.github_login = login
    if not profile.display_name:
        profile.display_name = str(account.extra_data.get("name") or "")[:200]
    profile.save(update_fields=["github_login", "display_name"])
