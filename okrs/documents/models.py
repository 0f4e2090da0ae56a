"""What an imported OKR document said, and the quality checks a team chose to silence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from okrs.goals.models import KeyResult, Objective


class KeyResultSource(models.Model):
    """The sentence a key result was read from, and what the parser could not decide.

    ``strict`` records a strict comparison ("> 11.5 NPS"): the goals model has no strict
    direction, so the KR is stored as "at least" and the strictness kept here.
    ``milestones`` are intermediate goals ("(90% by Nov 15)") as ``[{value, deadline}]``;
    ``uncertain`` is ``[{field, reason}]`` for a person to review; ``change`` a relative
    change in percent ("reduced by 50%") when the text gives no absolute target.
    """

    key_result = models.OneToOneField(
        KeyResult, on_delete=models.CASCADE, related_name="document_source"
    )
    text = models.TextField()
    line = models.PositiveIntegerField(null=True, blank=True)
    strict = models.BooleanField(default=False)
    change = models.FloatField(null=True, blank=True)
    milestones = models.JSONField(default=list, blank=True)
    uncertain = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.text[:80]


class LintSilence(models.Model):
    """A quality check a team decided to ignore for one objective or one key result."""

    code = models.CharField(max_length=64)
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="lint_silences"
    )
    key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="lint_silences"
    )
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(objective__isnull=False, key_result__isnull=True)
                | Q(objective__isnull=True, key_result__isnull=False),
                name="lintsilence_one_target",
            ),
            models.UniqueConstraint(
                fields=["code", "objective"],
                condition=Q(objective__isnull=False),
                name="lintsilence_unique_objective",
            ),
            models.UniqueConstraint(
                fields=["code", "key_result"],
                condition=Q(key_result__isnull=False),
                name="lintsilence_unique_key_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} silenced on {self.objective or self.key_result}"


class CarriedKeyResult(models.Model):
    """A key result copied into the next period by carry-over: where it came from."""

    source = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="carried_into")
    copy = models.OneToOneField(KeyResult, on_delete=models.CASCADE, related_name="carried_from")
    last_value = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.source} → {self.copy}"
