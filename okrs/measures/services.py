"""Writes of the measures app: one typed function per domain action."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import nh3
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from okrs.core.measures import MeasureParamsError, describe, params_as_json, parse_measure
from okrs.goals.models import Change, ChangeAction, CheckIn, KeyResult, MeasureKind, Period
from okrs.goals.services import computed_checkin_record, key_result_update
from okrs.measures.evaluate import MeasureError, Result, as_of_for, evaluate
from okrs.measures.imports import ImportReport, Progress, import_dataset, resolve_kind
from okrs.measures.models import Measurement, Survey, SurveyResponse
from okrs.org.access import is_site_admin
from okrs.org.models import Cohort, Team

#: Which measure kinds read which dataset (to recompute after an import).
KINDS_READING = {
    "responses": [MeasureKind.NPS],
    "activities": [MeasureKind.ACTIVITY_SHARE, MeasureKind.ACTIVITY_COUNT],
    "facts": [MeasureKind.COHORT_FACT_SHARE],
    "events": [MeasureKind.DISTINCT_PEOPLE],
}
COMPUTED_KINDS = [kind for kind in MeasureKind if kind != MeasureKind.MANUAL]


@dataclass
class Outcome:
    key_result: KeyResult
    result: Result | None
    checkin: CheckIn | None
    error: str = ""
    frozen: bool = False
    """The key result's period has closed and it was measured as of its deadline already."""


@transaction.atomic
def _stored_measure(kind: str, params: Any) -> dict[str, Any]:
    """A measure's parameters as kept, or ValidationError naming the bad fields."""
    try:
        parsed = parse_measure(kind, params)
    except MeasureParamsError as exc:
        raise ValidationError(
            {"measure_params": [f"{field}: {message}" for field, message in exc.problems]}
        ) from exc
    return {} if parsed is None else params_as_json(parsed)


def key_result_measure_change(
    *, key_result: KeyResult, kind: str, params: Any, actor: AbstractBaseUser | None
) -> KeyResult:
    """Change how a key result is measured, as a person does through the API: the edit of the
    key result (`goals.services.key_result_update`, as the page's form makes it), so it is in
    the objective's history and a computed key result is measured at once, whichever door."""
    stored = _stored_measure(kind, params)
    return key_result_update(
        key_result=key_result,
        actor=actor,
        changes={"measure_kind": kind, "measure_params": stored},
    )


def key_result_set_measure(*, key_result: KeyResult, kind: str, params: Any) -> KeyResult:
    """Validate and store a KR's measure without measuring it nor recording it (setting up data:
    the demo, tests); raises ValidationError naming the bad fields. A person's change goes
    through `key_result_measure_change`."""
    stored = _stored_measure(kind, params)
    if (key_result.measure_kind, key_result.measure_params) == (kind, stored):
        return key_result  # unchanged: keep updated_at, so re-running a setup changes nothing
    key_result.measure_kind = kind
    key_result.measure_params = stored
    key_result.save(update_fields=["measure_kind", "measure_params", "updated_at"])
    return key_result


def _note(key_result: KeyResult, result: Result) -> str:
    parsed = parse_measure(key_result.measure_kind, key_result.measure_params)
    assert parsed is not None
    text = f"Computed: {describe(parsed)}; n = {result.sample}"
    margin = result.detail.get("margin")
    if margin is not None:
        text += f", ±{margin:.2f} (95%, adjusted-Wald)"
    return text + "."


