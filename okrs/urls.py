from django.contrib import admin
from django.urls import include, path

from okrs.api.api import api

urlpatterns = [
    # first: Django tries the patterns in turn, and the API's reads are the busiest requests
    # (`okrs bench load`); behind the pages' patterns each paid about sixty tries to be found
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("okrs.web.urls")),
    path("", include("okrs.heartbeats.urls")),
    path("", include("okrs.documents.urls")),
    path("", include("okrs.sync.urls")),
    path("", include("okrs.api.urls")),
    path("", include("okrs.measures.urls")),
    path("", include("okrs.talk.urls")),
    path("", include("okrs.accounts.urls")),
    path("", include("okrs.exports.urls")),
    path("", include("okrs.chat.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switcher
    # after okrs.web's: its log-in page at accounts/login/ serves allauth's `account_login` too
    path("accounts/", include("okrs.accounts.allauth_urls")),
]

# Error pages in the site's layout (templates 400, 403, 403_csrf, 404 and 500.html of okrs.web);
# Django's own views render them. The 500 page gets no request context, so it needs neither
# the database nor the session to show.
handler400 = "django.views.defaults.bad_request"
handler403 = "django.views.defaults.permission_denied"
handler404 = "django.views.defaults.page_not_found"
handler500 = "django.views.defaults.server_error"
