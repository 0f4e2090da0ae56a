"""Reads of the measures app, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from okrs.core.measures import UNITS, MeasureParamsError, describe, parse_measure
from okrs.core.nps import NpsCounts, summarize
from okrs.goals.models import KeyResult, MeasureKind
from okrs.measures.models import Measurement, Survey, SurveyResponse


@dataclass(frozen=True)
class MeasureSummary:
    """What a KR page shows about a computed measure."""

    kind: str
    kind_label: str
    description: str
    value: float | None
    unit: str
    sample: int
    sample_label: str
    detail: dict[str, Any]
    as_of: dt.datetime | None
    computed_at: dt.datetime | None
    error: str

    @property
    def is_nps(self) -> bool:
        return self.kind == MeasureKind.NPS


_SAMPLE_LABELS = {
    "nps": "answers",
    "activity_share": "activities in the period",
    "activity_count": "activities",
    "cohort_fact_share": "people in the cohort",
    "distinct_people": "events",
}


def measure_summary(key_result: KeyResult) -> MeasureSummary | None:
    """The measure of a computed KR with the sample behind its last value (n, and for NPS the
    95% interval and verdict) and when it was computed; None for a manual KR. One query."""
    if key_result.measure_kind == MeasureKind.MANUAL:
        return None
    try:
        parsed = parse_measure(key_result.measure_kind, key_result.measure_params)
        description = describe(parsed) if parsed is not None else ""
        error = ""
    except MeasureParamsError as exc:
        description, error = "", f"invalid measure: {exc}"
    measurement = Measurement.objects.filter(key_result_id=key_result.pk).first()
    return MeasureSummary(
        kind=key_result.measure_kind,
        kind_label=MeasureKind(key_result.measure_kind).label,
        description=description,
        value=measurement.value if measurement else None,
        unit=UNITS.get(key_result.measure_kind, ""),
        sample=measurement.sample if measurement else 0,
        sample_label=_SAMPLE_LABELS.get(key_result.measure_kind, "rows"),
        detail=measurement.detail if measurement else {},
        as_of=measurement.as_of if measurement else None,
        computed_at=measurement.computed_at if measurement else None,
        error=error or (measurement.error if measurement else ""),
    )


def survey_results(survey: Survey) -> dict[str, Any]:
    """Counts, NPS and interval of a survey's answers so far; one aggregate query."""
    row = SurveyResponse.objects.filter(survey=survey).aggregate(
        promoters=Count("pk", filter=Q(score__gte=9)),
        passives=Count("pk", filter=Q(score__gte=7, score__lte=8)),
        detractors=Count("pk", filter=Q(score__lte=6)),
        anonymous=Count("pk", filter=Q(respondent__isnull=True)),
    )
    counts = NpsCounts(row["promoters"], row["passives"], row["detractors"])
    return {"summary": summarize(counts), "anonymous": row["anonymous"]}


def recent_comments(survey: Survey, limit: int = 20) -> list[SurveyResponse]:
    return list(
        SurveyResponse.objects.filter(survey=survey)
        .exclude(comment="")
        .order_by("-submitted_at")
        .only("score", "comment", "submitted_at")[:limit]
    )
