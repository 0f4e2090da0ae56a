"""Datasets behind computed key results: survey responses, activity reports, person facts and
participation events; and the last computation of each computed key result.

Every imported row carries a ``content_key`` (a hash of its external id, or of its content)
that is unique, so importing the same rows again adds nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from okrs.goals.models import KeyResult
from okrs.org.models import Cohort, Team

CONTENT_KEY_LENGTH = 40  # sha1 hex


class Survey(models.Model):
    """A one-question NPS survey, imported or hosted by okrs (answered at its link)."""

    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    question = models.CharField(
        max_length=300,
        default="How likely are you to recommend us to a friend or colleague?",
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="surveys"
    )
    cohort = models.ForeignKey(
        Cohort,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
        help_text=_("Who is asked; empty means any signed-in person."),
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    allow_anonymous = models.BooleanField(default=False)
    hosted = models.BooleanField(default=False, help_text=_("Answered on okrs (not imported)."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(opens_at__lt=models.F("closes_at")),
                name="survey_opens_before_closing",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.slug

    def is_open(self, now=None) -> bool:  # type: ignore[no-untyped-def]
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)


class SurveyResponse(models.Model):
    # no index of its own: the unique (survey, content_key) and the NPS index both start with it
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    score = models.PositiveSmallIntegerField()
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    anonymous_id = models.CharField(max_length=64, blank=True)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    external_id = models.CharField(max_length=200, blank=True)
    content_key = models.CharField(max_length=CONTENT_KEY_LENGTH)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=10), name="response_score_0_10"
            ),
            models.UniqueConstraint(
                fields=["survey", "content_key"], name="response_content_key_unique"
            ),
        ]
        # NPS as of a date: one range scan that reads the score from the index alone.
        indexes = [
            models.Index(fields=["survey", "submitted_at", "score"], name="response_nps"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.score} at {self.submitted_at:%Y-%m-%d}"


class Activity(models.Model):
    """A reported activity. ``tags`` is normalized as ``;tag1;tag2;`` (lower case) so one
    ``LIKE '%;tag;%'`` matches on both databases inside the same scan that counts the period:
    a share needs every activity of the period anyway, so a tag table would only add a join."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities"
    )
    date = models.DateField()
    type = models.CharField(max_length=100)
    initiative = models.CharField(max_length=200, blank=True)
    tags = models.CharField(max_length=1000, blank=True)
    link = models.CharField(max_length=500, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    content_key = models.CharField(max_length=CONTENT_KEY_LENGTH, unique=True)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["date", "type"], name="activity_period")]

    def __str__(self) -> str:
        return f"{self.type} by {self.person_id} on {self.date}"

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(";") if t]


class PersonFact(models.Model):
    """A fact about a person observed at a time (``discourse.watching.reps = true``).

    History is kept: the value as of a date is the latest observation up to that date."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facts"
    )
    key = models.CharField(max_length=200)
    value = models.CharField(max_length=500)
    observed_at = models.DateTimeField()
    content_key = models.CharField(max_length=CONTENT_KEY_LENGTH, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["person", "key", "observed_at"], name="fact_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.key}={self.value} at {self.observed_at:%Y-%m-%d}"


class ParticipationEvent(models.Model):
    """A person took part in something: ``feedback`` on ``cpg-draft``, at a time."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation"
    )
    kind = models.CharField(max_length=100)
    subject = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()
    content_key = models.CharField(max_length=CONTENT_KEY_LENGTH, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "subject", "at", "person"], name="event_people"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.subject} at {self.at:%Y-%m-%d}"


class Measurement(models.Model):
    """The last computation of a computed key result: what was found and on what sample.

    Check-ins keep the history of values; this keeps the latest evaluation even when the value
    did not change (so pages can say when it was last computed and on how many answers)."""

    key_result = models.OneToOneField(
        KeyResult, on_delete=models.CASCADE, related_name="measurement"
    )
    value = models.FloatField(null=True, blank=True)
    sample = models.PositiveIntegerField(default=0, help_text=_("n behind the value."))
    detail = models.JSONField(default=dict, blank=True)
    as_of = models.DateTimeField()
    computed_at = models.DateTimeField(default=timezone.now)
    error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.key_result_id}: {self.value} (n={self.sample})"
