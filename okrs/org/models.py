"""Teams as a tree, people's memberships and roles, and cohorts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone may read")
    PRIVATE = "private", _("Private: members only")


class Team(models.Model):
    """A node of the organization tree (Mozilla → Community Development Team → Reps)."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    tracker_url = models.URLField(blank=True, help_text=_("The public issue tracker of the team."))
    discussion_url = models.URLField(blank=True, help_text=_("Where the community discusses."))
    follows_parent_heartbeats = models.BooleanField(
        default=False, help_text=_("Work in the parent team's heartbeat calendar.")
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="team_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        seen = {self.pk} if self.pk else set()
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": gettext("A team cannot be its own ancestor.")})
            seen.add(node.pk)
            node = node.parent


class Role(models.TextChoices):
    LEAD = "lead", _("Team lead")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["team", "role", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "team"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.team} ({self.role})"


class Profile(models.Model):
    """What okrs knows of a person beyond the Django user: names on other services."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=200, blank=True)
    github_login = models.CharField(max_length=100, blank=True)
    discourse_username = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.display_name or str(self.person)


class Cohort(models.Model):
    """A named set of people ("Reps", "Mobilizers", "Core community"), the population of a KR."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="cohorts"
    )
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cohorts", through="CohortMembership"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CohortMembership(models.Model):
    """A person's time in a cohort: from `started_on` to the day before `ended_on`. Ended
    memberships are kept, so a closed period's cohort is read as it was on its deadline.

    `started_on` is empty when the start is not known (memberships from before dates were kept,
    imported members, the demo): such a membership counts on every day before its end. A person
    who joins again after leaving gets a new row."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "org_cohort_members"  # the table of the plain many-to-many it was
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"],
                condition=models.Q(ended_on__isnull=True),
                name="cohort_membership_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True)
                | models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="cohort_membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort} ({self.started_on or '…'} – {self.ended_on or ''})"

    @staticmethod
    def on(day: dt.date) -> models.Q:
        """The memberships current on `day` (as a filter of this model)."""
        return (models.Q(started_on__isnull=True) | models.Q(started_on__lte=day)) & (
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=day)
        )
