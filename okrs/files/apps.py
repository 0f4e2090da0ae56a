from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "okrs.files"
    label = "files"
    verbose_name = "OKRs as files"
