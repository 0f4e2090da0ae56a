from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "okrs.sync"
    label = "sync"
    verbose_name = "Sync with GitHub and Discourse"
