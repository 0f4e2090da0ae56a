"""The "OKRs as files" format, version 1, as pydantic models (see docs/file-format.md).

Every model refuses unknown keys. The defaults here are the documented defaults: the exporter
leaves out any value equal to its default, so a file says only what differs.
This module checks the shape of one file; references between items (a team, a person, an
objective named elsewhere) are checked in `okrs.files.checks`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import TextChoices
from django.utils import timezone
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    field_validator,
    model_validator,
)

from okrs.core.values import INT32, check_value
from okrs.goals.models import (
    Cadence,
    CheckInSource,
    CommitmentChoices,
    DirectionChoices,
    MeasureKind,
    ObjectiveState,
    ObjectiveVisibility,
)
from okrs.heartbeats.models import PacketStatus, Priority
from okrs.org.models import Role, Visibility

FORMAT_VERSION = 1


def _one_of(choices: type[TextChoices]) -> AfterValidator:
    """A validator accepting only the values of a model's `choices`."""
    allowed = [str(value) for value in choices.values]

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(repr(a) for a in allowed)}")
        return value

    return AfterValidator(check)


def _matching(pattern: str, what: str) -> AfterValidator:
    """A validator accepting only strings matching `pattern`, described as `what`."""
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise ValueError(f"must be {what}, got {value!r}")
        return value

    return AfterValidator(check)


def _url(value: str) -> str:
    if value:
        try:
            URLValidator()(value)
        except DjangoValidationError:
            raise ValueError(f"must be a valid http(s) URL, got {value!r}") from None
    return value


def _email(value: str | None) -> str | None:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError(f"must be a valid email address, got {value!r}") from None
    return value


def _day_to_datetime(value: Any) -> Any:
    """A plain date (`2017-01-16`) means midnight of that day in the site's time zone."""
    if isinstance(value, str) and len(value) == 10:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(), tzinfo=timezone.get_default_timezone())
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    if value.utcoffset() is None:
        raise ValueError("needs a time zone, e.g. 2017-01-16T12:00:00Z or +01:00")
    return value


def _key_result_ref(value: str) -> str:
    parts = value.split("/")
    if len(parts) != 4 or not all(parts):
        raise ValueError(
            f"must be PERIOD/TEAM/OBJECTIVE/KR, e.g. 2017-Q1/reps/O1/KR2, got {value!r}"
        )
    return value


def _heartbeat_by_name(value: Any) -> Any:
    """`heartbeat: Q1HB1` is short for `heartbeat: {name: Q1HB1}` (in the packet's team)."""
    return {"name": value} if isinstance(value, str) else value


Slug = Annotated[
    str, Field(max_length=64), _matching(r"[-a-zA-Z0-9_]+", "a slug (letters, digits, - and _)")
]
PeriodSlug = Annotated[
    str, Field(max_length=32), _matching(r"[-a-zA-Z0-9_]+", "a slug (letters, digits, - and _)")
]
Username = Annotated[
    str, Field(max_length=150), _matching(r"[\w.@+-]+", "a username (letters, digits, @.+-_)")
]
Code = Annotated[
    str, Field(max_length=16), _matching(r"[^/\s]+", "a short code without spaces or /, e.g. O1")
]
Title = Annotated[str, Field(min_length=1, max_length=500)]
Url = Annotated[str, Field(max_length=200), AfterValidator(_url)]
Weight = Annotated[float, Field(gt=0)]
Order = Annotated[int, Field(ge=0, le=INT32[1])]  # a PositiveIntegerField
Confidence = Annotated[float, Field(ge=0, le=1)]
Moment = Annotated[dt.datetime, BeforeValidator(_day_to_datetime), AfterValidator(_aware)]
KeyResultRef = Annotated[str, AfterValidator(_key_result_ref)]


