from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "okrs.chat"
    label = "chat"
    verbose_name = "Chat channels"
