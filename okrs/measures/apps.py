from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "okrs.measures"
    label = "measures"
    verbose_name = "Measures"
