from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("okrs.web.urls")),
    path("", include("okrs.heartbeats.urls")),
    path("", include("okrs.documents.urls")),
    path("", include("okrs.sync.urls")),
    path("", include("okrs.api.urls")),
    path("", include("okrs.measures.urls")),
    path("", include("okrs.talk.urls")),
]
