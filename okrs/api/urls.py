"""The API v1, the token settings page, and the pages of the hooks app."""

from django.urls import include, path

from okrs.api import views
from okrs.api.api import api

settings_patterns = (
    [
        path("settings/tokens/", views.tokens, name="tokens"),
        path("settings/tokens/<int:pk>/revoke/", views.revoke, name="revoke-token"),
    ],
    "api",
)
urlpatterns = [
    path("api/v1/", api.urls),
    path("", include(settings_patterns)),
    path("", include("okrs.hooks.urls")),
]
