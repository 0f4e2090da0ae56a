"""Writes of OKR documents: import a document into a team's quarter, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from okrs.core.docparse import ParsedObjective, parse_okrs
from okrs.core.krparse import ParsedKR, period_from_slug
from okrs.core.krparse import Period as PeriodSpan
from okrs.core.okrlint import CHECKS
from okrs.core.scoring import Direction
from okrs.documents.models import KeyResultSource, LintSilence
from okrs.goals.models import KeyResult, Objective, ObjectiveState, Period
from okrs.org.models import Team

RELATIVE_UNIT = "% of start"
"""Unit of a KR stated as a relative change ("reduced by 50%"): the starting level is 100."""


class DocumentError(ValueError):
    """A document that cannot be imported; the message says what and where."""


@dataclass
class ImportResult:
    team: Team
    period: Period
    objectives: list[Objective] = field(default_factory=list)
    key_results: list[KeyResult] = field(default_factory=list)
    created_team: bool = False
    created_period: bool = False


def span_of(period: Period) -> PeriodSpan:
    return PeriodSpan(period.start, period.end)


def period_get_or_create(*, slug: str) -> tuple[Period, bool]:
    """The period called ``slug``; a new one takes its dates from the name (2017-Q1)."""
    existing = Period.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    try:
        span = period_from_slug(slug)
    except ValueError as exc:
        raise DocumentError(str(exc)) from None
    return Period.objects.create(slug=slug, name=slug, start=span.start, end=span.end), True


def team_get_or_create(*, slug: str) -> tuple[Team, bool]:
    existing = Team.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    team = Team(slug=slug, name=slug.replace("-", " ").title())
    _clean(team, f"team {slug!r}")
    team.save()
    return team, True


def key_result_fields(parsed: ParsedKR) -> dict[str, Any]:
    """The goals ``KeyResult`` fields for a parsed sentence.

    Rules where the text leaves the goals model short (the parse keeps these in
    ``uncertain`` for review): no baseline stated → 0; a relative change ("reduced by 50%")
    → measured in percent of the starting level, baseline 100, target 100 ± change; a
    decrease to a target without a baseline → "stay at most" the target.
    """
    fields: dict[str, Any] = {
        "direction": parsed.direction.value,
        "baseline": parsed.baseline if parsed.baseline is not None else 0.0,
        "target": parsed.target,
        "target_high": parsed.target_high,
        "unit": parsed.unit,
        "deadline": parsed.deadline,
    }
    if parsed.change is not None:
        fields.update(baseline=100.0, target=100.0 + parsed.change, unit=RELATIVE_UNIT)
    elif parsed.direction is Direction.DECREASE and parsed.baseline is None:
        fields["direction"] = Direction.AT_MOST.value
    if parsed.direction is Direction.MILESTONE:
        fields.update(target=None, baseline=0.0)
    return fields


def _clean(instance: Any, where: str, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
        )
        raise DocumentError(f"{where}: {problems}") from None


@transaction.atomic
def document_import(
    *,
    text: str,
    team_slug: str,
    period_slug: str,
    publish: bool = False,
    author: AbstractBaseUser | None = None,
) -> ImportResult:
    """Create the document's objectives and KRs in the team's period, or nothing at all.

    Creates the team and the period when missing. Objectives are drafts unless
    ``publish``. Raises DocumentError naming the line of the first problem.
    """
    team, created_team = team_get_or_create(slug=team_slug)
    period, created_period = period_get_or_create(slug=period_slug)
    parsed = parse_okrs(text, span_of(period))
    if not parsed:
        raise DocumentError(
            "no objectives found: write 'Objective 1 – …' or a heading, then its KRs"
        )
    result = ImportResult(
        team=team, period=period, created_team=created_team, created_period=created_period
    )
    taken = set(Objective.objects.filter(team=team, period=period).values_list("code", flat=True))
    start = Objective.objects.filter(team=team, period=period).count()
    for index, parsed_objective in enumerate(parsed):
        if parsed_objective.code in taken:
            raise DocumentError(
                f"line {parsed_objective.line}: {team.slug} already has an objective "
                f"{parsed_objective.code} in {period.slug}"
            )
        objective = _objective_create(
            parsed_objective, team=team, period=period, publish=publish, order=start + index
        )
        result.objectives.append(objective)
        result.key_results.extend(_key_results_create(parsed_objective, objective=objective))
    return result


def _objective_create(
    parsed: ParsedObjective, *, team: Team, period: Period, publish: bool, order: int
) -> Objective:
    if not parsed.title:
        raise DocumentError(f"line {parsed.line}: KRs without an objective above them")
    objective = Objective(
        team=team,
        period=period,
        code=parsed.code,
        title=parsed.title[:500],
        order=order,
        state=ObjectiveState.PUBLISHED if publish else ObjectiveState.DRAFT,
    )
    _clean(objective, f"line {parsed.line}", exclude=["team", "period", "owner"])
    objective.save()
    return objective


def _key_results_create(parsed: ParsedObjective, *, objective: Objective) -> list[KeyResult]:
    created = []
    for order, (line, kr) in enumerate(parsed.key_results):
        key_result = KeyResult(
            objective=objective,
            code=line.code,
            title=line.text[:500],
            order=order,
            **key_result_fields(kr),
        )
        _clean(key_result, f"line {line.line} ({line.text[:60]!r})", exclude=["owner"])
        key_result.save()
        KeyResultSource.objects.create(
            key_result=key_result,
            text=line.text,
            line=line.line,
            strict=kr.strict,
            change=kr.change,
            milestones=[
                {"value": m.value, "deadline": m.deadline.isoformat()} for m in kr.milestones
            ],
            uncertain=[{"field": u.field, "reason": u.reason} for u in kr.uncertain],
        )
        created.append(key_result)
    return created


@transaction.atomic
def lint_silence_create(
    *,
    code: str,
    objective: Objective | None = None,
    key_result: KeyResult | None = None,
    reason: str = "",
    author: AbstractBaseUser | None = None,
) -> LintSilence:
    """Silence check ``code`` for one objective or one key result (idempotent)."""
    if code not in CHECKS:
        raise DocumentError(f"unknown check {code!r} (known: {', '.join(CHECKS)})")
    if (objective is None) == (key_result is None):
        raise DocumentError("silence one objective or one key result, not both or neither")
    silence, _ = LintSilence.objects.get_or_create(
        code=code,
        objective=objective,
        key_result=key_result,
        defaults={"reason": reason, "created_by": author},
    )
    return silence
