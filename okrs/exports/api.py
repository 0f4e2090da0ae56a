"""The API's CSV downloads: the same files as the pages', through the same access rules."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from okrs.api.errors import ERRORS
from okrs.api.schemas import Day, Slug
from okrs.exports.csvrows import checkins_csv, period_csv
from okrs.goals.access import get_key_result_for_user

router = Router(tags=["exports"])


#: the OpenAPI of a CSV answer: a text/csv body, not the JSON ninja would document for `Any`
CSV_OK: dict[str, Any] = {
    "responses": {
        200: {
            "description": "A CSV file (UTF-8, a header row first)",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


class CsvQuery(Schema):
    on: Day | None = Field(None, description="Grade as of this day (default: today).")


@router.get("/periods/{slug}/objectives.csv", response=ERRORS, openapi_extra=CSV_OK)
def period_objectives_csv(request: HttpRequest, slug: Slug, query: Query[CsvQuery]) -> HttpResponse:
    """The period's objectives and key results you may read, with grades and statuses, as CSV
    (one row per key result)."""
    from okrs.api.routers.goals import get_period

    return period_csv(request.auth, get_period(slug), on=query.on)  # type: ignore[attr-defined]


@router.get("/key-results/{kr_id}/check-ins.csv", response=ERRORS, openapi_extra=CSV_OK)
def key_result_checkins_csv(request: HttpRequest, kr_id: int) -> HttpResponse:
    """Every check-in of the key result, oldest first, as CSV."""
    return checkins_csv(get_key_result_for_user(request.auth, kr_id))  # type: ignore[attr-defined]
