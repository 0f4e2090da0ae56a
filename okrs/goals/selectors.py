"""Reads of goals with their scores, built in a fixed number of queries whatever the data size.

The latest value of every key result is found in SQL (a correlated subquery on the check-in
index); the grading rules of `okrs.core` then score and roll up in one pass.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from okrs.core.pacing import Commitment, Status, status
from okrs.core.rollup import Measured, counted, rollup_columns, rollup_groups, weighted_mean
from okrs.core.scoring import KeyResultRule, KeyResultScore, score_key_result
from okrs.goals.access import visible_objectives
from okrs.goals.models import Alignment, CheckIn, KeyResult, Objective, Period
from okrs.org.access import User
from okrs.org.models import Team
from okrs.sqlread import convert_row, converters_of


@dataclass
class KeyResultRow:
    key_result: KeyResult
    score: KeyResultScore
    last_checkin_at: dt.datetime | None


@dataclass
class ObjectiveRow:
    objective: Objective
    key_results: list[KeyResultRow]
    grade: float | None = None
    progress: float | None = None
    expected: float = 0.0
    status: Status = Status.NO_DATA
    measured: Measured = field(default_factory=Measured)


@dataclass
class TeamRow:
    team: Team
    objectives: list[ObjectiveRow] = field(default_factory=list)
    grade: float | None = None
    measured: Measured = field(default_factory=Measured)


@dataclass
class Scoreboard:
    period: Period
    on: dt.date
    teams: list[TeamRow]
    grade: float | None
    measured: Measured = field(default_factory=Measured)

    @property
    def objectives(self) -> list[ObjectiveRow]:
        return [row for team in self.teams for row in team.objectives]


def status_change_of(checkin: CheckIn) -> tuple[Status, Status] | None:
    """(before, after) when `checkin`, the latest of its key result, changed the KR's status.

    Both statuses are judged on the day of the check-in (inside the period), so only the new
    value and confidence make the difference. None when nothing changed or a later check-in
    exists (a back-dated value does not change today's status).
    """
    kr = KeyResult.objects.select_related("objective__period").get(pk=checkin.key_result_id)
    history = CheckIn.objects.filter(key_result_id=kr.pk)
    later = Q(at__gt=checkin.at) | Q(at=checkin.at, id__gt=checkin.pk)
    if history.filter(later).exists():
        return None
    earlier = Q(at__lt=checkin.at) | Q(at=checkin.at, id__lt=checkin.pk)
    previous = history.filter(earlier).order_by("-at", "-id").first()
    period = kr.objective.period
    day = min(max(timezone.localtime(checkin.at).date(), period.start), period.end)

    def status_with(entry: CheckIn | None) -> Status:
        return score_key_result(
            rule=kr.rule,
            value=entry.value if entry else None,
            confidence=entry.confidence if entry else None,
            start=period.start,
            deadline=kr.due(period),
            on=day,
            commitment=Commitment(kr.objective.commitment),
            uncertain=kr.uncertain,
        ).status

    before, after = status_with(previous), status_with(checkin)
    return None if before == after else (before, after)


def current_period(today: dt.date | None = None) -> Period | None:
    """The period containing today, else the latest one that started, else the first."""
    today = today or timezone.localdate()
    periods = Period.objects.order_by("-start")
    return (
        periods.filter(start__lte=today, end__gte=today).first()
        or periods.filter(start__lte=today).first()
        or periods.last()
    )


def key_results_with_latest(
    key_results: QuerySet[KeyResult],
    *,
    on: dt.date | None = None,
    value: bool = True,
    with_time: bool = True,
) -> QuerySet[KeyResult]:
    """Annotate each key result with its latest check-in as of `on`: `latest_value` and
    `latest_confidence` (unless `value=False`), `latest_at` (unless `with_time=False`)."""
    checkins = CheckIn.objects.filter(key_result=OuterRef("pk"))
    if on is not None:
        end_of_day = dt.datetime.combine(on, dt.time.max, tzinfo=timezone.get_current_timezone())
        checkins = checkins.filter(at__lte=end_of_day)
    latest = checkins.order_by("-at", "-id")
    annotations = {}
    if value:
        annotations["latest_value"] = Subquery(latest.values("value")[:1])
        annotations["latest_confidence"] = Subquery(latest.values("confidence")[:1])
    if with_time:
        annotations["latest_at"] = Subquery(latest.values("at")[:1])
    return key_results.annotate(**annotations)


LATEST_CHECKIN_FIELDS = ("value", "confidence", "at")


def score_row(kr: KeyResult, period: Period, commitment: str, on: dt.date) -> KeyResultRow:
    """Score one key result annotated by `key_results_with_latest`."""
    score = score_key_result(
        rule=kr.rule,
        value=kr.latest_value,  # type: ignore[attr-defined]
        confidence=kr.latest_confidence,  # type: ignore[attr-defined]
        start=period.start,
        deadline=kr.due(period),
        on=on,
        commitment=Commitment(commitment),
        uncertain=kr.uncertain,
    )
    return KeyResultRow(key_result=kr, score=score, last_checkin_at=kr.latest_at)  # type: ignore[attr-defined]


def scoring_day(period: Period, on: dt.date | None = None) -> dt.date:
    """The day to score on: `on` when it lies inside the period, else today kept inside the
    period. A period's "as of" day belongs to it: a day of another period never carries over."""
    if on is not None and period.contains(on):
        return on
    return min(max(timezone.localdate(), period.start), period.end)


@dataclass(frozen=True)
class ObjectiveGrade:
    grade: float | None
    progress: float | None
    expected: float
    status: Status
    measured: Measured = field(default_factory=Measured)


@dataclass(frozen=True)
class Grades:
    """Grades of a set of objectives rolled up through alignment, with team and organization
    grades: plain numbers read with `values_list`, no model instances. Read-only: a large set
    is shared between requests (`_kept_grades`)."""

    on: dt.date
    objectives: dict[int, ObjectiveGrade]
    key_results: dict[int, KeyResultScore]
    teams: dict[int, float | None]
    organization: float | None
    commitments: dict[int, Commitment] = field(default_factory=dict)
    """Each objective's commitment, by primary key."""
    key_result_objectives: dict[int, int] = field(default_factory=dict)
    """Each key result's objective, by primary key."""
    links: list[tuple[int, int, float]] = field(default_factory=list)
    """The alignment links rolled up: (child, parent, weight), in creation order."""
    checked_in_at: dict[int, dt.datetime | None] = field(default_factory=dict)
    """Each key result's latest check-in time as of the day (only when asked: `times=True`)."""
    team_measured: dict[int, Measured] = field(default_factory=dict)
    """How many of each team's key results are measured."""
    measured: Measured = field(default_factory=Measured)
    """How many of the period's key results are measured."""


KR_SCORING_FIELDS = (
    "pk",
    "objective_id",
    "weight",
    "direction",
    "baseline",
    "target",
    "target_high",
    "stretch",
    "deadline",
    "uncertain",
)


def scoring_rows(
    objectives: QuerySet[Objective], on: dt.date, *, with_time: bool = False
) -> list[tuple[Any, ...]]:
    """The `KR_SCORING_FIELDS` of every non-archived key result of `objectives`, then the value
    and confidence of its latest check-in as of the end of day `on` (by time, then by key, as
    `key_results_with_latest`), and with `with_time` its time; None for each without one.

    Written out, one query: the latest check-in is found once for each key result and joined
    (a lateral join on PostgreSQL; on SQLite a join on the key the correlated subquery finds)
    where the ORM's annotations look it up once per column read. Every page of a period
    grades all its key results with it: 4,000 at the large benchmark scale, 25 -> 18 ms on
    SQLite (tested equal to `key_results_with_latest`: `tests/foundation/test_scoring_rows.py`)."""
    try:
        ids_sql, ids_params = objectives.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a queryset known to be empty (`none()`, `pk__in=[]`)
        return []
    end_of_day = dt.datetime.combine(on, dt.time.max, tzinfo=timezone.get_current_timezone())
    sql, converters = _scoring_sql(connection.vendor, with_time)
    with connection.cursor() as cursor:
        cursor.execute(
            sql % {"objectives": ids_sql},
            [connection.ops.adapt_datetimefield_value(end_of_day), *ids_params],
        )
        rows = cursor.fetchall()
    if not converters:
        return rows
    return [tuple(convert_row(converters, list(row))) for row in rows]


@functools.cache
def _scoring_sql(vendor: str, with_time: bool) -> tuple[str, list[tuple[int, Any, list[Any]]]]:
    """`scoring_rows`' query (its objectives subquery left as `%(objectives)s`) and the
    converters of its columns, once per database and shape."""
    q = connection.ops.quote_name
    kr, checkin = KeyResult._meta, CheckIn._meta
    kr_fields = [kr.get_field("id" if name == "pk" else name) for name in KR_SCORING_FIELDS]
    checkin_fields = [
        checkin.get_field(name) for name in LATEST_CHECKIN_FIELDS[: 3 if with_time else 2]
    ]
    columns = [f"k.{q(f.column)}" for f in kr_fields] + [f"c.{q(f.column)}" for f in checkin_fields]

    def column(name: str) -> str:
        return q(checkin.get_field(name).column)

    at, key = column("at"), column("id")
    latest = (
        f"FROM {q(checkin.db_table)} u WHERE u.{column('key_result')} = k.{q(kr.pk.column)}"
        f" AND u.{at} <= %%s ORDER BY u.{at} DESC, u.{key} DESC LIMIT 1"
    )
    if vendor == "postgresql":
        picked = ", ".join(f"u.{q(f.column)}" for f in checkin_fields)
        join = f"LEFT JOIN LATERAL (SELECT {picked} {latest}) c ON TRUE"
    else:
        join = f"LEFT JOIN {q(checkin.db_table)} c ON c.{key} = (SELECT u.{key} {latest})"
    sql = (
        f"SELECT {', '.join(columns)} FROM {q(kr.db_table)} k {join}"
        f" WHERE NOT k.{q(kr.get_field('archived').column)}"
        f" AND k.{q(kr.get_field('objective').column)} IN (%(objectives)s)"
    )
    return sql, converters_of([*kr_fields, *checkin_fields])


@functools.lru_cache(maxsize=16_384)
def _scored(
    direction: str,
    baseline: float,
    target: float | None,
    target_high: float | None,
    stretch: float | None,
    value: float | None,
    confidence: float | None,
    start: dt.date,
    deadline: dt.date,
    on: dt.date,
    commitment: Commitment,
    uncertain: bool = False,
) -> KeyResultScore:
    """`score_key_result` of a key result's rule and latest check-in, kept by its arguments (a
    pure function of them; an invalid rule raises and is not kept). Every page of a period
    scores all its key results, 4,000 at the large benchmark scale, on each request, and from
    one request to the next check-ins change few of them: a kept score costs a lookup (about
    0.5 µs) where scoring costs 5. At most 16,384 are kept a process, about 8 MB."""
    return score_key_result(
        rule=KeyResultRule(direction, baseline, target, target_high, stretch),
        value=value,
        confidence=confidence,
        start=start,
        deadline=deadline,
        on=on,
        commitment=commitment,
        uncertain=uncertain,
    )


def grades(
    period: Period,
    objectives: QuerySet[Objective],
    *,
    on: dt.date | None = None,
    times: bool = False,
) -> Grades:
    """Score every non-archived KR of `objectives` (those of `period`) as of day `on` and roll
    the grades up: objectives through their alignment links (both ends in the set), then teams
    and the organization. Three queries whatever the size; each row is a tuple, not a model.
    """
    today = scoring_day(period)
    on = scoring_day(period, on)
    in_period = objectives.filter(period=period)
    if on >= today:
        return _from_kept(period, in_period, on)
    # a day before today: the values as they were then, from the history
    objective_rows = tuple(in_period.values_list("pk", "team_id", "weight", "commitment"))
    krs = tuple(scoring_rows(in_period, on, with_time=times))
    links = tuple(
        Alignment.objects.filter(
            child__in=in_period.values("pk"), parent__in=in_period.values("pk")
        )
        .order_by("id")
        .values_list("child_id", "parent_id", "weight")
    )
    if len(krs) < KEPT_GRADES_FROM:
        return _graded(period.start, period.end, on, objective_rows, krs, links)
    return _kept_grades(period.start, period.end, on, objective_rows, krs, links)


KEPT_OBJECTIVE_FIELDS = (
    "pk", "team_id", "weight", "commitment",
    "kept_grade", "kept_progress", "kept_confidence", "kept_measured", "kept_total",
)  # fmt: skip
KEPT_KR_FIELDS = (
    "pk", "objective_id", "weight", "direction", "baseline", "target", "target_high", "stretch",
    "deadline", "uncertain", "kept_value", "kept_confidence", "kept_at",
)  # fmt: skip


def _from_kept(period: Period, in_period: QuerySet[Objective], on: dt.date) -> Grades:
    """`grades` from the scores kept on write (`okrs.goals.scores`): the objectives' rolled-up
    grades as kept, each key result's status computed for day `on` from its kept value. Three
    queries (objectives, key results, links), no check-in read and no rollup."""
    objective_rows = list(in_period.values_list(*KEPT_OBJECTIVE_FIELDS))
    commitments = {row[0]: Commitment(row[3]) for row in objective_rows}
    kr_rows = KeyResult.objects.filter(
        objective_id__in=in_period.values("pk"), archived=False
    ).values_list(*KEPT_KR_FIELDS)
    kr_scores: dict[int, KeyResultScore] = {}
    kr_objectives: dict[int, int] = {}
    checked_in_at: dict[int, dt.datetime | None] = {}
    expected: dict[int, list[tuple[float | None, float]]] = defaultdict(list)
    for (
        pk,
        objective_id,
        weight,
        direction,
        base,
        target,
        high,
        stretch,
        due,
        unsure,
        v,
        c,
        at,
    ) in kr_rows:
        if objective_id not in commitments:  # the objective changed between the two reads
            continue
        score = _scored(
            direction, base, target, high, stretch, v, c, period.start, due or period.end, on,
            commitments[objective_id], unsure,
        )  # fmt: skip
        kr_scores[pk] = score
        kr_objectives[pk] = objective_id
        checked_in_at[pk] = at
        expected[objective_id].append((score.expected, weight))
    final = on >= period.end
    rolled: dict[int, ObjectiveGrade] = {}
    for pk, _, _, _, grade, progress, confidence, measured, total in objective_rows:
        pace = weighted_mean(expected.get(pk, ())) or 0.0
        rolled[pk] = ObjectiveGrade(
            grade=grade,
            progress=progress,
            expected=pace,
            status=status(
                progress=progress,
                expected=pace,
                confidence=confidence,
                final=final and progress is not None,
            ),
            measured=Measured(measured, total),
        )
    ids = [row[0] for row in objective_rows]
    links = list(
        Alignment.objects.filter(child_id__in=ids, parent_id__in=ids)
        .order_by("id")
        .values_list("child_id", "parent_id", "weight")
    )
    team_grades = rollup_groups(
        {row[0]: (row[4], row[2]) for row in objective_rows},
        {row[0]: row[1] for row in objective_rows},
    )
    team_measured: dict[int, Measured] = defaultdict(Measured)
    for row in objective_rows:
        team_measured[row[1]] = team_measured[row[1]] + rolled[row[0]].measured
    return Grades(
        on=on,
        objectives=rolled,
        key_results=kr_scores,
        teams=team_grades,
        organization=weighted_mean((grade, 1.0) for grade in team_grades.values()),
        commitments=commitments,
        key_result_objectives=kr_objectives,
        links=links,
        checked_in_at=checked_in_at,
        team_measured=dict(team_measured),
        measured=Measured.total_of(team_measured.values()),
    )


KEPT_GRADES_FROM = 500
"""Grades of at least this many key results are kept (`_kept_grades`); fewer are graded anew,
which costs less than a kept set's memory."""


@functools.lru_cache(maxsize=4)
def _kept_grades(*rows: Any) -> Grades:
    """`_graded`, kept by everything it is computed from: the rows read, not a version or a time,
    so grades kept can never be stale (a changed check-in, rule, weight, link or day is another
    key). A period page reads the rows anyway; comparing them with a kept set (about 1 ms for
    4,000 key results) costs less than scoring and rolling them up again (about 15 ms). Four sets
    are kept a process (the period as the admin and anonymously sees it, say), 2.5 MB each at the
    large benchmark scale. What is returned is shared: callers read it, never change it."""
    return _graded(*rows)


def _graded(
    start: dt.date,
    end: dt.date,
    on: dt.date,
    objective_rows: tuple[tuple[int, int, float, str], ...],
    krs: tuple[tuple[Any, ...], ...],
    links: tuple[tuple[int, int, float], ...],
) -> Grades:
    """`grades` of the rows it read: the period's start and end, the day, the objectives (key,
    team, weight, commitment), `scoring_rows` and the alignment links."""
    commitments = {pk: Commitment(commitment) for pk, _, _, commitment in objective_rows}
    kr_scores: dict[int, KeyResultScore] = {}
    kr_objectives: dict[int, int] = {}
    checked_in_at: dict[int, dt.datetime | None] = {}
    own: dict[int, list[tuple[KeyResultScore, float]]] = {pk: [] for pk in commitments}
    for (
        pk,
        objective_id,
        weight,
        direction,
        base,
        target,
        high,
        stretch,
        due,
        unsure,
        v,
        c,
        *at,
    ) in krs:
        if objective_id not in own:  # the objective changed between the two reads
            continue
        score = _scored(
            direction,
            base,
            target,
            high,
            stretch,
            v,
            c,
            start,
            due or end,
            on,
            commitments[objective_id],
            bool(unsure),
        )
        kr_scores[pk] = score
        kr_objectives[pk] = objective_id
        if at:
            checked_in_at[pk] = at[0]
        own[objective_id].append((score, weight))
    kept_links = [link for link in links if link[0] in own and link[1] in own]
    rolled = _roll_up(own, kept_links, final=on >= end)
    team_grades = rollup_groups(
        {pk: (rolled[pk].grade, weight) for pk, _, weight, _ in objective_rows},
        {pk: team_id for pk, team_id, _, _ in objective_rows},
    )
    team_measured: dict[int, Measured] = defaultdict(Measured)
    for pk, team_id, _, _ in objective_rows:
        team_measured[team_id] = team_measured[team_id] + rolled[pk].measured
    return Grades(
        on=on,
        objectives=rolled,
        key_results=kr_scores,
        teams=team_grades,
        organization=weighted_mean((grade, 1.0) for grade in team_grades.values()),
        commitments=commitments,
        key_result_objectives=kr_objectives,
        links=kept_links,
        checked_in_at=checked_in_at,
        team_measured=dict(team_measured),
        measured=Measured.total_of(team_measured.values()),
    )


def descendants(objective_ids: list[int]) -> QuerySet[Objective]:
    """The objectives given and every objective contributing to them, directly or not (one
    recursive query): all that their grades depend on."""
    if not objective_ids:
        return Objective.objects.none()
    alignment, objective = Alignment._meta.db_table, Objective._meta.db_table
    marks = ", ".join(["%s"] * len(objective_ids))
    sql = (
        f"WITH RECURSIVE tree(id) AS (SELECT id FROM {objective} WHERE id IN ({marks}) "
        f"UNION SELECT a.child_id FROM {alignment} a JOIN tree ON a.parent_id = tree.id) "
        "SELECT id FROM tree"
    )
    return Objective.objects.filter(pk__in=RawSQL(sql, objective_ids))


def scoreboard(
    period: Period,
    objectives: QuerySet[Objective],
    *,
    on: dt.date | None = None,
    scope: QuerySet[Objective] | None = None,
    graded: Grades | None = None,
) -> Scoreboard:
    """Score `objectives` of `period` as of day `on` (default: today, inside the period).

    Grades roll up over `scope` (default: `objectives` themselves), which must hold every
    objective shown: a filtered page passes the whole visible period as scope so that grades
    are alike on every page; or pass `graded`, grades already read. Five queries: the grades'
    three, then the objectives shown and their key results.
    """
    if graded is None:
        graded = grades(period, objectives if scope is None else scope, on=on)
    objective_list = [
        objective
        for objective in objectives.filter(period=period)
        .select_related("team", "owner")
        .order_by("team__order", "team__name", "order", "id")
        if objective.pk in graded.objectives  # else it was not in `scope`, or came since
    ]
    by_id: dict[int, ObjectiveRow] = {}
    for objective in objective_list:
        grade = graded.objectives[objective.pk]
        by_id[objective.pk] = ObjectiveRow(
            objective=objective,
            key_results=[],
            grade=grade.grade,
            progress=grade.progress,
            expected=grade.expected,
            status=grade.status,
            measured=grade.measured,
        )
    krs = key_results_with_latest(
        KeyResult.objects.filter(objective_id__in=by_id, archived=False).select_related("owner"),
        on=graded.on,
        value=False,
    ).order_by("order", "id")
    for kr in krs:
        score = graded.key_results.get(kr.pk)
        if score is not None:
            by_id[kr.objective_id].key_results.append(
                KeyResultRow(key_result=kr, score=score, last_checkin_at=kr.latest_at)  # type: ignore[attr-defined]
            )
    return _group_by_team(period, graded, objective_list, by_id)


def _roll_up(
    own: dict[int, list[tuple[KeyResultScore, float]]],
    links: list[tuple[int, int, float]],
    *,
    final: bool,
) -> dict[int, ObjectiveGrade]:
    """Roll the key results' scores up the alignment links; a key result without a value
    counts as 0 (`okrs.core.rollup.counted`). `final`: the period has ended."""
    contributions: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for child, parent, weight in links:
        contributions[parent].append((child, weight))
    columns = {
        pk: [((counted(s.grade), counted(s.progress), s.expected), weight) for s, weight in scores]
        for pk, scores in own.items()
    }
    rolled = rollup_columns(columns, contributions, 3)
    result = {}
    for pk, scores in own.items():
        grade, progress, expected = rolled[pk]
        confidences = [s.confidence for s, _ in scores if s.confidence is not None]
        result[pk] = ObjectiveGrade(
            grade=grade,
            progress=progress,
            expected=expected or 0.0,
            status=status(
                progress=progress,
                expected=expected or 0.0,
                confidence=min(confidences) if confidences else None,
                final=final and progress is not None,
            ),
            measured=Measured.of(s.grade for s, _ in scores),
        )
    return result


def _group_by_team(
    period: Period, graded: Grades, objectives: list[Objective], by_id: dict[int, ObjectiveRow]
) -> Scoreboard:
    teams: dict[int, TeamRow] = {}
    for objective in objectives:
        team_row = teams.setdefault(
            objective.team_id,
            TeamRow(
                team=objective.team,
                grade=graded.teams.get(objective.team_id),
                measured=graded.team_measured.get(objective.team_id, Measured()),
            ),
        )
        team_row.objectives.append(by_id[objective.pk])
    return Scoreboard(
        period=period,
        on=graded.on,
        teams=list(teams.values()),
        grade=graded.organization,
        measured=graded.measured,
    )


# --- the API's list reads --------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveListFilter:
    """What the objectives list is narrowed to; None leaves a filter out."""

    period: str | None = None  # slugs
    team: str | None = None
    owner: str | None = None  # a username
    state: str | None = None


def objective_list(user: User, where: ObjectiveListFilter) -> QuerySet[Objective]:
    """The objectives `user` may read (`visible_objectives`) narrowed by `where`."""
    lookups = {
        "period__slug": where.period,
        "team__slug": where.team,
        "owner__username": where.owner,
        "state": where.state,
    }
    return visible_objectives(user).filter(
        **{name: value for name, value in lookups.items() if value is not None}
    )
