from django.apps import AppConfig


class HeartbeatsConfig(AppConfig):
    name = "okrs.heartbeats"
    label = "heartbeats"
    verbose_name = "Heartbeats"
