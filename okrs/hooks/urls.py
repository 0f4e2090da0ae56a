from django.urls import include, path

from okrs.hooks import views

hooks_patterns = (
    [
        path("teams/<slug:slug>/webhooks/", views.webhooks, name="webhooks"),
        path("teams/<slug:slug>/webhooks/<int:pk>/delete/", views.delete, name="delete"),
    ],
    "hooks",
)
urlpatterns = [path("", include(hooks_patterns))]
