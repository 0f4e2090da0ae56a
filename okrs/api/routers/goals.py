"""Periods and their score, objectives, key results, check-ins and alignment.

Every read goes through `okrs.goals.access`; writes check the same helpers and call services.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from okrs.api.auth import require_write
from okrs.api.common import (
    CURSOR_PATTERN,
    check_if_match,
    etag_of,
    items,
    page,
    paginate,
    person_by_username,
    set_etag,
)
from okrs.api.errors import ERRORS, ApiError
from okrs.api.routers.org import ListFilters
from okrs.api.schemas import (
    AlignmentIn,
    AlignmentOut,
    AlignmentPage,
    CheckInIn,
    CheckInOut,
    CheckInPage,
    Day,
    Id,
    KeyResultIn,
    KeyResultOut,
    KeyResultPage,
    KeyResultPatch,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePage,
    ObjectivePatch,
    PeriodOut,
    PeriodPage,
    ScoreOut,
    Slug,
    Username,
    patch_changes,
)
from okrs.goals import services as goal_services
from okrs.goals.access import (
    get_key_result_for_user,
    get_objective_for_user,
    visible_key_results,
    visible_objectives,
)
from okrs.goals.models import (
    Alignment,
    CheckIn,
    CheckInSource,
    KeyResult,
    Objective,
    ObjectiveState,
    Period,
)
from okrs.goals.selectors import (
    ObjectiveListFilter,
    kept_score,
    objective_list,
    reader_parts,
)
from okrs.goals.serializers import period_score as score_document
from okrs.goals.services import checkin_create
from okrs.org.access import get_team_for_user
from okrs.org.models import Team

router = Router(tags=["goals"])


# --- periods -------------------------------------------------------------------------------


def period_out(period: Period) -> dict[str, Any]:
    return {"slug": period.slug, "name": period.name, "start": period.start, "end": period.end}


def get_period(slug: str, field: str | None = None) -> Period:
    period = Period.objects.filter(slug=slug).first()
    if period is None:
        status = 422 if field else 404
        raise ApiError(status, "invalid" if field else "not_found", f"No period {slug!r}.", field)
    return period


@router.get("/periods", response={200: PeriodPage, **ERRORS})
def list_periods(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    rows, cursor = paginate(Period.objects.all(), filters.cursor, filters.limit)
    return page([period_out(p) for p in rows], cursor)


@router.get("/periods/{slug}", response={200: PeriodOut, **ERRORS})
def get_period_detail(request: HttpRequest, slug: Slug) -> Any:
    return period_out(get_period(slug))


SCORE_DEFAULT_TEAMS = 5
SCORE_MAX_TEAMS = 20
"""Teams per page of the period score: each brings its objectives and their key results."""


class ScoreQuery(Schema):
    on: Day | None = Field(None, description="Score as of this day (default: today).")
    cursor: str | None = Field(None, max_length=200, pattern=CURSOR_PATTERN)
    limit: int = Field(
        SCORE_DEFAULT_TEAMS,
        ge=1,
        le=SCORE_MAX_TEAMS,
        description="Teams per page (each with all its objectives and key results).",
    )


@router.get("/periods/{slug}/score", response={200: ScoreOut, **ERRORS})
def period_score(request: HttpRequest, slug: Slug, query: Query[ScoreQuery]) -> Any:
    """The period's score as the caller may read it: the period's grade and "N of M measured"
    over every objective the caller may read, then a page of teams (in key order; `cursor` and
    `limit` as every list) with their grades, objectives and key results. `okrs score --format
    json` prints the same document with every team."""
    period = get_period(slug)
    objectives = Objective.objects.visible_to(request.auth).filter(period=period)
    parts = reader_parts(request.auth, period)
    # the teams with an objective the caller reads: from the kept parts, a row per part
    teams = Team.objects.filter(pk__in=parts.filter(objectives__gt=0).values("team_id"))
    page_teams, next_cursor = paginate(teams.values("pk"), query.cursor, query.limit)
    document = score_document(
        period, objectives, parts=parts, on=query.on, teams=[row["pk"] for row in page_teams]
    )
    return {**document, "next_cursor": next_cursor}


# --- objectives ----------------------------------------------------------------------------


OBJECTIVE_OUT = {
    "id": "id", "team": "team__slug", "period": "period__slug", "code": "code", "title": "title",
    "description": "description", "owner": "owner__username", "commitment": "commitment",
    "weight": "weight", "order": "order", "state": "state", "visibility": "visibility",
    "created_at": "created_at", "updated_at": "updated_at",
}  # fmt: skip
"""An objective as the API shows it: each key of `ObjectiveOut` and the lookup it is read with
(`values()`: one query, its team, period and owner joined, no model instances)."""


def _objective_item(user: Any, pk: int, response: HttpResponse) -> dict[str, Any]:
    """Objective `pk` as `user` may read it (404 otherwise), its ETag set on `response`."""
    rows = objective_list(user, ObjectiveListFilter()).filter(pk=pk)
    row = rows.values(*OBJECTIVE_OUT.values()).first()
    if row is None:
        raise ApiError(404, "not_found", "No such objective.")
    response["ETag"] = etag_of(Objective, row["id"], row["updated_at"])
    return items([row], OBJECTIVE_OUT)[0]


class ObjectiveFilters(ListFilters):
    period: Slug | None = None
    team: Slug | None = None
    owner: Username | None = None
    state: ObjectiveState | None = None


@router.get("/objectives", response={200: ObjectivePage, **ERRORS})
def list_objectives(request: HttpRequest, filters: Query[ObjectiveFilters]) -> Any:
    where = ObjectiveListFilter(
        period=filters.period or None,
        team=filters.team or None,
        owner=filters.owner or None,
        state=filters.state or None,
    )
    objectives = objective_list(request.auth, where).values(*OBJECTIVE_OUT.values())
    rows, cursor = paginate(objectives, filters.cursor, filters.limit)
    return page(items(rows, OBJECTIVE_OUT), cursor)


@router.get("/objectives/{objective_id}", response={200: ObjectiveOut, **ERRORS})
def get_objective(request: HttpRequest, objective_id: Id, response: HttpResponse) -> Any:
    return _objective_item(request.auth, objective_id, response)


@router.post("/objectives", response={201: ObjectiveOut, **ERRORS})
def create_objective(request: HttpRequest, body: ObjectiveIn, response: HttpResponse) -> Any:
    user = require_write(request)
    team = get_team_for_user(user, body.team, write=True)
    fields = body.model_dump(exclude={"team", "period", "owner"})
    period = get_period(body.period, "period")
    if body.code and Objective.objects.filter(team=team, period=period, code=body.code).exists():
        raise ApiError(
            409, "conflict", f"{team.slug} has an {body.code} in {period} already.", "code"
        )
    objective = goal_services.objective_create(
        team=team, period=period, owner=person_by_username(body.owner), actor=user, **fields
    )
    response["Location"] = f"{request.path.rstrip('/')}/{objective.pk}"
    return Status(201, _objective_item(user, objective.pk, response))


@router.patch("/objectives/{objective_id}", response={200: ObjectiveOut, **ERRORS})
def update_objective(
    request: HttpRequest, objective_id: Id, body: ObjectivePatch, response: HttpResponse
) -> Any:
    """Change some fields. Send `If-Match` with the ETag you read to avoid losing others' edits."""
    user = require_write(request)
    changes = patch_changes(body)
    if "owner" in changes:
        changes["owner"] = person_by_username(changes["owner"])
    with transaction.atomic():
        get_objective_for_user(user, objective_id, write=True)
        Objective.objects.select_for_update().filter(pk=objective_id).order_by().values_list(
            "pk"
        ).first()
        objective = get_objective_for_user(user, objective_id, write=True)
        check_if_match(request, objective)
        goal_services.objective_update(objective=objective, actor=user, changes=changes)
    return _objective_item(user, objective_id, response)


