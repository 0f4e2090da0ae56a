"""Datasets and measures: surveys and their results, dataset imports, a key result's measure.

Reads and writes check `okrs.measures.access` and `okrs.goals.access`, as the pages do; imports
and measures go through `okrs.measures.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from okrs.api.auth import require_write
from okrs.api.common import check_if_match, page, paginate, set_etag
from okrs.api.errors import ERRORS, ApiError, ErrorOut
from okrs.api.routers.org import ListFilters
from okrs.api.schemas import Id, In, Page, Slug
from okrs.goals.access import get_key_result_for_user
from okrs.measures import access, selectors, services
from okrs.measures.models import Survey
from okrs.org.access import is_site_admin, visible_teams
from okrs.org.models import Cohort

router = Router(tags=["measures"])

MAX_PROBLEMS = 100
DatasetKind = Literal["responses", "activities", "facts", "events"]


# --- schemas -----------------------------------------------------------------------------------


class SurveyOut(Schema):
    slug: str
    title: str
    question: str
    team: str | None
    hosted: bool
    allow_anonymous: bool
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    is_open: bool


class SurveyPage(Page):
    items: list[SurveyOut]


class SurveyResultsOut(Schema):
    n: int
    promoters: int
    passives: int
    detractors: int
    anonymous: int
    nps: float | None
    interval: list[float] | None = Field(
        None, description="95% interval of the NPS (adjusted Wald), null without answers."
    )
    margin: float | None
    warning: str | None


class SurveyDetailOut(SurveyOut):
    results: SurveyResultsOut | None = Field(
        None, description="Only for those who may see the answers (the team's leads)."
    )


class ProblemOut(Schema):
    line: int
    column: str | None
    reason: str


class ImportErrorOut(ErrorOut):
    problems: list[ProblemOut] = Field(
        default_factory=list, description="The file's problems (first 100): line, column, reason."
    )
    truncated: bool = False


class RemeasuredOut(Schema):
    key_result_id: int
    value: float | None
    sample: int | None
    error: str


class ImportOut(Schema):
    kind: str
    rows: int
    added: int
    skipped: int
    created_surveys: list[str]
    remeasured: list[RemeasuredOut]


class MeasureOut(Schema):
    key_result_id: int
    kind: str
    params: dict[str, Any]
    description: str
    value: float | None
    unit: str
    sample: int
    sample_label: str
    interval: list[float] | None = Field(None, description="For NPS: the 95% interval.")
    margin: float | None = None
    detail: dict[str, Any]
    as_of: dt.datetime | None
    computed_at: dt.datetime | None
    error: str


class MeasureIn(In):
    kind: str = Field(..., max_length=64, description="manual, nps, activity_share, …")
    params: dict[str, Any] = Field(default_factory=dict)


# --- surveys -----------------------------------------------------------------------------------


def visible_surveys(user: Any) -> QuerySet[Survey]:
    """The surveys `access.get_survey_for_user` would show: those the user manages, and hosted
    ones they may answer (anonymous visitors see hosted surveys, to be asked to sign in)."""
    surveys = Survey.objects.select_related("team")
    if is_site_admin(user):
        return surveys
    # a private team's survey exists only for those who may read the team
    readable = Q(team__isnull=True) | Q(team__in=visible_teams(user))
    if not user.is_authenticated:
        return surveys.filter(readable, hosted=True)
    in_cohort = Exists(Cohort.objects.filter(pk=OuterRef("cohort_id"), members__pk=user.pk))
    return surveys.filter(
        Q(team__in=access.led_teams(user))
        | (readable & Q(hosted=True, allow_anonymous=True))
        | (readable & Q(hosted=True) & (Q(cohort__isnull=True) | in_cohort))
    )


def survey_out(survey: Survey) -> dict[str, Any]:
    return {
        "slug": survey.slug,
        "title": survey.title,
        "question": survey.question,
        "team": survey.team.slug if survey.team else None,
        "hosted": survey.hosted,
        "allow_anonymous": survey.allow_anonymous,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "is_open": survey.is_open(),
    }


@router.get("/surveys", response={200: SurveyPage, **ERRORS})
def list_surveys(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    rows, cursor = paginate(visible_surveys(request.auth), filters.cursor, filters.limit)
    return page([survey_out(s) for s in rows], cursor)


@router.get("/surveys/{slug}", response={200: SurveyDetailOut, **ERRORS})
def get_survey(request: HttpRequest, slug: Slug) -> Any:
    survey = access.get_survey_for_user(request.auth, slug)
    body = survey_out(survey)
    body["results"] = None
    if access.can_manage_survey(request.auth, survey):
        found = selectors.survey_results(survey)
        summary = found["summary"]
        counts = summary.counts
        body["results"] = {
            "n": summary.n,
            "promoters": counts.promoters,
            "passives": counts.passives,
            "detractors": counts.detractors,
            "anonymous": found["anonymous"],
            "nps": summary.nps,
            "interval": [summary.adjusted.low, summary.adjusted.high] if summary.n else None,
            "margin": summary.adjusted.margin if summary.n else None,
            "warning": summary.warning,
        }
    return body


# --- dataset imports ---------------------------------------------------------------------------


@router.post(
    "/datasets/{kind}/import",
    response={**ERRORS, 200: ImportOut, 413: ErrorOut, 422: ImportErrorOut},
)
def import_dataset(request: HttpRequest, kind: DatasetKind, file: File[UploadedFile]) -> Any:
    """Upload a CSV or JSON file (told apart by its name) as multipart `file`; all or nothing.
    Team leads and site admins import, as on the upload page."""
    user = require_write(request)
    access.require_import_data(user)
    limit: int = settings.OKRS_IMPORT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ApiError(413, "too_large", f"The file is over {limit} bytes.", "file")
    report, outcomes = services.import_and_measure(kind=kind, stream=file.file, filename=file.name)
    if not report.ok:
        first = report.problems[0]
        return Status(
            422,
            {
                "code": "invalid",
                "message": f"The file was not imported ({len(report.problems)}"
                f"{'+' if report.truncated else ''} problems; first: {first}).",
                "field": "file",
                "problems": [
                    {"line": p.line, "column": p.column, "reason": p.reason}
                    for p in report.problems[:MAX_PROBLEMS]
                ],
                "truncated": report.truncated or len(report.problems) > MAX_PROBLEMS,
            },
        )
    return {
        "kind": report.kind,
        "rows": report.rows,
        "added": report.added,
        "skipped": report.skipped,
        "created_surveys": report.created_surveys,
        "remeasured": [
            {
                "key_result_id": o.key_result.pk,
                "value": o.result.value if o.result else None,
                "sample": o.result.sample if o.result else None,
                "error": o.error,
            }
            for o in outcomes
        ],
    }


# --- a key result's measure --------------------------------------------------------------------


def measure_out(kr: Any) -> dict[str, Any]:
    summary = selectors.measure_summary(kr)
    body: dict[str, Any] = {"key_result_id": kr.pk, "kind": kr.measure_kind,
                            "params": kr.measure_params or {}}  # fmt: skip
    if summary is None:
        return {**body, "description": "", "value": None, "unit": "", "sample": 0,
                "sample_label": "", "detail": {}, "as_of": None, "computed_at": None,
                "error": ""}  # fmt: skip
    return {
        **body,
        "description": summary.description,
        "value": summary.value,
        "unit": summary.unit,
        "sample": summary.sample,
        "sample_label": summary.sample_label,
        "interval": summary.detail.get("interval"),
        "margin": summary.detail.get("margin"),
        "detail": summary.detail,
        "as_of": summary.as_of,
        "computed_at": summary.computed_at,
        "error": summary.error,
    }


@router.get("/key-results/{kr_id}/measure", response={200: MeasureOut, **ERRORS})
def get_measure(request: HttpRequest, kr_id: Id, response: HttpResponse) -> Any:
    kr = get_key_result_for_user(request.auth, kr_id)
    set_etag(response, kr)
    return measure_out(kr)


@router.put("/key-results/{kr_id}/measure", response={200: MeasureOut, **ERRORS})
def set_measure(request: HttpRequest, kr_id: Id, body: MeasureIn, response: HttpResponse) -> Any:
    """Set how a key result is measured; 422 names the parameter at fault."""
    user = require_write(request)
    kr = get_key_result_for_user(user, kr_id, action="edit")
    check_if_match(request, kr)
    try:
        kr = services.key_result_measure_change(
            key_result=kr, kind=body.kind, params=body.params, actor=user
        )
    except ValidationError as exc:
        messages = [m for errors in exc.message_dict.values() for m in errors]
        field, _, _ = messages[0].partition(": ") if messages else ("", "", "")
        named = {"measure_kind": "kind", "measure_params": "params"}.get(field)
        raise ApiError(
            422, "invalid", "; ".join(messages), named or (f"params.{field}" if field else None)
        ) from exc
    set_etag(response, kr)
    return measure_out(kr)
