from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "okrs.worker"
    label = "worker"
    verbose_name = "Background work"
