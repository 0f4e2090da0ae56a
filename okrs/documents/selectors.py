"""Reads for OKR documents: quality findings of a period, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, QuerySet

from okrs.core.krparse import Period as PeriodSpan
from okrs.core.okrlint import Finding, LintKR, LintObjective, lint
from okrs.core.scoring import Direction
from okrs.documents.models import LintSilence
from okrs.goals.models import KeyResult, Objective, Period


def lint_inputs(objectives: list[Objective]) -> list[LintObjective]:
    """The pure lint inputs for ``objectives`` (one query for all their key results)."""
    by_objective: dict[int, list[LintKR]] = defaultdict(list)
    key_results = KeyResult.objects.filter(objective__in=[o.pk for o in objectives]).order_by(
        "order", "id"
    )
    for kr in key_results:
        by_objective[kr.objective_id].append(
            LintKR(
                key=kr.pk,
                code=kr.code,
                title=kr.title,
                direction=Direction(kr.direction),
                target=kr.target,
                deadline=kr.deadline,
                weight=kr.weight,
            )
        )
    return [
        LintObjective(
            key=o.pk,
            code=o.code,
            title=o.title,
            key_results=tuple(by_objective[o.pk]),
            weight=o.weight,
            team=str(o.team_id),
        )
        for o in objectives
    ]


def lint_period(
    period: Period, objectives: QuerySet[Objective], *, include_silenced: bool = False
) -> list[Finding]:
    """Findings for ``objectives`` of ``period``, without those a team silenced. Three queries."""
    chosen = list(
        objectives.filter(period=period).order_by("team__order", "team_id", "order", "id")
    )
    findings = lint(lint_inputs(chosen), PeriodSpan(period.start, period.end))
    if include_silenced:
        return findings
    silenced = silenced_keys([o.pk for o in chosen])
    return [f for f in findings if (f.code, f.kind, f.key) not in silenced]


def silenced_keys(objective_ids: list[int]) -> set[tuple[str, str, int]]:
    """``(code, kind, key)`` of every silence on these objectives or their key results."""
    silences = LintSilence.objects.filter(
        Q(objective_id__in=objective_ids) | Q(key_result__objective_id__in=objective_ids)
    ).values_list("code", "objective_id", "key_result_id")
    return {
        (code, "objective", objective_id) if objective_id is not None else (code, "kr", kr_id)
        for code, objective_id, kr_id in silences
    }
