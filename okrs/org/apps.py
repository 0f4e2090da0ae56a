from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "okrs.org"
    label = "org"
    verbose_name = "Organization"
