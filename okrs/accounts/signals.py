"""Receivers: an invitation opened before signing up is accepted with the new account; a
GitHub account linked or signed in with refreshes the profile's GitHub login."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_signed_up
from allauth.socialaccount.signals import social_account_added, social_account_updated
from django.dispatch import receiver

from okrs.accounts import adapters, services


@receiver(user_signed_up)
def accept_invitation_on_sign_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    token = adapters.invitation_in_session(request) if request is not None else None
    if token is not None:
        services.accept(token, user)
        request.session.pop(adapters.INVITATION_SESSION_KEY, None)


@receiver(social_account_added)
@receiver(social_account_updated)
def refresh_github_login(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
    adapters.fill_profile(sociallogin)
