"""Periods, objectives, key results, their alignment and the check-in history."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from okrs.core.kr_input import is_count
from okrs.core.measures import MeasureParamsError, params_as_json, parse_measure
from okrs.core.pacing import Commitment
from okrs.core.scoring import Direction, KeyResultRule, RuleError
from okrs.org.models import Membership, Role, Team, Visibility


class Period(models.Model):
    """A quarter (or any span) in which OKRs are set, e.g. `2017-Q1`. Both dates are inclusive."""

    slug = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100, blank=True)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="period_start_lt_end"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.slug

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class ObjectiveState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ObjectiveVisibility(models.TextChoices):
    TEAM = "team", _("As the team")
    PRIVATE = "private", _("Team members only")


PUBLIC_STATES = (ObjectiveState.PUBLISHED, ObjectiveState.ARCHIVED)


def _public(path: str = "") -> Q:
    """The objectives (at `path`) anyone may read, signed in or not."""
    return Q(
        **{
            f"{path}state__in": PUBLIC_STATES,
            f"{path}visibility": ObjectiveVisibility.TEAM,
            f"{path}team__visibility": Visibility.PUBLIC,
        }
    )


class Reach(models.IntegerChoices):
    """Who reads an objective besides site admins, as `_readable` says: each wider reach reads
    the narrower ones too. The kept team rollups (`TeamRollup`) are summed per reach."""

    PUBLIC = 0, "anyone"  # published or archived, as the team, in a public team
    REVIEW = 1, "the parent team's leads"  # in review (and the team's members)
    TEAM = 2, "the team's members"  # drafts, private objectives, a private team's objectives


def reach(path: str = "") -> models.Case:
    """An objective's `Reach` (of the objective at `path`) as an expression."""
    return models.Case(
        models.When(_public(path), then=models.Value(Reach.PUBLIC)),
        models.When(
            Q(**{f"{path}state": ObjectiveState.IN_REVIEW}), then=models.Value(Reach.REVIEW)
        ),
        default=models.Value(Reach.TEAM),
        output_field=models.SmallIntegerField(),
    )


def _readable(user: AbstractBaseUser | AnonymousUser, path: str = "") -> Q | None:
    """Who may read an objective, as a filter on the objectives at `path` ("" for objectives
    themselves, "objective__" for their key results); None when `user` reads everything.

    Anyone, signed in or not, reads an objective published (or archived) in a public team and
    not marked private; members of a team (any role) read all of its objectives, drafts
    included; the leads of the parent team read one proposed for their review; site admins
    read everything. The one statement of the rule: every page, export, search, feed and
    endpoint reads through `visible_to`."""
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return None
    public = _public(path)
    if not user.is_authenticated:
        return public
    teams = Membership.objects.filter(person_id=user.pk)
    member_of = Q(**{f"{path}team_id__in": teams.values("team_id")})
    reviewer_of = Q(
        **{
            f"{path}state": ObjectiveState.IN_REVIEW,
            f"{path}team__parent_id__in": teams.filter(role=Role.LEAD).values("team_id"),
        }
    )
    return public | member_of | reviewer_of