# --- key results ---------------------------------------------------------------------------


def _today_in(period: Period) -> dt.date:
    return min(max(timezone.localdate(), period.start), period.end)


def key_result_out(kr: KeyResult) -> dict[str, Any]:
    """A key result with its score as of today, from its kept value and confidence (as every
    page reads today's)."""
    objective = kr.objective
    score = kept_score(kr, objective.period, objective.commitment, _today_in(objective.period))
    return {
        "id": kr.pk,
        "objective": kr.objective_id,
        "code": kr.code,
        "title": kr.title,
        "direction": kr.direction,
        "baseline": kr.baseline,
        "target": kr.target,
        "target_high": kr.target_high,
        "stretch": kr.stretch,
        "unit": kr.unit,
        "deadline": kr.deadline,
        "weight": kr.weight,
        "owner": kr.owner.get_username() if kr.owner else None,
        "order": kr.order,
        "measure_kind": kr.measure_kind,
        "cadence": kr.cadence,
        "value": score.value,
        "confidence": score.confidence,
        "progress": score.progress,
        "grade": score.grade,
        "expected": score.expected,
        "status": score.status.value,
        "last_checkin_at": kr.kept_at,
        "archived": kr.archived,
        "deleted_at": kr.deleted_at,
        "updated_at": kr.updated_at,
    }


