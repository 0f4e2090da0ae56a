"""What okrs remembers of external trackers: per repository its team, options and last sync time;
which issue is which packet; which milestone is which heartbeat; and every run with its outcome."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from okrs.heartbeats.models import Heartbeat, WorkPacket
from okrs.org.models import Team

DEFAULT_LABEL_PATTERN = r"^O(?P<objective>\d+)\s*KR(?P<kr>\d+)$"


class SyncState(models.Model):
    """One GitHub repository followed by one team."""

    repo = models.CharField(max_length=200, unique=True, help_text=_("OWNER/REPO"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="github_repos")
    label_pattern = models.CharField(
        max_length=200,
        default=DEFAULT_LABEL_PATTERN,
        help_text=_("Regular expression with groups `objective` and `kr` (O2KR2 → O2, KR2)."),
    )
    push_enabled = models.BooleanField(
        default=False,
        help_text=_("Packets created or closed in okrs are created/closed on GitHub."),
    )
    push_since = models.DateTimeField(
        null=True, blank=True, help_text=_("Only packets created after this are pushed.")
    )
    last_synced_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The `since` of the next incremental run.")
    )
    sync_every_minutes = models.PositiveIntegerField(
        default=60,
        help_text=_("The worker syncs the repository this often (0: only by hand and webhooks)."),
    )
    next_sync_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the worker syncs it next (empty: at once).")
    )
    etags = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "ETag of the first page of each listing, sent as If-None-Match (304: no cost)."
        ),
    )

    def __str__(self) -> str:
        return self.repo


class IssueLink(models.Model):
    """A packet mirrors an issue; the last state seen on GitHub is kept to detect changes."""

    repo = models.ForeignKey(SyncState, on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveIntegerField()
    github_id = models.BigIntegerField(null=True, blank=True)
    packet = models.OneToOneField(WorkPacket, on_delete=models.CASCADE, related_name="github")
    state = models.CharField(max_length=16, default="open")
    state_reason = models.CharField(max_length=32, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True, help_text=_("As GitHub last said."))
    content_hash = models.CharField(
        max_length=64, blank=True, help_text=_("Hash of what was applied at `updated_at`.")
    )
    milestone_number = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repo", "number"], name="issue_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.repo}#{self.number}"


class MilestoneLink(models.Model):
    """A milestone and the heartbeat it was mapped to (none when no rule matched)."""

    repo = models.ForeignKey(SyncState, on_delete=models.CASCADE, related_name="milestones")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    heartbeat = models.ForeignKey(
        Heartbeat, null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repo", "number"], name="milestone_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.repo} milestone {self.title}"


class DiscourseSync(models.Model):
    """What `okrs sync discourse` last ran for a cohort; the worker runs it again daily."""

    cohort = models.OneToOneField(
        "org.Cohort", on_delete=models.CASCADE, related_name="discourse_sync"
    )
    url = models.URLField(max_length=300, help_text=_("Base URL of the Discourse site."))
    categories = models.JSONField(
        default=list, help_text=_("Category slugs, e.g. ['reps/general'].")
    )
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.cohort} on {self.url}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("Succeeded")
    FAILED = "failed", _("Failed")


INTERRUPTED = "interrupted: the process ended before the run finished (killed or crashed)"


class SyncRunQuerySet(models.QuerySet["SyncRun"]):
    def start(self, *, kind: str, target: str) -> SyncRun:
        """A new run; earlier runs of the same sync still marked running never finished (their
        process was killed: each issue or person is its own transaction, so what they wrote is
        whole) and are marked failed. A run still alive saves its own outcome when it ends."""
        self.filter(kind=kind, target=target, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, error=INTERRUPTED
        )
        return self.create(kind=kind, target=target)


class SyncRun(models.Model):
    """One run of a sync: when, what, how it ended, and what failed."""

    kind = models.CharField(max_length=16, help_text=_("github, github-webhook or discourse"))
    target = models.CharField(max_length=300)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    error = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.target} {self.status}"
