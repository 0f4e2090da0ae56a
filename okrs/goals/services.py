"""Writes to goals: one typed, atomic function per domain action.

Every change to an objective or a key result appends a `Change` to the objective's history,
in the same transaction as the change itself, so nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from okrs.core.pacing import Commitment, Status
from okrs.core.rollup import CycleError, rollup_objectives
from okrs.core.scoring import score_key_result
from okrs.goals import scores
from okrs.goals.access import can_edit_objective
from okrs.goals.models import (
    Alignment,
    Change,
    ChangeAction,
    CheckIn,
    CheckInSource,
    KeyResult,
    MeasureKind,
    Objective,
    ObjectiveState,
    Period,
    ReviewComment,
)
from okrs.hooks import events as hook_events
from okrs.labels import status_label
from okrs.org.access import User
from okrs.org.models import Membership, Role, Team

Actor = AbstractBaseUser | None

OBJECTIVE_FIELDS = (
    "period",
    "code",
    "title",
    "description",
    "owner",
    "commitment",
    "weight",
    "visibility",
)
SCORED_FIELDS = frozenset({"direction", "baseline", "target", "target_high", "stretch", "weight"})
"""The key result fields its kept progress and grade (or its objective's) depend on."""
TEAM_ROLLUP_FIELDS = frozenset({"period", "commitment", "weight", "visibility"})
"""The objective fields its team's kept rollup (`TeamRollup`) depends on, beside its scores."""

KEY_RESULT_FIELDS = (
    "code",
    "title",
    "direction",
    "baseline",
    "target",
    "target_high",
    "stretch",
    "unit",
    "deadline",
    "weight",
    "owner",
    "cadence",
    "measure_kind",
    "measure_params",
)


def checkin_create(
    *,
    key_result: KeyResult,
    value: float,
    author: AbstractBaseUser | None,
    confidence: float | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    source: str = CheckInSource.MANUAL,
) -> CheckIn:
    """Append a check-in to the key result's history (never overwrites an earlier one).

    `at` is the moment the value is for (default: now); it must lie inside the key result's
    period, so that no check-in is saved that counts nowhere.

    Six statements whatever it changes (`tests/goals/test_checkin_statements.py`): the
    insert, the key result's kept scores, the objectives above it (`scores.roll_up`: the graph
    and what they are scored from in one read, then their kept scores, then their teams' kept
    rollups) and the outbox: the
    webhook rows, or when the status changed one worker task that tells everyone
    (`okrs.goals.tasks`). Every rule is checked before the transaction opens, so it needs no
    savepoint of its own inside a caller's: an error inside it is a database error, which rolls
    the caller's transaction back."""
    if key_result.deleted_at is not None:
        raise ValidationError(
            gettext("The key result %(key_result)s was deleted: it takes no check-in.")
            % {"key_result": key_result}
        )
    moment = at or timezone.now()
    period = key_result.objective.period
    check_checkin_day(period, moment, given=at is not None)
    day = timezone.localtime(moment).date()
    before = kept_status(key_result, period, day)
    checkin = CheckIn(
        key_result=key_result,
        value=value,
        confidence=confidence,
        note=note,
        author=author,
        at=moment,
        source=source,
    )
    _check_checkin(checkin)
    with transaction.atomic(savepoint=False):
        checkin.save()
        change = None
        if scores.keep_checkin(key_result, checkin):
            scores.roll_up([key_result.objective_id])
            after = kept_status(key_result, period, day)
            change = None if after == before else (before, after)
        _checkin_side_effects(checkin, key_result, change)
    return checkin


def _check_checkin(checkin: CheckIn) -> None:
    """The check-in's rules, checked in Python (the database constraints hold them too): a
    finite value, a confidence within 0 and 1, a known source."""
    problems: dict[str, str] = {}
    if not isinstance(checkin.value, int | float) or not math.isfinite(checkin.value):
        problems["value"] = gettext("must be a finite number, got %(value)s.") % {
            "value": repr(checkin.value)
        }
    if checkin.confidence is not None and not (
        isinstance(checkin.confidence, int | float) and 0.0 <= checkin.confidence <= 1.0
    ):
        problems["confidence"] = gettext("must be within 0 and 1, got %(value)s.") % {
            "value": repr(checkin.confidence)
        }
    if checkin.source not in CheckInSource.values:
        problems["source"] = gettext("must be one of %(choices)s.") % {
            "choices": ", ".join(CheckInSource.values)
        }
    if problems:
        raise ValidationError(problems)


def kept_status(key_result: KeyResult, period: Period, day: dt.date) -> Status:
    """The key result's status on `day` from its kept value and confidence."""
    return score_key_result(
        rule=key_result.rule,
        value=key_result.kept_value,
        confidence=key_result.kept_confidence,
        start=period.start,
        deadline=key_result.due(period),
        on=day,
        commitment=Commitment(key_result.objective.commitment),
        uncertain=key_result.uncertain,
    ).status


def _checkin_side_effects(
    checkin: CheckIn, key_result: KeyResult, change: tuple[Status, Status] | None
) -> None:
    """The check-in's webhook events (outbox rows) in the check-in's transaction; when it
    changed the key result's status (judged on its day, so only the value and confidence make
    the difference), one outbox row instead: a worker task that sends the webhooks, the chat
    note and the inbox lines (`okrs.goals.tasks.tell_status_change`)."""
    if change is None:
        hook_events.checkin_recorded(checkin, key_result, None)
        return
    from okrs.goals.tasks import tell_status_change
    from okrs.worker import outbox

    before, after = change
    outbox.enqueue(tell_status_change, checkin.pk, before.value, after.value)


def status_change_side_effects(
    checkin: CheckIn, key_result: KeyResult, change: tuple[Status, Status]
) -> None:
    """What a status-changing check-in tells (run by the worker): the webhooks, the team's chat
    channels when the objective is public, and the followers' and owners' inboxes."""
    hook_events.checkin_recorded(checkin, key_result, change)
    # talk and chat read goals: imported late
    from okrs.chat import notes
    from okrs.chat.models import Topic
    from okrs.chat.services import announce
    from okrs.talk.services import in_site, notify_status_change

    objective = key_result.objective
    if notes.is_public_objective(objective):
        announce([objective.team_id], Topic.STATUS, notes.status_note(key_result, *change))

    before, after = change
    notify_status_change(
        target=key_result,
        actor=checkin.author,
        what=in_site(
            gettext_noop("%(before)s → %(after)s"),
            before=lazy(status_label, str)(before),  # in the site's language, as in_site writes
            after=lazy(status_label, str)(after),
        ),
        owners=[key_result.owner, key_result.objective.owner],
    )


@transaction.atomic
def computed_checkin_record(
    *, key_result: KeyResult, value: float, at: dt.datetime, note: str
) -> CheckIn | None:
    """Keep one computed point per key result per day, the day's latest: a computed check-in
    of the same day as `at` is updated in place, else a new one is appended when `value`
    differs from the last computed value before it. None when nothing was written."""
    check_checkin_day(key_result.objective.period, at, given=True)
    day = timezone.localtime(at).date()
    tz = timezone.get_current_timezone()
    day_start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    computed = CheckIn.objects.filter(key_result=key_result, source=CheckInSource.COMPUTED)
    same_day = (
        computed.filter(at__gte=day_start, at__lt=day_start + dt.timedelta(days=1))
        .order_by("-at", "-id")
        .first()
    )
    if same_day is not None:
        if at < same_day.at or (same_day.value, same_day.at, same_day.note) == (value, at, note):
            return None  # a later point of the day is kept already, or this very one
        same_day.value, same_day.note, same_day.at = value, note, at
        same_day.save(update_fields=["value", "note", "at"])
        if scores.keep_checkin(key_result, same_day):
            scores.roll_up([key_result.objective_id])
        return same_day
    last = computed.filter(at__lt=day_start).order_by("-at", "-id").values_list("value", flat=True)
    if last.first() == value:
        return None
    return checkin_create(
        key_result=key_result,
        value=value,
        author=None,
        at=at,
        note=note,
        source=CheckInSource.COMPUTED,
    )


def check_checkin_day(period: Period, at: dt.datetime, *, given: bool) -> None:
    """Refuse a check-in for a moment outside `period` (ValidationError on `at`): once the
    period has ended a value for today counts nowhere, so it must say the day it is for."""
    day = timezone.localtime(at).date()
    if period.contains(day):
        return
    span = {
        "period": period,
        "start": date_format(period.start, "DATE_FORMAT"),
        "end": date_format(period.end, "DATE_FORMAT"),
    }
    if not given and day > period.end:
        raise ValidationError(
            {
                "at": gettext(
                    "The period %(period)s has ended (%(start)s to %(end)s): a check-in now would"
                    " count nowhere. Give the date inside the period that the value is for."
                )
                % span
            }
        )
    raise ValidationError(
        {
            "at": gettext(
                "The date %(day)s lies outside the period %(period)s (%(start)s to %(end)s)."
            )
            % {**span, "day": date_format(day, "DATE_FORMAT")}
        }
    )


# --- history -------------------------------------------------------------------------------


def _shown(value: Any) -> Any:
    """A field value as kept in the history: JSON-friendly and readable."""
    if isinstance(value, models.Model):
        return str(getattr(value, "profile", None) or value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _record(
    *,
    objective: Objective,
    actor: Actor,
    action: str,
    key_result: KeyResult | None = None,
    diff: Mapping[str, Any] | None = None,
) -> Change:
    return Change.objects.create(
        objective=objective,
        key_result=key_result,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        diff=dict(diff or {}),
    )


def _apply(instance: models.Model, allowed: tuple[str, ...], changes: Mapping[str, Any]) -> dict:
    """Set `changes` on `instance`; return the diff {field: [old, new]} of what really changed."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(
            gettext("These fields cannot be changed here: %(value)s.")
            % {"value": ", ".join(sorted(unknown))}
        )
    diff: dict[str, list[Any]] = {}
    for name, new in changes.items():
        old = getattr(instance, name)
        if old != new:
            diff[name] = [_shown(old), _shown(new)]
            setattr(instance, name, new)
    return diff


def _created_diff(instance: models.Model, fields: tuple[str, ...]) -> dict[str, list[Any]]:
    return {
        name: [None, _shown(getattr(instance, name))]
        for name in fields
        if getattr(instance, name) not in (None, "")
    }


# --- objectives ----------------------------------------------------------------------------

OWNER_ROLES = (Role.LEAD, Role.MEMBER)
"""Who may own a team's objectives and key results: its leads and members (viewers read)."""


def _check_owner(owner: AbstractBaseUser | None, team_id: int) -> None:
    """Refuse an owner who is not a lead or member of the team (one query; none without an
    owner), whichever door sets it."""
    if owner is None:
        return
    if not Membership.objects.filter(
        person_id=owner.pk, team_id=team_id, role__in=OWNER_ROLES
    ).exists():
        raise ValidationError(
            {
                "owner": gettext(
                    "%(person)s is not a lead or member of the team: choose one who is."
                )
                % {"person": owner}
            }
        )


@transaction.atomic
def objective_create(
    *,
    team: Team,
    period: Period,
    title: str,
    actor: Actor,
    code: str = "",
    description: str = "",
    owner: AbstractBaseUser | None = None,
    commitment: str = "committed",
    weight: float = 1.0,
    visibility: str = "team",
) -> Objective:
    """Create a draft objective at the end of the team's list for the period."""
    last = Objective.objects.filter(team=team, period=period).aggregate(m=models.Max("order"))["m"]
    objective = Objective(
        team=team,
        period=period,
        code=code,
        title=title,
        description=description,
        owner=owner,
        commitment=commitment,
        weight=weight,
        visibility=visibility,
        state=ObjectiveState.DRAFT,
        order=0 if last is None else last + 1,
    )
    _check_owner(owner, team.pk)
    objective.full_clean()
    objective.save()
    scores.ensure_team_rollups([(team.pk, period.pk)])
    scores.keep_team_rollups(objectives=[objective.pk])
    _record(
        objective=objective,
        actor=actor,
        action=ChangeAction.CREATED,
        diff=_created_diff(objective, OBJECTIVE_FIELDS),
    )
    hook_events.objective_changed(objective, created=True)
    return objective


@transaction.atomic
def objective_update(
    *, objective: Objective, actor: Actor, changes: Mapping[str, Any]
) -> Objective:
    """Change the given fields of an objective; records what changed (nothing if nothing did)."""
    before = (objective.team_id, objective.period_id)
    diff = _apply(objective, OBJECTIVE_FIELDS, changes)
    if not diff:
        return objective
    if "owner" in diff:
        _check_owner(objective.owner, objective.team_id)
    objective.full_clean()
    objective.save(update_fields=[*diff, "updated_at"])
    if TEAM_ROLLUP_FIELDS & set(diff):
        after = (objective.team_id, objective.period_id)
        scores.ensure_team_rollups([after])
        scores.keep_team_rollups(pairs=[before, after])
    _record(objective=objective, actor=actor, action=ChangeAction.UPDATED, diff=diff)
    hook_events.objective_changed(objective)
    return objective


def _set_state(objective: Objective, *, actor: Actor, state: str, action: str) -> Objective:
    old = objective.state
    objective.state = state
    objective.save(update_fields=["state", "updated_at"])
    if ObjectiveState.ARCHIVED in (old, state):
        scores.roll_up([objective.pk])  # an archived objective no longer contributes
    scores.keep_team_rollups(objectives=[objective.pk])  # it moved to another part of its team's
    change = _record(objective=objective, actor=actor, action=action, diff={"state": [old, state]})
    hook_events.objective_changed(objective)
    # talk reads goals: imported late
    from okrs.talk.services import in_site, notify_status_change

    notify_status_change(
        target=objective,
        actor=change.actor,
        # the inbox line is written once, in the site's language: the action's (lazy) label
        what=in_site("%(action)s", action=ChangeAction(action).label).lower(),
        owners=[objective.owner],
    )
    return objective


def _require_state(objective: Objective, *allowed: str, doing: Any) -> None:
    if objective.state not in allowed:
        labels = [str(ObjectiveState(s).label).lower() for s in allowed]
        names = labels[0]
        if len(labels) > 1:
            names = gettext("%(first)s or %(second)s") % {
                "first": ", ".join(labels[:-1]),
                "second": labels[-1],
            }
        raise ValidationError(
            gettext("You cannot %(doing)s: the objective is %(state)s; it must be %(allowed)s.")
            % {
                "doing": doing,
                "state": str(objective.get_state_display()).lower(),
                "allowed": names,
            }
        )


@transaction.atomic
def objective_archive(*, objective: Objective, actor: Actor) -> Objective:
    """Archive an objective: it stays readable with its history, out of the active lists."""
    _require_state(
        objective, ObjectiveState.DRAFT, ObjectiveState.PUBLISHED, doing=gettext_lazy("archive it")
    )
    return _set_state(
        objective, actor=actor, state=ObjectiveState.ARCHIVED, action=ChangeAction.ARCHIVED
    )


@transaction.atomic
def objective_restore(*, objective: Objective, actor: Actor) -> Objective:
    """Bring an archived objective back as a draft."""
    _require_state(objective, ObjectiveState.ARCHIVED, doing=gettext_lazy("restore it"))
    return _set_state(
        objective, actor=actor, state=ObjectiveState.DRAFT, action=ChangeAction.RESTORED
    )


def _move(instance: models.Model, siblings: models.QuerySet, direction: str) -> int | None:
    """Swap `instance` with its neighbour among `siblings`; return the new position or None."""
    if direction not in ("up", "down"):
        raise ValidationError(
            gettext("direction: must be 'up' or 'down', got %(direction)s.")
            % {"direction": repr(direction)}
        )
    ordered = list(siblings.select_for_update().order_by("order", "id"))
    ids = [s.pk for s in ordered]
    index = ids.index(instance.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return None
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered):
        if sibling.order != position:
            sibling.order = position
            sibling.save(update_fields=["order"])
    instance.order = other
    return other


@transaction.atomic
def objective_move(*, objective: Objective, actor: Actor, direction: str) -> Objective:
    """Move an objective one place up or down in its team's list for the period."""
    siblings = Objective.objects.filter(team_id=objective.team_id, period_id=objective.period_id)
    position = _move(objective, siblings, direction)
    if position is not None:
        _record(
            objective=objective,
            actor=actor,
            action=ChangeAction.MOVED,
            diff={"position": [position + (1 if direction == "up" else -1) + 1, position + 1]},
        )
    return objective


# --- drafting together: review and publication --------------------------------------------


@transaction.atomic
def objective_propose(*, objective: Objective, actor: Actor) -> Objective:
    """A lead proposes a draft for review by the parent team's leads."""
    _require_state(objective, ObjectiveState.DRAFT, doing=gettext_lazy("propose it for review"))
    if objective.team.parent_id is None:
        raise ValidationError(
            gettext("%(team)s has no parent team to review its objectives; publish it directly.")
            % {"team": objective.team}
        )
    _set_state(objective, actor=actor, state=ObjectiveState.IN_REVIEW, action=ChangeAction.PROPOSED)
    # talk and chat read goals: imported late
    from okrs.chat import notes
    from okrs.chat.models import Topic
    from okrs.chat.services import announce
    from okrs.talk.services import notify_review_requested

    notify_review_requested(objective=objective, actor=actor)  # every lead of the parent team
    if notes.may_announce_review(objective):  # the reviewing and the proposing team's channels
        team = objective.team
        announce([team.parent_id, team.pk], Topic.REVIEW, notes.review_note(objective))
    return objective


@transaction.atomic
def review_comment_create(
    *, objective: Objective, author: Actor, body: str, verdict: str = ""
) -> ReviewComment:
    """A comment on an objective being drafted or reviewed."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": gettext("Write a comment.")})
    comment = ReviewComment.objects.create(
        objective=objective,
        author=author if author is not None and author.is_authenticated else None,
        body=body,
        verdict=verdict,
    )
    if not verdict:
        _record(objective=objective, actor=author, action=ChangeAction.COMMENTED)
    return comment


@transaction.atomic
def objective_request_changes(*, objective: Objective, actor: Actor, comment: str) -> Objective:
    """A reviewer sends the objective back to draft, saying what to change."""
    _require_state(objective, ObjectiveState.IN_REVIEW, doing=gettext_lazy("request changes"))
    if not comment.strip():
        raise ValidationError({"body": gettext("Say what should change.")})
    review_comment_create(
        objective=objective, author=actor, body=comment, verdict=ChangeAction.CHANGES_REQUESTED
    )
    return _set_state(
        objective,
        actor=actor,
        state=ObjectiveState.DRAFT,
        action=ChangeAction.CHANGES_REQUESTED,
    )


@transaction.atomic
def objective_approve(*, objective: Objective, actor: Actor, comment: str = "") -> Objective:
    """A reviewer approves: the objective is published, visible as the team's visibility says."""
    _require_state(objective, ObjectiveState.IN_REVIEW, doing=gettext_lazy("approve it"))
    if comment.strip():
        review_comment_create(
            objective=objective, author=actor, body=comment, verdict=ChangeAction.APPROVED
        )
    return _set_state(
        objective, actor=actor, state=ObjectiveState.PUBLISHED, action=ChangeAction.APPROVED
    )


@transaction.atomic
def objective_publish(*, objective: Objective, actor: Actor) -> Objective:
    """Publish a draft of a team without a parent team (nobody above it to review)."""
    _require_state(objective, ObjectiveState.DRAFT, doing=gettext_lazy("publish it"))
    if objective.team.parent_id is not None:
        raise ValidationError(
            gettext(
                "Objectives of %(team)s are published by the leads of %(parent)s approving"
                " them; propose it for review."
            )
            % {"team": objective.team, "parent": objective.team.parent}
        )
    return _set_state(
        objective, actor=actor, state=ObjectiveState.PUBLISHED, action=ChangeAction.PUBLISHED
    )


@transaction.atomic
def objective_release(*, objective: Objective, actor: Actor) -> Objective:
    """What "publish" means for a draft wherever it is asked (the paste page, `import-doc
    --publish`): published when the team has no parent team, else proposed for review by the
    parent's leads, so no door skips the review."""
    if objective.team.parent_id is None:
        return objective_publish(objective=objective, actor=actor)
    return objective_propose(objective=objective, actor=actor)


def objective_created_record(*, objective: Objective, actor: Actor) -> Change:
    """The history row of an objective saved by a bulk writer (a document import) rather than
    `objective_create`: every created objective has one, whoever created it."""
    return _record(
        objective=objective,
        actor=actor,
        action=ChangeAction.CREATED,
        diff=_created_diff(objective, OBJECTIVE_FIELDS),
    )


# --- alignment -----------------------------------------------------------------------------


@transaction.atomic
def alignment_set(
    *, child: Objective, parent: Objective, actor: Actor, weight: float = 1.0
) -> Alignment:
    """`child` contributes to `parent` with `weight` (created or re-weighted). Refuses cycles."""
    if child.pk == parent.pk:
        raise ValidationError({"parent": gettext("An objective cannot contribute to itself.")})
    if not weight > 0:
        raise ValidationError({"weight": gettext("must be greater than 0.")})
    for end, name in ((child, "objective"), (parent, "parent")):
        if end.state == ObjectiveState.ARCHIVED:
            raise ValidationError(
                {
                    name: gettext("%(end)s is archived: restore it before aligning it.")
                    % {"end": end}
                }
            )
    if child.period_id != parent.period_id:
        raise ValidationError(
            {
                "parent": gettext("%(objective)s is an objective of %(of)s, not of %(period)s.")
                % {"objective": parent, "of": parent.period, "period": child.period}
            }
        )
    links = list(Alignment.objects.select_for_update().values_list("child_id", "parent_id"))
    contributions: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for link_child, link_parent in [*links, (child.pk, parent.pk)]:
        contributions[link_parent].append((link_child, 1.0))
    try:
        rollup_objectives({}, contributions)
    except CycleError:
        raise ValidationError(
            {
                "parent": gettext(
                    "%(parent)s already contributes to %(child)s, directly or through others."
                )
                % {"parent": parent, "child": child}
            }
        ) from None
    alignment, created = Alignment.objects.get_or_create(
        child=child, parent=parent, defaults={"weight": weight}
    )
    if created:
        _record(
            objective=child,
            actor=actor,
            action=ChangeAction.ALIGNED,
            diff={"contributes to": [None, f"{parent} ({parent.team}) × {weight:g}"]},
        )
    elif alignment.weight != weight:
        old = alignment.weight
        alignment.weight = weight
        alignment.save(update_fields=["weight"])
        _record(
            objective=child,
            actor=actor,
            action=ChangeAction.ALIGNED,
            diff={f"weight towards {parent}": [old, weight]},
        )
    else:
        return alignment
    scores.roll_up([parent.pk])
    return alignment


@transaction.atomic
def alignment_remove(*, alignment: Alignment, actor: Actor) -> None:
    child, parent = alignment.child, alignment.parent
    alignment.delete()
    scores.roll_up([parent.pk])
    _record(
        objective=child,
        actor=actor,
        action=ChangeAction.UNALIGNED,
        diff={"contributes to": [f"{parent} ({parent.team})", None]},
    )


# --- key results ---------------------------------------------------------------------------


@transaction.atomic
def key_result_create(
    *, objective: Objective, actor: Actor, fields: Mapping[str, Any]
) -> KeyResult:
    """Add a key result at the end of the objective's list; `fields` from KEY_RESULT_FIELDS."""
    last = objective.key_results.aggregate(m=models.Max("order"))["m"]
    key_result = KeyResult(objective=objective, order=0 if last is None else last + 1)
    _apply(key_result, KEY_RESULT_FIELDS, fields)
    _check_owner(key_result.owner, objective.team_id)
    key_result.full_clean()
    key_result.save()
    scores.roll_up([objective.pk])  # one more key result counts, not measured yet
    _record(
        objective=objective,
        key_result=key_result,
        actor=actor,
        action=ChangeAction.CREATED,
        diff=_created_diff(key_result, KEY_RESULT_FIELDS),
    )
    _measure_computed(key_result)
    return key_result


def _measure_computed(key_result: KeyResult) -> None:
    """A computed key result gets its value at once, whichever door created or changed it,
    rather than at the next `okrs measure` (a closed period: as of its deadline, once)."""
    if key_result.measure_kind == MeasureKind.MANUAL:
        return
    from okrs.measures.services import measure_key_result  # measures write goals: imported late

    measure_key_result(key_result=key_result)


@transaction.atomic
def key_result_update(
    *, key_result: KeyResult, actor: Actor, changes: Mapping[str, Any]
) -> KeyResult:
    if key_result.deleted_at is not None:  # its history stays as it was when it was deleted
        raise ValidationError(
            gettext("The key result %(key_result)s was deleted: it cannot be changed.")
            % {"key_result": key_result}
        )
    diff = _apply(key_result, KEY_RESULT_FIELDS, changes)
    if not diff:
        return key_result
    if "owner" in diff:
        _check_owner(key_result.owner, key_result.objective.team_id)
    key_result.full_clean()
    key_result.save(update_fields=[*diff, "updated_at"])
    if set(diff) & SCORED_FIELDS:
        scores.rescore(key_result)
        scores.roll_up([key_result.objective_id])
    _record(
        objective=key_result.objective,
        key_result=key_result,
        actor=actor,
        action=ChangeAction.UPDATED,
        diff=diff,
    )
    _measure_computed(key_result)
    return key_result


@transaction.atomic
def key_result_archive(*, key_result: KeyResult, actor: Actor, archived: bool = True) -> KeyResult:
    """Archive a key result (or restore it): it keeps its history and page, but no longer counts
    in its objective's grade."""
    if key_result.archived == archived:
        raise ValidationError(
            gettext("The key result is already archived.")
            if archived
            else gettext("The key result is not archived.")
        )
    if key_result.deleted_at is not None:
        raise ValidationError(gettext("The key result was deleted: it cannot be restored."))
    key_result.archived = archived
    key_result.save(update_fields=["archived", "updated_at"])
    scores.roll_up([key_result.objective_id])
    _record(
        objective=key_result.objective,
        key_result=key_result,
        actor=actor,
        action=ChangeAction.ARCHIVED if archived else ChangeAction.RESTORED,
        diff={"archived": [not archived, archived]},
    )
    return key_result


@transaction.atomic
def key_result_delete(*, key_result: KeyResult, actor: User) -> KeyResult:
    """Delete a key result: it is archived for good and marked deleted, so it counts nowhere
    and takes no check-in, while its check-ins, comments and page stay (history is never lost);
    its objective's kept scores are rolled up in the same transaction, and the history says who
    deleted it and how many check-ins it kept.

    Only the leads of the key result's team (and site admins) may delete it, the rule that
    edits it (`can_edit_objective`); anyone else is refused with `PermissionDenied`, whichever
    door they came through. Whether they may see it at all (404) is the door's question. The
    row is locked first, so two deletes at once record one."""
    if not can_edit_objective(actor, key_result.objective):
        raise PermissionDenied(gettext("Only the team's leads may delete this key result."))
    stored = (
        KeyResult.objects.select_for_update()
        .filter(pk=key_result.pk)
        .order_by()
        .values_list("deleted_at", flat=True)
        .first()
    )
    if key_result.deleted_at is not None or stored is not None:
        raise ValidationError(gettext("The key result is already deleted."))
    was_archived = key_result.archived
    key_result.archived = True
    key_result.deleted_at = timezone.now()
    key_result.save(update_fields=["archived", "deleted_at", "updated_at"])
    if not was_archived:
        scores.roll_up([key_result.objective_id])
    _record(
        objective=key_result.objective,
        key_result=key_result,
        actor=actor,
        action=ChangeAction.DELETED,
        diff={
            "deleted": [None, str(key_result)],
            "check-ins kept": [None, key_result.checkins.count()],
        },
    )
    return key_result


@transaction.atomic
def key_result_move(*, key_result: KeyResult, actor: Actor, direction: str) -> KeyResult:
    siblings = KeyResult.objects.filter(objective_id=key_result.objective_id)
    position = _move(key_result, siblings, direction)
    if position is not None:
        _record(
            objective=key_result.objective,
            key_result=key_result,
            actor=actor,
            action=ChangeAction.MOVED,
            diff={"position": [position + (1 if direction == "up" else -1) + 1, position + 1]},
        )
    return key_result


# --- periods -------------------------------------------------------------------------------


@transaction.atomic
def period_create(*, slug: str, start: dt.date, end: dt.date, name: str = "") -> Period:
    """A new period (a quarter or any span, both dates inclusive)."""
    period = Period(slug=slug.strip(), name=name.strip(), start=start, end=end)
    _check_period_dates(period)
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def period_update(*, period: Period, changes: Mapping[str, Any]) -> Period:
    """Change a period's name or dates. Its heartbeats and key result deadlines must stay inside
    it: a change that would leave one outside is refused, naming it."""
    for name in ("slug", "name", "start", "end"):
        if name in changes:
            value = changes[name]
            setattr(period, name, value.strip() if isinstance(value, str) else value)
    _check_period_dates(period)
    period.full_clean()
    outside = models.Q(deadline__lt=period.start) | models.Q(deadline__gt=period.end)
    late = KeyResult.objects.filter(outside, objective__period=period).first()
    if late is not None:
        raise ValidationError(
            {
                "end": gettext("%(kr)s is due on %(due)s, outside %(start)s – %(end)s.")
                % {"kr": late, "due": late.deadline, "start": period.start, "end": period.end}
            }
        )
    beat = period.heartbeats.filter(
        models.Q(start__lt=period.start) | models.Q(end__gt=period.end)
    ).first()
    if beat is not None:
        raise ValidationError(
            {
                "end": gettext("Heartbeat %(heartbeat)s would lie outside %(start)s – %(end)s.")
                % {"heartbeat": beat, "start": period.start, "end": period.end}
            }
        )
    period.save()
    return period


def _check_period_dates(period: Period) -> None:
    if period.start and period.end and period.start >= period.end:
        raise ValidationError({"end": gettext("must come after the start.")})