def _key_results(queryset: Any) -> Any:
    return queryset.select_related("objective__period", "owner")


def _load_key_result(pk: int) -> KeyResult:
    return _key_results(KeyResult.objects.filter(pk=pk)).get()


class KeyResultFilters(ListFilters):
    objective: Id | None = None
    period: Slug | None = None
    team: Slug | None = None
    owner: Username | None = None
    deleted: bool = Field(
        False,
        description="Also list deleted key results (`DELETE`, their `deleted_at` set), which "
        "are left out by default. Each one stays readable by its id.",
    )


@router.get("/key-results", response={200: KeyResultPage, **ERRORS})
def list_key_results(request: HttpRequest, filters: Query[KeyResultFilters]) -> Any:
    """The key results the caller may read, deleted ones only with `deleted=true`."""
    krs = visible_key_results(request.auth)
    if not filters.deleted:
        krs = krs.filter(deleted_at__isnull=True)
    if filters.objective:
        krs = krs.filter(objective_id=filters.objective)
    if filters.period:
        krs = krs.filter(objective__period__slug=filters.period)
    if filters.team:
        krs = krs.filter(objective__team__slug=filters.team)
    if filters.owner:
        krs = krs.filter(owner__username=filters.owner)
    rows, cursor = paginate(_key_results(krs), filters.cursor, filters.limit)
    return page([key_result_out(k) for k in rows], cursor)


def _readable_key_result_id(user: Any, pk: int) -> int:
    """`pk` if `user` may read key result `pk` (`visible_key_results`), else 404."""
    if not visible_key_results(user).filter(pk=pk).exists():
        raise ApiError(404, "not_found", "No such key result.")
    return pk


@router.get("/key-results/{kr_id}", response={200: KeyResultOut, **ERRORS})
def get_key_result(request: HttpRequest, kr_id: Id, response: HttpResponse) -> Any:
    kr = _key_results(visible_key_results(request.auth).filter(pk=kr_id)).first()
    if kr is None:
        raise ApiError(404, "not_found", "No such key result.")
    set_etag(response, kr)
    return key_result_out(kr)


@router.post("/key-results", response={201: KeyResultOut, **ERRORS})
def create_key_result(request: HttpRequest, body: KeyResultIn, response: HttpResponse) -> Any:
    user = require_write(request)
    objective = get_objective_for_user(user, body.objective, write=True)
    fields = body.model_dump(exclude={"objective", "owner"})
    fields["owner"] = person_by_username(body.owner)
    kr = goal_services.key_result_create(objective=objective, actor=user, fields=fields)
    kr = _load_key_result(kr.pk)
    set_etag(response, kr)
    response["Location"] = f"{request.path.rstrip('/')}/{kr.pk}"
    return Status(201, key_result_out(kr))


@router.patch("/key-results/{kr_id}", response={200: KeyResultOut, **ERRORS})
def update_key_result(
    request: HttpRequest, kr_id: Id, body: KeyResultPatch, response: HttpResponse
) -> Any:
    user = require_write(request)
    changes = patch_changes(body)
    if "owner" in changes:
        changes["owner"] = person_by_username(changes["owner"])
    with transaction.atomic():
        get_key_result_for_user(user, kr_id, action="edit")
        KeyResult.objects.select_for_update().filter(pk=kr_id).order_by().values_list("pk").first()
        kr = get_key_result_for_user(user, kr_id, action="edit")
        check_if_match(request, kr)
        goal_services.key_result_update(key_result=kr, actor=user, changes=changes)
    kr = _load_key_result(kr_id)
    set_etag(response, kr)
    return key_result_out(kr)


@router.delete("/key-results/{kr_id}", response={204: None, **ERRORS})
def delete_key_result(request: HttpRequest, kr_id: Id) -> Any:
    """Delete a key result (the team's leads and site admins; others 403, and 404 to those who
    may not read it): it is archived for good, counts nowhere and takes no more check-ins; its
    check-ins and comments are kept and it stays readable by its id (the list shows it only with
    `deleted=true`). One already deleted answers 422."""
    user = require_write(request)
    kr = get_key_result_for_user(user, kr_id)
    goal_services.key_result_delete(key_result=kr, actor=user)
    return Status(204, None)


