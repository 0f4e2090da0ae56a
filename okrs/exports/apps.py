from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "okrs.exports"
    label = "exports"
    verbose_name = "CSV downloads"
