"""The invitation to answer the hosted survey a key result is measured by, for its page: the
community reading a NPS key result finds where to give its answer."""

from __future__ import annotations

from typing import Any

from django import template

from okrs.goals.models import KeyResult
from okrs.measures.models import Survey

register = template.Library()


@register.inclusion_tag("measures/_survey_invitation.html")
def survey_invitation(kr: KeyResult) -> dict[str, Any]:
    """The open hosted survey behind an NPS key result, or nothing (one query, NPS KRs only)."""
    if kr.measure_kind != "nps" or not isinstance(kr.measure_params, dict):
        return {"survey": None}
    slug = kr.measure_params.get("survey")
    survey = Survey.objects.filter(slug=slug, hosted=True).first() if slug else None
    return {"survey": survey if survey is not None and survey.is_open() else None}
