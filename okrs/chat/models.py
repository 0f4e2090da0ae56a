"""A team's chat channels (incoming-webhook URLs of Slack, Mattermost, Discord or Matrix
hookshot) and the messages queued for them (an outbox the worker sends)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from okrs.org.models import Team


class Kind(models.TextChoices):
    SLACK = "slack", _("Slack")
    MATTERMOST = "mattermost", _("Mattermost")
    DISCORD = "discord", _("Discord")
    MATRIX = "matrix", _("Matrix (hookshot)")


class Topic(models.TextChoices):
    STATUS = "status", _("Status changes of key results")
    REVIEW = "review", _("Objectives waiting for review")
    OFFER = "offer", _("Offers of help")
    DIGEST = "digest", _("The weekly digest")
    POST = "post", _("The published post")


class Channel(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="chat_channels")
    name = models.CharField(max_length=100, help_text=_("Where it goes, e.g. #reps-general."))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    url = models.URLField(max_length=500)  # holds the webhook's secret: never shown again
    topics = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()}) of {self.team}"


class MessageState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    topic = models.CharField(max_length=16, choices=Topic.choices)
    body = models.JSONField()  # the webhook's JSON, rendered when queued
    state = models.CharField(
        max_length=16, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="chat_message_due"),
            models.Index(fields=["channel", "-created_at"], name="chat_message_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} to {self.channel_id} ({self.state})"
