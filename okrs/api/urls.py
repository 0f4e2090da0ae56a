"""The token settings page and the pages of the hooks app (the API v1 itself is mounted first of
all in `okrs.urls`)."""

from django.urls import include, path

from okrs.api import views

settings_patterns = (
    [
        path("settings/tokens/", views.tokens, name="tokens"),
        path("settings/tokens/<int:pk>/revoke/", views.revoke, name="revoke-token"),
    ],
    "api",
)
urlpatterns = [
    path("", include(settings_patterns)),
    path("", include("okrs.hooks.urls")),
]