class ObjectiveQuerySet(models.QuerySet["Objective"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> ObjectiveQuerySet:
        """The objectives `user` may read (`_readable`)."""
        rule = _readable(user)
        return self if rule is None else self.filter(rule)


class KeyResultQuerySet(models.QuerySet["KeyResult"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> KeyResultQuerySet:
        """The key results `user` may read: those of the objectives `user` may read."""
        rule = _readable(user, "objective__")
        return self if rule is None else self.filter(rule)


class CommitmentChoices(models.TextChoices):
    COMMITTED = Commitment.COMMITTED.value, _("Committed")
    ASPIRATIONAL = Commitment.ASPIRATIONAL.value, _("Aspirational")


class Objective(models.Model):
    """A qualitative goal of a team for a period."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="objectives")
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="objectives",
        db_index=False,  # `objective_period_id` (period, id) serves it
    )
    code = models.CharField(max_length=16, blank=True, help_text=_("Short reference, e.g. O2."))
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_objectives",
    )
    commitment = models.CharField(
        max_length=16, choices=CommitmentChoices.choices, default=CommitmentChoices.COMMITTED
    )
    weight = models.FloatField(default=1.0)
    order = models.PositiveIntegerField(default=0)
    state = models.CharField(
        max_length=16, choices=ObjectiveState.choices, default=ObjectiveState.DRAFT
    )
    visibility = models.CharField(
        max_length=16, choices=ObjectiveVisibility.choices, default=ObjectiveVisibility.TEAM
    )
    illustrative = models.BooleanField(
        default=False, help_text=_("Written for the demo, not taken from a real source.")
    )
    # Kept on write (`okrs.goals.scores`): rolled up from the key results and the contributing
    # objectives in the transaction that changes them; `okrs scores verify` checks them.
    kept_grade = models.FloatField(null=True, blank=True, editable=False)
    kept_progress = models.FloatField(null=True, blank=True, editable=False)
    kept_confidence = models.FloatField(
        null=True, blank=True, editable=False, help_text=_("The lowest of its key results'.")
    )
    kept_measured = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Its key results with a value.")
    )
    kept_total = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Its key results that count (not archived).")
    )
    contributes_to = models.ManyToManyField(
        "self",
        through="Alignment",
        through_fields=("child", "parent"),
        symmetrical=False,
        related_name="contributors",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["team__order", "team__name", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="objective_weight_positive"),
            models.UniqueConstraint(
                fields=["team", "period", "code"],
                condition=~Q(code=""),
                name="objective_code_unique_in_team_period",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "team", "order"]),
            # a period's objectives in key order: the API's list reads a page of them
            models.Index(fields=["period", "id"], name="objective_period_id"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Alignment(models.Model):
    """`child` contributes to `parent` (usually an objective of the parent team), with a weight."""

    child = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="alignments_up")
    parent = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="alignments_down")
    weight = models.FloatField(default=1.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "parent"], name="alignment_unique"),
            models.CheckConstraint(
                condition=~Q(child=models.F("parent")), name="alignment_not_self"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="alignment_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.child} → {self.parent}"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    TWICE_MONTHLY = "twice_monthly", _("Twice a month")
    MONTHLY = "monthly", _("Monthly")


class MeasureKind(models.TextChoices):
    """Where a key result's value comes from; computed kinds are evaluated by `okrs.measures`."""

    MANUAL = "manual", _("Manual check-ins")
    NPS = "nps", _("Net Promoter Score of a survey")
    ACTIVITY_SHARE = "activity_share", _("Share of activities matching a filter")
    COHORT_FACT_SHARE = "cohort_fact_share", _("Share of a cohort whose facts satisfy a condition")
    DISTINCT_PEOPLE = "distinct_people", _("Distinct people with an event")
    ACTIVITY_COUNT = "activity_count", _("Number of activities")


class DirectionChoices(models.TextChoices):
    INCREASE = Direction.INCREASE.value, _("Increase to")
    DECREASE = Direction.DECREASE.value, _("Decrease to")
    AT_LEAST = Direction.AT_LEAST.value, _("Stay at least")
    AT_MOST = Direction.AT_MOST.value, _("Stay at most")
    RANGE = Direction.RANGE.value, _("Stay within a range")
    MILESTONE = Direction.MILESTONE.value, _("Milestone")


class KeyResult(models.Model):
    """A measurable result of an objective. The value comes from its check-in history."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    code = models.CharField(max_length=16, blank=True, help_text=_("Short reference, e.g. KR2."))
    title = models.CharField(max_length=500)
    direction = models.CharField(
        max_length=16, choices=DirectionChoices.choices, default=DirectionChoices.INCREASE
    )
    baseline = models.FloatField(default=0.0)
    target = models.FloatField(null=True, blank=True, help_text=_("For a range: its lower bound."))
    target_high = models.FloatField(null=True, blank=True, help_text=_("For a range: upper bound."))
    stretch = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=32, blank=True)
    deadline = models.DateField(null=True, blank=True, help_text=_("Defaults to the period end."))
    weight = models.FloatField(default=1.0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_key_results",
    )
    order = models.PositiveIntegerField(default=0)
    measure_kind = models.CharField(
        max_length=32, choices=MeasureKind.choices, default=MeasureKind.MANUAL
    )
    measure_params = models.JSONField(default=dict, blank=True)
    cadence = models.CharField(
        max_length=16,
        choices=Cadence.choices,
        default=Cadence.WEEKLY,
        help_text=_("Check-in rhythm."),
    )
    archived = models.BooleanField(
        default=False, help_text=_("Archived KRs keep their history but no longer count in grades.")
    )
    uncertain = models.BooleanField(
        default=False,
        # xgettext:no-python-format
        help_text=_("The computed value's 95% interval contains the target (set by the measure)."),
    )
    deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Deleted (`key_result_delete`): archived for good, its history kept."),
    )
    # Kept on write (`okrs.goals.scores`): the latest check-in's value and confidence, and the
    # progress and grade they give, updated in the transaction of the check-in or the edit.
    kept_value = models.FloatField(null=True, blank=True, editable=False)
    kept_confidence = models.FloatField(null=True, blank=True, editable=False)
    kept_at = models.DateTimeField(null=True, blank=True, editable=False)
    kept_progress = models.FloatField(null=True, blank=True, editable=False)
    kept_grade = models.FloatField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KeyResultQuerySet.as_manager()

    class Meta:
        ordering = ["objective", "order", "id"]
        indexes = [
            # what the period review aggregates over a period's key results, read from the index
            # alone rather than from every key result row
            models.Index(
                fields=["objective", "archived", "kept_grade", "id"], name="keyresult_kept_grades"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="kr_weight_positive"),
            models.CheckConstraint(
                condition=Q(direction="milestone") | Q(target__isnull=False),
                name="kr_target_required",
            ),
            models.CheckConstraint(
                condition=~Q(direction="range")
                | Q(target_high__isnull=False, target__lte=models.F("target_high")),
                name="kr_range_has_both_bounds",
            ),
            models.CheckConstraint(
                condition=~Q(direction="increase") | Q(target__gt=models.F("baseline")),
                name="kr_increase_target_above_baseline",
            ),
            models.CheckConstraint(
                condition=~Q(direction="decrease") | Q(target__lt=models.F("baseline")),
                name="kr_decrease_target_below_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def measured(self) -> bool:
        """Whether the key result has a value yet (a key result without one counts as 0)."""
        return self.kept_value is not None

    @property
    def rule(self) -> KeyResultRule:
        return KeyResultRule(
            direction=Direction(self.direction),
            baseline=self.baseline,
            target=self.target,
            target_high=self.target_high,
            stretch=self.stretch,
        )

    def due(self, period: Period | None = None) -> dt.date:
        """The deadline, or the end of the objective's period."""
        if self.deadline is not None:
            return self.deadline
        return (period or self.objective.period).end

    def clean(self) -> None:
        try:
            self.rule  # noqa: B018 - building the rule validates it
        except RuleError as exc:
            raise ValidationError({exc.field: exc.problem}) from exc
        if is_count(self.unit, self.measure_kind):
            negative = {
                name: "A count cannot be negative."
                for name in ("baseline", "target", "target_high", "stretch")
                if (getattr(self, name) or 0) < 0
            }
            if negative:
                raise ValidationError(negative)
        try:
            parsed = parse_measure(self.measure_kind, self.measure_params or {})
        except MeasureParamsError as exc:
            raise ValidationError(
                {"measure_params": [f"{field}: {problem}" for field, problem in exc.problems]}
            ) from exc
        self.measure_params = {} if parsed is None else params_as_json(parsed)
        if self.deadline and self.objective_id:
            period = self.objective.period
            if not period.contains(self.deadline):
                raise ValidationError(
                    {
                        "deadline": gettext("must lie inside %(period)s (%(start)s to %(end)s).")
                        % {"period": period, "start": period.start, "end": period.end}
                    }
                )


class CheckInSource(models.TextChoices):
    MANUAL = "manual", _("Manual")
    COMPUTED = "computed", _("Computed")
    IMPORT = "import", _("Imported")
    API = "api", _("API")


class CheckIn(models.Model):
    """A dated value of a key result. History is append-only: check-ins are never overwritten."""

    key_result = models.ForeignKey(
        KeyResult,
        on_delete=models.CASCADE,
        related_name="checkins",
        db_index=False,  # `checkin_latest` (key_result, -at, -id) serves it
    )
    value = models.FloatField()
    confidence = models.FloatField(null=True, blank=True, help_text=_("0.0 to 1.0"))
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkins",
    )
    at = models.DateTimeField(default=timezone.now, help_text=_("When the value was true."))
    recorded_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(
        max_length=16, choices=CheckInSource.choices, default=CheckInSource.MANUAL
    )

    class Meta:
        ordering = ["key_result", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                name="checkin_confidence_0_1",
            ),
        ]
        indexes = [models.Index(fields=["key_result", "-at", "-id"], name="checkin_latest")]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.value} at {self.at:%Y-%m-%d}"


class ChangeAction(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Edited")
    MOVED = "moved", _("Reordered")
    ARCHIVED = "archived", _("Archived")
    RESTORED = "restored", _("Restored")
    ALIGNED = "aligned", _("Aligned")
    UNALIGNED = "unaligned", _("Alignment removed")
    PROPOSED = "proposed", _("Proposed for review")
    COMMENTED = "commented", _("Commented")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    REMEASURED = "remeasured", _("Re-measured after the period closed")
    DELETED = "deleted", _("Deleted")


class Change(models.Model):
    """One entry of the history of an objective or of one of its key results (append-only).

    `diff` maps each changed field to `[old, new]` as shown to readers; `key_result` is set when
    the change was to a key result of the objective.
    """

    objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        related_name="changes",
        db_index=False,  # `change_latest` (objective, -at, -id) serves it
    )
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="okr_changes",
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=32, choices=ChangeAction.choices)
    diff = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["objective", "-at", "-id"], name="change_latest")]

    def __str__(self) -> str:
        return f"{self.objective}: {self.action} at {self.at:%Y-%m-%d %H:%M}"


