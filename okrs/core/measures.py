"""Measure definitions: the typed parameters of each computed measure kind, validated.

Pure rules, no Django. A key result stores a kind (``nps``, ``activity_share``, ...) and a
JSON object of parameters; ``parse_measure(kind, params)`` turns them into one of the
frozen models below or raises ``MeasureParamsError`` listing every problem with the field it
concerns (``survey``, ``conditions.1.key``, ...). Nothing is ever evaluated as code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from okrs.core.nps import Comparator


def _no_nul(value: str) -> str:
    if "\x00" in value:  # PostgreSQL's jsonb cannot hold it: refused here, by field
        raise ValueError("must not contain a NUL character")
    return value


SLUG = r"^[-a-zA-Z0-9_]+$"
Slug = Annotated[str, Field(min_length=1, max_length=64, pattern=SLUG)]
Text = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_nul)]


class MeasureParamsError(ValueError):
    """Invalid measure parameters; ``problems`` is a list of (field, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "; ".join(f"{field}: {message}" for field, message in self.problems)


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def normalize_tag(tag: str) -> str:
    """Tags compare without case and surrounding blanks; ``;`` separates them in files."""
    return tag.strip().lower()


class ActivityFilter(_Params):
    """Activities whose type, initiative and tag all match the given values (any if absent)."""

    type: Text | None = None
    initiative: Text | None = None
    tag: Text | None = None

    @field_validator("tag")
    @classmethod
    def _tag(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if ";" in value:
            raise ValueError("one tag only (a tag cannot contain ';')")
        return normalize_tag(value)

    @property
    def is_empty(self) -> bool:
        return self.type is None and self.initiative is None and self.tag is None


class NpsParams(_Params):
    """NPS of a survey's responses submitted up to the measuring date."""

    kind: Literal["nps"] = "nps"
    survey: Slug
    comparator: Comparator | None = Field(
        default=None, description="How the target is compared; default from the KR direction."
    )


class ActivityShareParams(_Params):
    """Percentage of the period's activities (of the cohort, if given) matching ``filter``."""

    kind: Literal["activity_share"] = "activity_share"
    filter: ActivityFilter
    within: ActivityFilter = Field(
        default_factory=ActivityFilter, description="The activities counted at all."
    )
    cohort: Slug | None = None

    @field_validator("filter")
    @classmethod
    def _filter_not_empty(cls, value: ActivityFilter) -> ActivityFilter:
        if value.is_empty:
            raise ValueError("give at least one of type, initiative or tag")
        return value


class ActivityCountParams(_Params):
    """Number of the period's activities (of the cohort, if given) matching ``filter``."""

    kind: Literal["activity_count"] = "activity_count"
    filter: ActivityFilter = Field(default_factory=ActivityFilter)
    cohort: Slug | None = None


class FactCondition(_Params):
    key: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[-a-zA-Z0-9_.:]+$")]
    value: Annotated[str, Field(max_length=500), AfterValidator(_no_nul)]


class CohortFactShareParams(_Params):
    """Percentage of a cohort whose latest facts (as of the date) satisfy every condition."""

    kind: Literal["cohort_fact_share"] = "cohort_fact_share"
    cohort: Slug
    conditions: Annotated[list[FactCondition], Field(min_length=1, max_length=10)]

    @field_validator("conditions")
    @classmethod
    def _distinct_keys(cls, value: list[FactCondition]) -> list[FactCondition]:
        keys = [c.key for c in value]
        if len(set(keys)) != len(keys):
            raise ValueError("each key may appear once")
        return value


class DistinctPeopleParams(_Params):
    """Number of distinct people (of the cohort, if given) with an event of kind and subject."""

    kind: Literal["distinct_people"] = "distinct_people"
    event: Text
    subject: Text | None = None
    cohort: Slug | None = None
    since_period_start: bool = Field(
        default=False, description="Count only events inside the KR's period."
    )


MeasureParams = (
    NpsParams
    | ActivityShareParams
    | ActivityCountParams
    | CohortFactShareParams
    | DistinctPeopleParams
)

PARAMS_BY_KIND: dict[str, type[_Params]] = {
    "nps": NpsParams,
    "activity_share": ActivityShareParams,
    "activity_count": ActivityCountParams,
    "cohort_fact_share": CohortFactShareParams,
    "distinct_people": DistinctPeopleParams,
}

UNITS: dict[str, str] = {
    "nps": "NPS",
    "activity_share": "%",
    "activity_count": "activities",
    "cohort_fact_share": "%",
    "distinct_people": "people",
}


def parse_measure(kind: str, params: Any) -> MeasureParams | None:
    """The typed parameters of a computed measure, or None for ``manual``.

    Raises MeasureParamsError naming each field at fault.
    """
    if kind == "manual":
        if params:
            raise MeasureParamsError([("measure_params", "a manual measure takes no parameters")])
        return None
    model = PARAMS_BY_KIND.get(kind)
    if model is None:
        known = ", ".join(["manual", *PARAMS_BY_KIND])
        raise MeasureParamsError([("measure_kind", f"unknown kind {kind!r} (known: {known})")])
    if not isinstance(params, dict):
        raise MeasureParamsError([("measure_params", "must be an object of parameters")])
    data = {k: v for k, v in params.items() if k != "kind"}
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise MeasureParamsError(
            [
                (".".join(str(p) for p in e["loc"]) or "measure_params", e["msg"])
                for e in exc.errors()
            ]
        ) from None
    assert isinstance(parsed, MeasureParams)
    return parsed


def params_as_json(parsed: MeasureParams) -> dict[str, Any]:
    """The parameters as stored on a key result (no defaults, no kind)."""
    return parsed.model_dump(mode="json", exclude_defaults=True, exclude={"kind"})


def describe(parsed: MeasureParams) -> str:
    """One line saying what is measured, for pages and reports."""
    match parsed:
        case NpsParams():
            return f"NPS of survey “{parsed.survey}”"
        case ActivityShareParams():
            who = f" by cohort “{parsed.cohort}”" if parsed.cohort else ""
            base = _filter_text(parsed.within) or "all activities"
            return f"share of {base}{who} in the period with {_filter_text(parsed.filter)}"
        case ActivityCountParams():
            who = f" by cohort “{parsed.cohort}”" if parsed.cohort else ""
            what = _filter_text(parsed.filter)
            return f"activities{who} in the period" + (f" with {what}" if what else "")
        case CohortFactShareParams():
            conditions = " and ".join(f"{c.key} = {c.value}" for c in parsed.conditions)
            return f"share of cohort “{parsed.cohort}” with {conditions}"
        case DistinctPeopleParams():
            who = f" of cohort “{parsed.cohort}”" if parsed.cohort else ""
            subject = f" on “{parsed.subject}”" if parsed.subject else ""
            return f"distinct people{who} with a “{parsed.event}” event{subject}"
    raise AssertionError(parsed)  # pragma: no cover


def _filter_text(f: ActivityFilter) -> str:
    parts = [
        f"{name} “{value}”"
        for name, value in (("type", f.type), ("initiative", f.initiative), ("tag", f.tag))
        if value is not None
    ]
    return ", ".join(parts)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_datetime(raw: str, *, default_tz: dt.tzinfo = dt.UTC) -> dt.datetime:
    """An ISO 8601 date-time (a date alone means its midnight); naive times get ``default_tz``.

    Raises ValueError with a readable message.
    """
    text = raw.strip()
    try:
        if _ISO_DATE.match(text):
            value = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {raw!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=default_tz)
    return value


def parse_date(raw: str) -> dt.date:
    """An ISO 8601 date (YYYY-MM-DD); raises ValueError with a readable message."""
    text = raw.strip()
    if not _ISO_DATE.match(text):
        raise ValueError(f"not an ISO 8601 date (YYYY-MM-DD): {raw!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a valid date: {raw!r}") from None
