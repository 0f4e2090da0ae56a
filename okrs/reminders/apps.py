from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "okrs.reminders"
    label = "reminders"
    verbose_name = "Reminders"
