"""Error pages 400, 403, 404 and 500 in the site's layout, with the reason and ways back
(DEBUG off, as in production)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from okrs import urls as site_urls
from tests.web.helpers import html


def _raise(exception: Exception):  # type: ignore[no-untyped-def]
    def view(request):  # type: ignore[no-untyped-def]
        raise exception

    return view


urlpatterns = [
    *site_urls.urlpatterns,
    path("boom/400/", _raise(SuspiciousOperation("bad"))),
    path("boom/403/", _raise(PermissionDenied("Only a lead of Mozilla Reps may do this."))),
    path("boom/500/", _raise(RuntimeError("secret detail"))),
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _layout(page: str) -> None:
    assert 'class="site-header"' in page and 'class="site-footer"' in page
    assert 'href="/">Go to the overview</a>' in page
    assert "/static/okrs/site.css" in page or "site.css" in page


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/boom/400/", 400, "This request could not be understood"),
        ("/boom/403/", 403, "Only a lead of Mozilla Reps may do this."),
        ("/no/such/page/", 404, "There is nothing to show here"),
        ("/objectives/999999/", 404, "belongs to a team whose goals are private"),
    ],
)
def test_error_pages_say_why_in_the_sites_layout(url: str, status: int, words: str) -> None:
    client = Client()
    if status == 403:
        # an anonymous visitor is sent to log in instead (one way in, tests/web/test_navigation.py)
        from django.contrib.auth.models import User

        client.force_login(User.objects.create_user("signed-in"))
    response = client.get(url)
    assert response.status_code == status
    page = html(response)
    _layout(page)
    assert words in page
    assert f"Error {status}" in page
    if status == 404:  # an anonymous reader is offered to log in
        assert "/accounts/login/?next=" in page


@override_settings(DEBUG=False)
def test_server_error_page_shows_no_detail_and_needs_no_request_context() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/500/")
    assert response.status_code == 500
    page = html(response)
    _layout(page)
    assert "Something went wrong on our side" in page and "secret detail" not in page


@override_settings(DEBUG=False)
def test_expired_form_says_so() -> None:
    from django.views.csrf import csrf_failure

    response = csrf_failure(RequestFactory().post("/"), reason="CSRF token missing.")
    assert response.status_code == 403
    page = response.content.decode()
    _layout(page)
    assert "This form has expired" in page
