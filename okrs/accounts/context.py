from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def signup(request: HttpRequest) -> dict[str, bool]:
    """Whether the top bar offers "Sign up" (only when anyone may)."""
    return {"okrs_signup_open": settings.OKRS_SIGNUP == "open"}
