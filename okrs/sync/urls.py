from django.urls import path

from okrs.sync import webhook

app_name = "sync"
urlpatterns = [
    path("sync/github/webhook/", webhook.github_webhook, name="github_webhook"),
]
