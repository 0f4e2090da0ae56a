"""Heartbeats (short work cycles inside a period) and the work packets that move key results."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from okrs.goals.models import KeyResult, Period
from okrs.org.models import Team


class Heartbeat(models.Model):
    """A 2–3 week cycle of a team's calendar. Both dates are inclusive.

    Heartbeats lie inside their period and never overlap within one team's calendar: the
    database refuses both (triggers installed by migration 0002), and `clean` says so in words.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="heartbeats")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="heartbeats")
    name = models.CharField(max_length=100, help_text=_("e.g. Q1HB1"))
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
                gettext("%(name)s: a heartbeat must lie inside %(period)s (%(start)s to %(end)s).")
                % {"name": self.name, "period": period, "start": period.start, "end": period.end}
            )
        clash = (
            Heartbeat.objects.filter(team_id=self.team_id, start__lte=self.end, end__gte=self.start)
            .exclude(pk=self.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                gettext("%(self)s overlaps %(clash)s in the same calendar.")
                % {"self": self.name, "clash": clash}
            )


class PacketStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Priority(models.TextChoices):
    NONE = "", _("None")
    P1 = "P1", _("P1 (close to 100%)")
    P2 = "P2", _("P2 (at least 50%)")


class WorkPacket(models.Model):
    """A task of a heartbeat that moves one or more key results; may mirror an external issue."""

    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        related_name="packets",
        db_index=False,  # `packet_team_id` (team, id) serves it
    )
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
        # a team's packets in key order: the API's list reads a page of them, not all of them
        indexes = [models.Index(fields=["team", "id"], name="packet_team_id")]

    def __str__(self) -> str:
        return self.title


class RasciRole(models.TextChoices):
    RESPONSIBLE = "R", _("Responsible")
    ACCOUNTABLE = "A", _("Accountable")
    SUPPORTING = "S", _("Supporting")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")


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


class HeartbeatReview(models.Model):
    """One team's plan notes, mid-point check and review of a heartbeat.

    Kept per team because a program that follows its parent's calendar works in the parent's
    heartbeats with its own packets, and reviews its own work.
    """

    heartbeat = models.ForeignKey(Heartbeat, on_delete=models.CASCADE, related_name="reviews")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="heartbeat_reviews")
    plan_note = models.TextField(blank=True, help_text=_("What the heartbeat sets out to do."))
    midpoint_note = models.TextField(blank=True, help_text=_("The mid-point check."))
    midpoint_on = models.DateField(null=True, blank=True)
    learned = models.TextField(blank=True, help_text=_("What we learned; what stopped us."))
    demo_notes = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="heartbeat_reviews",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["heartbeat", "team"], name="heartbeat_review_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.team} review of {self.heartbeat}"


class Outcome(models.TextChoices):
    OPEN = "", _("Not reviewed yet")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")
    CARRIED_OVER = "carried_over", _("Carried over")


class Commitment(models.Model):
    """A packet committed in a heartbeat's plan, with its priority and, after review, outcome.

    A packet carried over has one commitment per heartbeat it was planned in, so the history of
    what was promised and what happened stays visible.
    """

    heartbeat = models.ForeignKey(Heartbeat, on_delete=models.CASCADE, related_name="commitments")
    packet = models.ForeignKey(WorkPacket, on_delete=models.CASCADE, related_name="commitments")
    priority = models.CharField(max_length=2, choices=Priority.choices, default="", blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default="", blank=True)
    reason = models.TextField(blank=True, help_text=_("Why it was not done or carried over."))
    committed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["heartbeat__start", "priority", "packet__order", "packet_id"]
        constraints = [
            models.UniqueConstraint(fields=["heartbeat", "packet"], name="commitment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.packet} in {self.heartbeat}"


class ChecklistItem(models.Model):
    """A line of a packet's checklist: `task (owner, Due: date)`."""

    packet = models.ForeignKey(WorkPacket, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checklist_items",
    )
    owner_name = models.CharField(max_length=200, blank=True, help_text=_("As written."))
    due = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["packet", "order", "id"]

    def __str__(self) -> str:
        return self.text


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    COMMITTED = "committed", _("Committed to a heartbeat")
    CARRIED_OVER = "carried_over", _("Carried over")
    REVIEWED = "reviewed", _("Reviewed")
    SYNCED = "synced", _("Synced from a tracker")


class PacketEvent(models.Model):
    """Append-only history of a packet: what changed, when, by whom, from what to what."""

    packet = models.ForeignKey(WorkPacket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="packet_events",
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    from_heartbeat = models.ForeignKey(
        Heartbeat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_heartbeat = models.ForeignKey(
        Heartbeat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["packet", "at", "id"]

    def __str__(self) -> str:
        return f"{self.packet}: {self.get_kind_display()}"
