from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "okrs.security"
    label = "security"
    verbose_name = "Security headers and database outages"