def measure_key_result(
    *,
    key_result: KeyResult,
    as_of: dt.datetime | None = None,
    now: dt.datetime | None = None,
    remeasure_by: AbstractBaseUser | None = None,
) -> Outcome:
    """Evaluate a computed KR as of a moment (default: now, capped at its deadline), keep the
    evaluation, and keep its computed point of that day (`goals.services.computed_checkin_record`).

    A closed period is history: once a KR of a period that has ended was measured as of its
    deadline it is frozen, and nothing measures it again (an accepted offer, a late import)
    unless a site admin re-measures it on purpose (`remeasure_by`), which the objective's
    history records. The aggregate query runs before the write transaction, so a long
    evaluation does not hold SQLite's write lock."""
    period: Period = key_result.objective.period
    computed_at = now or timezone.now()
    final = as_of_for(key_result, computed_at)
    closed = timezone.localtime(computed_at).date() > period.end
    if remeasure_by is not None and not is_site_admin(remeasure_by):
        raise PermissionDenied(gettext("Only a site admin may re-measure a closed period."))
    if closed and remeasure_by is None and _measured_as_of(key_result, final):
        return Outcome(key_result, None, None, frozen=True)
    as_of = as_of or final
    result: Result | None = None
    error = ""
    try:
        parsed = parse_measure(key_result.measure_kind, key_result.measure_params)
        if parsed is None:
            return Outcome(key_result, None, None, "manual measure")
        result = evaluate(
            parsed,
            period=period,
            as_of=as_of,
            target=key_result.target,
            direction=key_result.direction,
        )
    except (MeasureParamsError, MeasureError) as exc:
        error = str(exc)
    outcome = _record(key_result, result, error, as_of=as_of, computed_at=computed_at)
    if closed and remeasure_by is not None:
        _record_remeasure(key_result, remeasure_by, outcome)
    return outcome


def _measured_as_of(key_result: KeyResult, moment: dt.datetime) -> bool:
    """Whether the KR's last evaluation was as of `moment` (its deadline) or later."""
    return Measurement.objects.filter(key_result=key_result, as_of__gte=moment).exists()


def _record_remeasure(key_result: KeyResult, actor: AbstractBaseUser, outcome: Outcome) -> None:
    value = None if outcome.result is None else outcome.result.value
    Change.objects.create(
        objective_id=key_result.objective_id,
        key_result=key_result,
        actor=actor,
        action=ChangeAction.REMEASURED,
        diff={"value": [None, value], "error": [None, outcome.error or None]},
    )


@transaction.atomic
def _record(
    key_result: KeyResult,
    result: Result | None,
    error: str,
    *,
    as_of: dt.datetime,
    computed_at: dt.datetime,
) -> Outcome:
    Measurement.objects.update_or_create(
        key_result=key_result,
        defaults={
            "value": result.value if result else None,
            "sample": result.sample if result else 0,
            "detail": result.detail if result else {},
            "as_of": as_of,
            "computed_at": computed_at,
            "error": error[:500],
        },
    )
    uncertain = bool(result and result.detail.get("verdict") == "undecided")
    if key_result.uncertain != uncertain:
        key_result.uncertain = uncertain
        key_result.save(update_fields=["uncertain"])
    if result is None or result.value is None:
        return Outcome(key_result, result, None, error)
    checkin = computed_checkin_record(
        key_result=key_result, value=result.value, at=as_of, note=_note(key_result, result)
    )
    return Outcome(key_result, result, checkin)


def computed_key_results(
    *, period: Period | None = None, kinds: Iterable[str] | None = None
) -> list[KeyResult]:
    krs = KeyResult.objects.filter(measure_kind__in=list(kinds or COMPUTED_KINDS))
    if period is not None:
        krs = krs.filter(objective__period=period)
    return list(krs.select_related("objective__period").order_by("objective__period", "pk"))


def measure_all(
    *,
    period: Period | None = None,
    kinds: Iterable[str] | None = None,
    now: dt.datetime | None = None,
    remeasure_by: AbstractBaseUser | None = None,
) -> list[Outcome]:
    """Recompute every computed KR (of a period, reading some datasets), each in its own
    transaction; closed periods stay frozen unless a site admin re-measures (`remeasure_by`)."""
    return [
        measure_key_result(key_result=kr, now=now, remeasure_by=remeasure_by)
        for kr in computed_key_results(period=period, kinds=kinds)
    ]


