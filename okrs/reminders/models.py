"""What `okrs remind` remembers: reminders sent per key result, and digests sent per team lead."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from okrs.goals.models import KeyResult
from okrs.org.models import Team


class ReminderState(models.Model):
    """`ignored` counts reminders in a row that no check-in followed; at three the KR is flagged
    and its owner gets no more reminders until someone checks in."""

    key_result = models.OneToOneField(
        KeyResult, on_delete=models.CASCADE, related_name="reminder_state"
    )
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    ignored = models.PositiveIntegerField(default=0)
    flagged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        flag = ", flagged" if self.flagged_at else ""
        return f"{self.key_result}: {self.ignored} ignored{flag}"


class Digest(models.Model):
    """A weekly digest sent to a team lead."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["team", "person", "-sent_at"], name="digest_latest")]

    def __str__(self) -> str:
        return f"digest of {self.team} to {self.person} at {self.sent_at:%Y-%m-%d}"