class ReviewComment(models.Model):
    """A comment on an objective while it is drafted and reviewed together."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="review_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="okr_review_comments",
    )
    at = models.DateTimeField(default=timezone.now)
    body = models.TextField()
    verdict = models.CharField(
        max_length=32,
        blank=True,
        choices=[
            ("", "Comment"),
            (ChangeAction.CHANGES_REQUESTED.value, "Changes requested"),
            (ChangeAction.APPROVED.value, "Approved"),
        ],
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.author} on {self.objective} at {self.at:%Y-%m-%d}"


class TeamRollupQuerySet(models.QuerySet["TeamRollup"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> TeamRollupQuerySet:
        """The parts `user` may read: in each team, those of the reaches whose objectives
        `_readable` lets `user` read (`tests/goals/test_team_rollups.py` checks both agree)."""
        if user.is_authenticated and getattr(user, "is_superuser", False):
            return self
        public = Q(reach=Reach.PUBLIC)
        if not user.is_authenticated:
            return self.filter(public)
        teams = Membership.objects.filter(person_id=user.pk)
        return self.filter(
            public
            | Q(team_id__in=teams.values("team_id"))
            | Q(
                reach=Reach.REVIEW,
                team__parent_id__in=teams.filter(role=Role.LEAD).values("team_id"),
            )
        )


class TeamRollup(models.Model):
    """The sums a team's rollup in a period is made of, kept on write (`okrs.goals.scores`):
    one part per reach and archived or not, over that part's objectives' kept scores and
    their key results' kept grades. A reader's team rollup is the sum of the parts they may
    read, so a period page reads a row per part instead of every objective."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    reach = models.SmallIntegerField(choices=Reach.choices)
    archived = models.BooleanField()
    # the objectives': sum of grade × weight and of the weights over those with a grade, the
    # lowest and highest grade, "measured of total" key results, how many
    weighted = models.FloatField(null=True)
    weights = models.FloatField(null=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    measured = models.IntegerField(default=0)
    total = models.IntegerField(default=0)
    objectives = models.IntegerField(default=0)
    # their key results' (not archived), per commitment: how many, how many graded, the sum of
    # the grades, how many reached the grade expected at the end; and per `GRADE_BUCKETS`
    committed_krs = models.IntegerField(default=0)
    committed_graded = models.IntegerField(default=0)
    committed_grades = models.FloatField(null=True)
    committed_reached = models.IntegerField(default=0)
    aspirational_krs = models.IntegerField(default=0)
    aspirational_graded = models.IntegerField(default=0)
    aspirational_grades = models.FloatField(null=True)
    aspirational_reached = models.IntegerField(default=0)
    bucket_0 = models.IntegerField(default=0)
    bucket_1 = models.IntegerField(default=0)
    bucket_2 = models.IntegerField(default=0)

    objects = TeamRollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "team", "reach", "archived"], name="team_rollup_part"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team_id} in {self.period_id}: reach {self.reach}, archived {self.archived}"