class Item(BaseModel):
    """Base of every mapping in the file: unknown keys are errors, numbers are finite."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, coerce_numbers_to_str=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        """Every value as `okrs.core.values` admits it: what both databases store alike."""
        return check_value(value)


class TeamIn(Item):
    slug: Slug
    name: Annotated[str, Field(min_length=1, max_length=200)]
    parent: Slug | None = None
    description: str = ""
    visibility: Annotated[str, _one_of(Visibility)] = Visibility.PUBLIC.value
    tracker_url: Url = ""
    discussion_url: Url = ""
    follows_parent_heartbeats: bool = False
    order: Order = 0


class MembershipIn(Item):
    team: Slug
    role: Annotated[str, _one_of(Role)] = Role.MEMBER.value


class PersonIn(Item):
    username: Username
    name: Annotated[str, Field(max_length=200)] = ""
    email: Annotated[str | None, Field(max_length=254), AfterValidator(_email)] = None
    github: Annotated[str, Field(max_length=100)] = ""
    discourse: Annotated[str, Field(max_length=100)] = ""
    memberships: list[MembershipIn] = []


class CohortIn(Item):
    slug: Slug
    name: Annotated[str, Field(min_length=1, max_length=200)]
    team: Slug | None = None
    description: str = ""
    members: list[Username] = []


class PeriodIn(Item):
    slug: PeriodSlug
    name: Annotated[str, Field(max_length=100)] = ""
    start: dt.date
    end: dt.date


class HeartbeatIn(Item):
    team: Slug
    period: PeriodSlug
    name: Annotated[str, Field(min_length=1, max_length=100)]
    start: dt.date
    end: dt.date


class ContributionIn(Item):
    team: Slug
    period: PeriodSlug | None = None
    code: Code
    weight: Weight = 1.0


class MeasureIn(Item):
    """`kind` plus the kind's parameters (JSON values), checked by `okrs.core.measures`."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)
    __pydantic_extra__: dict[str, JsonValue] = Field(init=False)

    @model_validator(mode="after")
    def _storable_extra(self) -> MeasureIn:
        check_value(self.__pydantic_extra__)  # the parameters are stored as JSON
        return self

    kind: Annotated[str, _one_of(MeasureKind)] = MeasureKind.MANUAL.value

    @property
    def params(self) -> dict[str, JsonValue]:
        return dict(self.__pydantic_extra__ or {})


class CheckInIn(Item):
    at: Moment
    value: float
    confidence: Confidence | None = None
    note: str = ""
    author: Username | None = None
    source: Annotated[str, _one_of(CheckInSource)] = CheckInSource.IMPORT.value


class KeyResultIn(Item):
    code: Code
    title: Title
    direction: Annotated[str, _one_of(DirectionChoices)] = DirectionChoices.INCREASE.value
    baseline: float = 0.0
    target: float | None = None
    target_high: float | None = None
    stretch: float | None = None
    unit: Annotated[str, Field(max_length=32)] = ""
    deadline: dt.date | None = None
    weight: Weight = 1.0
    owner: Username | None = None
    order: Order = 0
    cadence: Annotated[str, _one_of(Cadence)] = Cadence.WEEKLY.value
    measure: MeasureIn = MeasureIn()
    checkins: list[CheckInIn] = []


class ObjectiveIn(Item):
    team: Slug
    period: PeriodSlug
    code: Code
    title: Title
    description: str = ""
    owner: Username | None = None
    commitment: Annotated[str, _one_of(CommitmentChoices)] = CommitmentChoices.COMMITTED.value
    weight: Weight = 1.0
    order: Order = 0
    state: Annotated[str, _one_of(ObjectiveState)] = ObjectiveState.PUBLISHED.value
    visibility: Annotated[str, _one_of(ObjectiveVisibility)] = ObjectiveVisibility.TEAM.value
    illustrative: bool = False
    contributes_to: list[ContributionIn] = []
    key_results: list[KeyResultIn] = []


class HeartbeatRef(Item):
    team: Slug | None = None
    name: Annotated[str, Field(min_length=1, max_length=100)]


class RolesIn(Item):
    """RASCI: Responsible, Accountable, Supporting, Consulted, Informed."""

    R: list[Username] = []
    A: list[Username] = []
    S: list[Username] = []
    C: list[Username] = []
    I: list[Username] = []  # noqa: E741 - the RASCI letter


class PacketIn(Item):
    team: Slug
    heartbeat: Annotated[HeartbeatRef | None, BeforeValidator(_heartbeat_by_name)] = None
    title: Title
    description: str = ""
    status: Annotated[str, _one_of(PacketStatus)] = PacketStatus.TODO.value
    priority: Annotated[str, _one_of(Priority)] = Priority.NONE.value
    key_results: list[KeyResultRef] = []
    roles: RolesIn = RolesIn()
    due: dt.date | None = None
    external_url: Url = ""
    order: Order = 0


class OkrsFile(Item):
    version: Literal[1]
    teams: list[TeamIn] = []
    people: list[PersonIn] = []
    cohorts: list[CohortIn] = []
    periods: list[PeriodIn] = []
    heartbeats: list[HeartbeatIn] = []
    objectives: list[ObjectiveIn] = []
    packets: list[PacketIn] = []
