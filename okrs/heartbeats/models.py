"""Heartbeats (short work cycles inside a period) and the work packets that move key results."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from okrs.goals.models import KeyResult, Period
from okrs.org.models import Team


class Heartbeat(models.Model):
    """A 2–3 week cycle of a team's calendar. Both dates are inclusive.

    Heartbeats lie inside their period and never overlap within one team's calendar: the
    database refuses both (triggers installed by migration 0002), and `clean` says so in words.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="heartbeats")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="heartbeats")
    name = models.CharField(max_length=100, help_text="e.g. Q1HB1")
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="heartbeat_start_lt_end"
            ),
            models.UniqueConstraint(fields=["team", "name"], name="heartbeat_name_unique_in_team"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%b %d}–{self.end:%b %d})"

    def clean(self) -> None:
        if not (self.period_id and self.start and self.end and self.team_id):
            return
        period = self.period
        if self.start < period.start or self.end > period.end:
            raise ValidationError(
                f"{self.name}: a heartbeat must lie inside {period}"
                f" ({period.start} to {period.end})."
            )
        clash = (
            Heartbeat.objects.filter(team_id=self.team_id, start__lte=self.end, end__gte=self.start)
            .exclude(pk=self.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError(f"{self.name} overlaps {clash} in the same calendar.")


class PacketStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Priority(models.TextChoices):
    NONE = "", "None"
    P1 = "P1", "P1 (close to 100%)"
    P2 = "P2", "P2 (at least 50%)"


class WorkPacket(models.Model):
    """A task of a heartbeat that moves one or more key results; may mirror an external issue."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="packets")
    heartbeat = models.ForeignKey(
        Heartbeat, null=True, blank=True, on_delete=models.SET_NULL, related_name="packets"
    )
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=PacketStatus.choices, default=PacketStatus.TODO
    )
    priority = models.CharField(max_length=2, choices=Priority.choices, default="", blank=True)
    key_results = models.ManyToManyField(KeyResult, blank=True, related_name="packets")
    due = models.DateField(null=True, blank=True)
    external_url = models.URLField(blank=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["heartbeat__start", "order", "id"]

    def __str__(self) -> str:
        return self.title


class RasciRole(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    SUPPORTING = "S", "Supporting"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


class PacketRole(models.Model):
    """A person's role on a packet, in the RASCI form."""

    packet = models.ForeignKey(WorkPacket, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="packet_roles"
    )
    role = models.CharField(max_length=1, choices=RasciRole.choices)

    class Meta:
        ordering = ["packet", "role", "person"]
        constraints = [
            models.UniqueConstraint(fields=["packet", "person", "role"], name="packet_role_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_role_display()} on {self.packet}"
