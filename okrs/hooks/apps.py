from django.apps import AppConfig


class HooksConfig(AppConfig):
    name = "okrs.hooks"
    label = "hooks"
    verbose_name = "Outgoing webhooks"
