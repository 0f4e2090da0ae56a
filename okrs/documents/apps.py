from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "okrs.documents"
    label = "documents"
    verbose_name = "OKR documents"
