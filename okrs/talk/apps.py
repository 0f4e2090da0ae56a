from django.apps import AppConfig


class TalkConfig(AppConfig):
    name = "okrs.talk"
    label = "talk"
    verbose_name = "Community engagement"
    default_auto_field = "django.db.models.BigAutoField"