# --- check-ins -----------------------------------------------------------------------------


CHECKIN_OUT = {
    "id": "id", "key_result": "key_result_id", "value": "value", "confidence": "confidence",
    "note": "note", "author": "author__username", "at": "at", "recorded_at": "recorded_at",
    "source": "source",
}  # fmt: skip
"""A check-in as the API shows it (`OBJECTIVE_OUT`'s way)."""


def _checkins(key_result_id: int) -> Any:
    return CheckIn.objects.filter(key_result_id=key_result_id).values(*CHECKIN_OUT.values())


@router.get("/key-results/{kr_id}/checkins", response={200: CheckInPage, **ERRORS})
def list_checkins(request: HttpRequest, kr_id: Id, filters: Query[ListFilters]) -> Any:
    checkins = _checkins(_readable_key_result_id(request.auth, kr_id))
    rows, cursor = paginate(checkins, filters.cursor, filters.limit)
    return page(items(rows, CHECKIN_OUT), cursor)


@router.post("/key-results/{kr_id}/checkins", response={201: CheckInOut, **ERRORS})
def create_checkin(request: HttpRequest, kr_id: Id, body: CheckInIn, response: HttpResponse) -> Any:
    """Append a value to the key result's history. Check-ins never overwrite each other."""
    user = require_write(request)
    kr = get_key_result_for_user(user, kr_id, action="checkin")
    checkin = checkin_create(
        key_result=kr,
        value=body.value,
        author=user,
        confidence=body.confidence,
        note=body.note,
        at=body.at,
        source=CheckInSource.API,
    )
    response["Location"] = f"{request.path.rstrip('/')}/{checkin.pk}"
    return Status(201, items(_checkins(kr.pk).filter(pk=checkin.pk), CHECKIN_OUT)[0])


# --- alignment -----------------------------------------------------------------------------


def alignment_out(alignment: Alignment) -> dict[str, Any]:
    return {
        "id": alignment.pk,
        "child": alignment.child_id,
        "parent": alignment.parent_id,
        "weight": alignment.weight,
    }


class AlignmentFilters(ListFilters):
    objective: Id | None = Field(None, description="Links where this objective is child or parent.")
    period: Slug | None = None


def visible_alignments(user: Any) -> Any:
    visible = visible_objectives(user).values("pk")
    return Alignment.objects.filter(child__in=visible, parent__in=visible)


@router.get("/alignments", response={200: AlignmentPage, **ERRORS})
def list_alignments(request: HttpRequest, filters: Query[AlignmentFilters]) -> Any:
    links = visible_alignments(request.auth)
    if filters.objective:
        links = links.filter(Q(child_id=filters.objective) | Q(parent_id=filters.objective))
    if filters.period:
        links = links.filter(child__period__slug=filters.period)
    rows, cursor = paginate(links, filters.cursor, filters.limit)
    return page([alignment_out(a) for a in rows], cursor)


@router.post("/alignments", response={201: AlignmentOut, **ERRORS})
def create_alignment(request: HttpRequest, body: AlignmentIn) -> Any:
    """Say that `child` contributes to `parent`. Needs the right to change the child."""
    user = require_write(request)
    child = get_objective_for_user(user, body.child, write=True)
    parent = get_objective_for_user(user, body.parent)
    if child.pk == parent.pk:
        raise ApiError(422, "invalid", "An objective cannot contribute to itself.", "parent")
    if Alignment.objects.filter(child=child, parent=parent).exists():
        raise ApiError(409, "conflict", "This alignment exists already.", "parent")
    alignment = goal_services.alignment_set(
        child=child, parent=parent, actor=user, weight=body.weight
    )
    return Status(201, alignment_out(alignment))


@router.delete("/alignments/{alignment_id}", response={204: None, **ERRORS})
def delete_alignment(request: HttpRequest, alignment_id: Id) -> Any:
    user = require_write(request)
    alignment = visible_alignments(user).filter(pk=alignment_id).first()
    if alignment is None:
        raise ApiError(404, "not_found", "No such alignment.")
    get_objective_for_user(user, alignment.child_id, write=True)
    goal_services.alignment_remove(alignment=alignment, actor=user)
    return Status(204, None)
