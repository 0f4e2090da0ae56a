"""Community engagement: comments, interest, offers of help, follows, notifications and the
forum thread of an objective or a period.

Everything people talk about is a *target*: an objective, a key result, a heartbeat or a work
packet. A target is held by explicit nullable foreign keys (exactly one set, checked by the
database) so that queries join plainly and stay bounded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from okrs.goals.models import KeyResult, Objective, Period
from okrs.heartbeats.models import Heartbeat, WorkPacket
from okrs.org.models import Cohort, Team

TARGET_FIELDS = ("objective", "key_result", "heartbeat", "packet")


def _exactly_one(fields: tuple[str, ...]) -> Q:
    """A check that exactly one of `fields` is set."""
    options = Q()
    for chosen in fields:
        option = Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                option &= Q(**{f"{other}__isnull": True})
        options |= option
    return options


class TargetMixin:
    """The one target of a row, whichever foreign key holds it."""

    target_fields: tuple[str, ...] = TARGET_FIELDS

    @property
    def target(self):  # type: ignore[no-untyped-def]
        for name in self.target_fields:
            if getattr(self, f"{name}_id", None) is not None:
                return getattr(self, name)
        return None

    @property
    def target_kind(self) -> str:
        for name in self.target_fields:
            if getattr(self, f"{name}_id", None) is not None:
                return name
        return ""


class Comment(TargetMixin, models.Model):
    """A comment in the discussion of a target. Never removed from the database: deleting and
    hiding only mark it, so site admins still see what was said (and every earlier version)."""

    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_comments"
    )
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_comments"
    )
    heartbeat = models.ForeignKey(
        Heartbeat, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_comments"
    )
    packet = models.ForeignKey(
        WorkPacket, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_comments"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        related_name="talk_comments",
        help_text=_("The team of the target, kept for access checks and the overview."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talk_comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(TARGET_FIELDS), name="talk_comment_one_target"
            ),
        ]
        indexes = [models.Index(fields=["team", "-created_at"], name="talk_comment_latest")]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id}"

    @property
    def removed(self) -> bool:
        return self.deleted_at is not None or self.hidden_at is not None


class CommentRevision(models.Model):
    """An earlier text of an edited comment (append-only)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment", "replaced_at", "id"]

    def __str__(self) -> str:
        return f"Revision of comment {self.comment_id}"


class Interest(TargetMixin, models.Model):
    """A signed-in person is interested in an objective or a key result (one mark each)."""

    target_fields = ("objective", "key_result")

    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_interest"
    )
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_interest"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talk_interest"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(("objective", "key_result")),
                name="talk_interest_one_target",
            ),
            models.UniqueConstraint(
                fields=["person", "objective"],
                condition=Q(objective__isnull=False),
                name="talk_interest_once_objective",
            ),
            models.UniqueConstraint(
                fields=["person", "key_result"],
                condition=Q(key_result__isnull=False),
                name="talk_interest_once_kr",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} interested in {self.target_kind}"


class OfferState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Offer(TargetMixin, models.Model):
    """An offer of help on an objective, a key result or a packet, decided by the team's leads."""

    target_fields = ("objective", "key_result", "packet")

    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_offers"
    )
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_offers"
    )
    packet = models.ForeignKey(
        WorkPacket, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_offers"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="talk_offers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talk_offers"
    )
    note = models.CharField(max_length=500)
    state = models.CharField(max_length=16, choices=OfferState.choices, default=OfferState.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.CharField(max_length=500, blank=True)
    cohort = models.ForeignKey(
        Cohort,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The cohort the person joined when the offer was accepted."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(("objective", "key_result", "packet")),
                name="talk_offer_one_target",
            ),
        ]
        indexes = [models.Index(fields=["team", "state"], name="talk_offer_team_state")]

    def __str__(self) -> str:
        return f"Offer {self.pk} by {self.person_id} ({self.state})"


class Follow(TargetMixin, models.Model):
    """A person follows an objective, a key result or a packet and hears of what happens."""

    target_fields = ("objective", "key_result", "packet")

    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_follows"
    )
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_follows"
    )
    packet = models.ForeignKey(
        WorkPacket, null=True, blank=True, on_delete=models.CASCADE, related_name="talk_follows"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talk_follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(("objective", "key_result", "packet")),
                name="talk_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["person", "objective"],
                condition=Q(objective__isnull=False),
                name="talk_follow_once_objective",
            ),
            models.UniqueConstraint(
                fields=["person", "key_result"],
                condition=Q(key_result__isnull=False),
                name="talk_follow_once_kr",
            ),
            models.UniqueConstraint(
                fields=["person", "packet"],
                condition=Q(packet__isnull=False),
                name="talk_follow_once_packet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} follows {self.target_kind}"


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mentioned you")
    REPLY = "reply", _("Replied to you")
    COMMENT = "comment", _("Commented on what you follow")
    STATUS = "status", _("Status changed")
    OFFER = "offer", _("Offered help")
    OFFER_ACCEPTED = "offer_accepted", _("Accepted your offer")
    OFFER_DECLINED = "offer_declined", _("Declined your offer")
    REVIEW = "review", _("Waits for your review")


class Notification(models.Model):
    """One line of a person's inbox. `url` and `summary` are written when it is created, so the
    inbox is read with one query whatever it points at."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talk_notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    summary = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="talk_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.summary}"


class NotificationSettings(models.Model):
    """Which notifications a person also gets by email (the inbox always has them all)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talk_settings"
    )
    email_mentions = models.BooleanField(default=True)
    email_replies = models.BooleanField(default=True)
    email_follows = models.BooleanField(
        default=False, help_text=_("Comments and status changes on what you follow or own.")
    )
    email_offers = models.BooleanField(default=True)
    email_reviews = models.BooleanField(
        default=True, help_text=_("An objective of a team below yours proposed for your review.")
    )

    def __str__(self) -> str:
        return f"Notification settings of {self.person_id}"


class TeamTalkSettings(models.Model):
    """A team's choices for its discussions."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="talk_settings")
    mirror_to_forum = models.BooleanField(
        default=False, help_text=_("Post new comments as replies to the linked Discourse topic.")
    )

    def __str__(self) -> str:
        return f"Discussion settings of {self.team_id}"


class ForumTopic(models.Model):
    """The Discourse topic where an objective or a whole period is discussed."""

    objective = models.OneToOneField(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="forum_topic"
    )
    period = models.OneToOneField(
        Period, null=True, blank=True, on_delete=models.CASCADE, related_name="forum_topic"
    )
    url = models.URLField(max_length=500)
    topic_id = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(("objective", "period")), name="talk_topic_one_target"
            ),
        ]

    def __str__(self) -> str:
        return self.url


class MirrorState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")


class MirrorPost(models.Model):
    """The outbox of comments to post to a forum topic: failures are recorded and retried."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="mirror")
    topic = models.ForeignKey(ForumTopic, on_delete=models.CASCADE, related_name="mirrored")
    state = models.CharField(max_length=16, choices=MirrorState.choices, default="pending")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    post_id = models.PositiveIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Mirror of comment {self.comment_id} ({self.state})"