def measure_history(
    *, key_result: KeyResult, every: dt.timedelta = dt.timedelta(days=7)
) -> list[Outcome]:
    """Evaluate a KR at every step from its period start to now (capped at its deadline), so
    its chart shows history; check-ins are added only where the value changed."""
    end = as_of_for(key_result)
    start = key_result.objective.period.start
    tz = timezone.get_current_timezone()
    moment = dt.datetime.combine(start, dt.time(), tzinfo=tz) + every - dt.timedelta(seconds=1)
    outcomes = []
    while moment < end:
        outcomes.append(measure_key_result(key_result=key_result, as_of=moment))
        moment += every
    outcomes.append(measure_key_result(key_result=key_result, as_of=end))
    return outcomes


def import_and_measure(
    *,
    kind: str,
    stream: IO[bytes],
    filename: str | None = None,
    progress: Progress | None = None,
) -> tuple[ImportReport, list[Outcome]]:
    """Import a dataset (all or nothing); when it was accepted and added rows, recompute the
    KRs that read it. The entry point for the command, the upload page and the API."""
    report = import_dataset(kind=kind, stream=stream, filename=filename, progress=progress)
    outcomes: list[Outcome] = []
    if report.ok and report.added:
        outcomes = measure_all(kinds=KINDS_READING[resolve_kind(kind).name])
    return report, outcomes


# --- hosted surveys --------------------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    team: Team,
    slug: str,
    title: str,
    cohort: Cohort | None = None,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    allow_anonymous: bool = False,
    question: str = "",
    key_result: KeyResult | None = None,
    actor: AbstractBaseUser | None = None,
) -> Survey:
    """Open a hosted one-question NPS survey for a team (and optionally a cohort). Without a
    slug one is made from the title (`core-community-nps`, `-2` when taken); given a key result,
    it is measured by the survey's NPS from now on (both or neither)."""
    slug = slug.strip() or _free_slug(title)
    survey = Survey(
        team=team,
        slug=slug,
        title=title,
        cohort=cohort,
        opens_at=opens_at,
        closes_at=closes_at,
        allow_anonymous=allow_anonymous,
        hosted=True,
    )
    if question:
        survey.question = question
    survey.full_clean()
    survey.save()
    if key_result is not None:
        from okrs.goals.services import key_result_update

        key_result_update(
            key_result=key_result,
            actor=actor,
            changes={"measure_kind": MeasureKind.NPS, "measure_params": {"survey": survey.slug}},
        )
    return survey


def _free_slug(title: str) -> str:
    from django.utils.text import slugify

    base = slugify(title)[:60].strip("-") or "survey"
    taken = set(Survey.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def survey_close(*, survey: Survey, at: dt.datetime | None = None) -> Survey:
    survey.closes_at = at or timezone.now()
    survey.save(update_fields=["closes_at"])
    return survey


def new_anonymous_id() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def survey_answer(
    *,
    survey: Survey,
    score: int,
    comment: str = "",
    respondent: AbstractBaseUser | None = None,
    anonymous_id: str = "",
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """Record (or change, while the survey is open) one person's answer.

    A signed-in person has one answer per survey; an anonymous browser is known by its
    ``anonymous_id``. The KRs reading surveys are recomputed after the commit.
    """
    now = now or timezone.now()
    if not survey.is_open(now):
        raise ValidationError({"survey": gettext("This survey is closed.")})
    if not 0 <= score <= 10:
        raise ValidationError({"score": gettext("Choose a score from 0 to 10.")})
    if respondent is None and not (survey.allow_anonymous and anonymous_id):
        raise ValidationError({"survey": gettext("Sign in to answer this survey.")})
    key = f"user:{respondent.pk}" if respondent is not None else f"anon:{anonymous_id}"
    response, _ = SurveyResponse.objects.update_or_create(
        survey=survey,
        content_key=_hosted_key(key),
        defaults={
            "score": score,
            "comment": nh3.clean(comment, tags=set()).strip()[:5000],
            "respondent": respondent,
            "anonymous_id": "" if respondent is not None else anonymous_id,
            "submitted_at": now,
        },
    )
    transaction.on_commit(lambda: measure_all(kinds=[MeasureKind.NPS]))
    return response


def _hosted_key(key: str) -> str:
    return hashlib.sha1(f"hosted\x1f{key}".encode()).hexdigest()
