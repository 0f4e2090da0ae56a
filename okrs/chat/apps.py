from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "okrs.chat"
    label = "chat"
    verbose_name = "Chat channels"

    def ready(self) -> None:
        from okrs.chat import signals  # noqa: F401  (connects the receivers)
