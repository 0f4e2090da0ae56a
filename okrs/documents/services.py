"""Writes of OKR documents: import a document into a team's quarter, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from okrs.core.docparse import parse_okrs, read_document
from okrs.core.krparse import ParsedKR, period_from_slug
from okrs.core.krparse import Period as PeriodSpan
from okrs.core.okrlint import CHECKS
from okrs.core.scoring import Direction
from okrs.documents.models import KeyResultSource, LintSilence
from okrs.goals import scores
from okrs.goals import services as goal_services
from okrs.goals.models import KeyResult, Objective, ObjectiveState, Period
from okrs.hooks import events as hook_events
from okrs.org.models import Team

RELATIVE_UNIT = "% of start"
"""Unit of a KR stated as a relative change ("reduced by 50%", "3x"): the start is 100."""
PLAN_UNIT = "% of plan"
BASELINE_UNSTATED = "the post states no baseline: measure the current value and enter it"
"""Unit of a KR stated as a band around a plan ("within ±10 % of plan"): the plan is 100."""


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
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    """(line, text) of KR-like lines the reader could not place under an objective."""

    @property
    def review_note(self) -> str:
        """Says which objectives went to the parent team's review instead of being published."""
        waiting = [o for o in self.objectives if o.state == ObjectiveState.IN_REVIEW]
        if not waiting:
            return ""
        return (
            f"{len(waiting)} objective(s) proposed for review: the leads of {self.team.parent}"
            f" publish {self.team}'s objectives by approving them."
        )

    def summary(self) -> str:
        saved = (
            f"Saved {len(self.objectives)} objectives and {len(self.key_results)} key results"
            f" in {self.period.slug}."
        )
        return f"{saved} {self.review_note}".strip()


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
    ``uncertain`` for review): no baseline stated → 0 in the saved row (the KR keeps the
    doubt for review; the paste page leaves the field empty); a relative change ("reduced by
    50%") or a multiple ("3x") → percent of the starting level, baseline 100, target 100 ±
    change or 100 × multiple, unless the post states the start ("by 40 % from 1,200"), then
    the target is absolute; a ± band → a range around the plan (100); a decrease to a target
    without a baseline → "stay at most" the target.
    """
    fields: dict[str, Any] = {
        "direction": parsed.direction.value,
        "baseline": parsed.baseline if parsed.baseline is not None else 0.0,
        "target": parsed.target,
        "target_high": parsed.target_high,
        "unit": parsed.unit,
        "deadline": parsed.deadline,
    }
    if parsed.change is not None and parsed.baseline is not None:
        # "grows by 40 % from 1,200": the post states the start, so the target is absolute
        fields.update(target=round(parsed.baseline * (1 + parsed.change / 100), 6), unit="")
    elif parsed.change is not None:
        fields.update(baseline=100.0, target=100.0 + parsed.change, unit=RELATIVE_UNIT)
    elif parsed.multiple is not None:
        fields.update(baseline=100.0, target=100.0 * parsed.multiple, unit=RELATIVE_UNIT)
    elif parsed.band is not None:
        # "within ±10 % of plan": a range around the plan, the plan being 100
        fields.update(
            baseline=100.0,
            target=100.0 - parsed.band,
            target_high=100.0 + parsed.band,
            unit=PLAN_UNIT if parsed.unit == "%" else parsed.unit,
        )
    elif parsed.direction is Direction.DECREASE and parsed.baseline is None:
        fields["direction"] = Direction.AT_MOST.value
    if parsed.direction is Direction.MILESTONE:
        fields.update(target=None, baseline=0.0)
    return fields


def next_free_code(taken: set[str], prefix: str = "O") -> str:
    """The lowest ``O<n>`` (or ``KR<n>``) not in ``taken``: what a clash is offered instead."""
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def taken_codes(team: Team, period: Period) -> set[str]:
    """The objective codes the team already uses in the period (none for an unsaved one)."""
    if period.pk is None:
        return set()
    return set(Objective.objects.filter(team=team, period=period).values_list("code", flat=True))


def _draft_fields(parsed: ParsedKR) -> dict[str, Any]:
    """``key_result_fields`` for review: a baseline the post does not state stays empty."""
    fields = key_result_fields(parsed)
    stated = parsed.baseline is not None or fields.get("unit") in {RELATIVE_UNIT, PLAN_UNIT}
    if not stated and parsed.direction is not Direction.MILESTONE:
        fields["baseline"] = None
    return fields


def _clean(instance: Any, where: str, exclude: list[str] | None = None) -> None:
    for model_field in instance._meta.concrete_fields:  # PostgreSQL refuses NUL in text
        value = getattr(instance, model_field.attname, None)
        if isinstance(value, str) and "\x00" in value:
            raise DocumentError(f"{where}: {model_field.name}: contains a NUL character")
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
        )
        raise DocumentError(f"{where}: {problems}") from None


@dataclass
class KRDraft:
    """A key result about to be saved: the parse, possibly corrected by a person."""

    code: str
    title: str
    fields: dict[str, Any]
    line: int | None = None
    text: str = ""
    strict: bool = False
    change: float | None = None
    milestones: list[dict[str, Any]] = field(default_factory=list)
    uncertain: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ObjectiveDraft:
    code: str
    title: str
    line: int | None = None
    key_results: list[KRDraft] = field(default_factory=list)


def unplaced_lines(text: str) -> list[tuple[int, str]]:
    """The KR-like lines of a document that belong to no objective (shown for review)."""
    return read_document(text).unplaced


def drafts_from_text(text: str, period: Period) -> list[ObjectiveDraft]:
    """Parse a document into drafts for ``period`` (nothing is saved)."""
    return [
        ObjectiveDraft(
            code=parsed.code,
            title=parsed.title,
            line=parsed.line,
            key_results=[
                KRDraft(
                    code=line.code,
                    title=line.text,
                    fields=_draft_fields(kr),
                    line=line.line,
                    text=line.text,
                    strict=kr.strict,
                    change=kr.change,
                    milestones=[
                        {"value": m.value, "deadline": m.deadline.isoformat()}
                        for m in kr.milestones
                    ],
                    uncertain=[{"field": u.field, "reason": u.reason} for u in kr.uncertain],
                )
                for line, kr in parsed.key_results
            ],
        )
        for parsed in parse_okrs(text, span_of(period))
    ]


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
    ``publish`` (`drafts_import` says what publishing means). Raises DocumentError naming the
    line of the first problem.
    """
    team, created_team = team_get_or_create(slug=team_slug)
    period, created_period = period_get_or_create(slug=period_slug)
    result = drafts_import(
        team=team,
        period=period,
        drafts=drafts_from_text(text, period),
        publish=publish,
        author=author,
    )
    result.created_team, result.created_period = created_team, created_period
    result.unplaced = unplaced_lines(text)
    return result


@transaction.atomic
def drafts_import(
    *,
    team: Team,
    period: Period,
    drafts: list[ObjectiveDraft],
    publish: bool = False,
    author: AbstractBaseUser | None = None,
) -> ImportResult:
    """Save reviewed drafts as the team's objectives and KRs in ``period``, all or nothing; each
    objective gets its history row (created by ``author``). ``publish`` releases them as the
    goals' rule says (`objective_release`): published in a team without a parent, proposed for
    the parent's review otherwise."""
    if not drafts:
        raise DocumentError(
            "no objectives found: write 'Objective 1 – …' or a heading, then its KRs"
        )
    result = ImportResult(team=team, period=period)
    existing = Objective.objects.filter(team=team, period=period)
    taken = set(existing.values_list("code", flat=True))
    start = existing.count()
    for index, draft in enumerate(drafts):
        where = f"line {draft.line}" if draft.line else f"objective {index + 1}"
        if draft.code in taken:
            raise DocumentError(
                f"{where}: {team.slug} already has an objective {draft.code} in {period.slug}"
                f" (next free code: {next_free_code(taken)})"
            )
        taken.add(draft.code)
        objective = _objective_create(
            draft, where=where, team=team, period=period, order=start + index
        )
        goal_services.objective_created_record(objective=objective, actor=author)
        result.key_results.extend(_key_results_create(draft, objective=objective))
        if publish:
            goal_services.objective_release(objective=objective, actor=author)
        result.objectives.append(objective)
    return result


def _objective_create(
    draft: ObjectiveDraft, *, where: str, team: Team, period: Period, order: int
) -> Objective:
    if not draft.title.strip():
        raise DocumentError(f"{where}: key results without an objective title above them")
    objective = Objective(
        team=team,
        period=period,
        code=draft.code,
        title=draft.title.strip()[:500],
        order=order,
        state=ObjectiveState.DRAFT,
    )
    _clean(objective, where, exclude=["team", "period", "owner"])
    objective.save()
    scores.ensure_team_rollups([(team.pk, period.pk)])  # kept by the roll-up below
    hook_events.objective_changed(objective, created=True)
    return objective


def _key_results_create(draft: ObjectiveDraft, *, objective: Objective) -> list[KeyResult]:
    created = []
    for order, kr in enumerate(draft.key_results):
        fields = dict(kr.fields)
        uncertain = list(kr.uncertain)
        if fields.get("baseline") is None:
            # the goals model needs a number: its default, with the doubt kept for review
            fields["baseline"] = 0.0
            needs_start = fields.get("direction") in {"increase", "decrease"}
            if needs_start and not any(u.get("field") == "baseline" for u in uncertain):
                uncertain.append({"field": "baseline", "reason": BASELINE_UNSTATED})
        key_result = KeyResult(
            objective=objective,
            code=kr.code,
            title=kr.title.strip()[:500],
            order=order,
            **fields,
        )
        where = f"line {kr.line} ({kr.title[:60]!r})" if kr.line else repr(kr.title[:60])
        _clean(key_result, where, exclude=["owner"])
        key_result.save()
        KeyResultSource.objects.create(
            key_result=key_result,
            text=kr.text or kr.title,
            line=kr.line,
            strict=kr.strict,
            change=kr.change,
            milestones=kr.milestones,
            uncertain=uncertain,
        )
        created.append(key_result)
    scores.roll_up([objective.pk])  # its key results count from now on, none measured yet
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


@transaction.atomic
def drafts_save(
    *,
    team: Team,
    period_slug: str,
    drafts: list[ObjectiveDraft],
    publish: bool = False,
    author: AbstractBaseUser | None = None,
) -> ImportResult:
    """``drafts_import`` into the period named ``period_slug``, created when missing."""
    period, created = period_get_or_create(slug=period_slug)
    result = drafts_import(team=team, period=period, drafts=drafts, publish=publish, author=author)
    result.created_period = created
    return result
