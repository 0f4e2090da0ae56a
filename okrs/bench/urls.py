"""The site's URLs plus the trivial view that is the framework floor of `okrs bench run`."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from okrs.urls import urlpatterns as site


def trivial(request: HttpRequest) -> HttpResponse:
    """The floor: a view that does nothing, behind the same middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *site]
