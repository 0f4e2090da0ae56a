from django.apps import AppConfig


class HooksConfig(AppConfig):
    name = "okrs.hooks"
    label = "hooks"
    verbose_name = "Outgoing webhooks"

    def ready(self) -> None:
        from okrs.hooks import signals  # noqa: F401 - connects the event receivers
