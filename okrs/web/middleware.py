"""One way in: a page that needs an account sends an anonymous visitor to the login page and
back, whichever app refused (every page refuses with `PermissionDenied`); a signed-in reader
whose role does not allow the page gets the 403 page in the site's layout (`403.html`), which
says the role needed. The API answers in JSON itself and is left alone."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

API_PREFIX = "/api/"


class LoginForAnonymousMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # `login_required` sends a posted form's visitor back to the form's action, which a GET
        # after logging in cannot replay (405): back to the page the form was on instead
        if (
            request.method not in ("GET", "HEAD")
            and response.status_code == 302
            and response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL) + "?")
            and not request.user.is_authenticated
        ):
            return redirect_to_login(_back_to(request))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated or request.path.startswith(API_PREFIX):
            return None
        response = redirect_to_login(_back_to(request))
        if getattr(request, "htmx", False):
            # htmx would swap the login page into a fragment: have it load the page instead
            answer = HttpResponse(status=204)
            answer["HX-Redirect"] = response["Location"]
            return answer
        return response


def _back_to(request: HttpRequest) -> str:
    """Where to come back after logging in: this page, or for a form posted here, the page the
    form was on (a POST cannot be replayed by a redirect)."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path
