"""`okrs remind`: reminders to owners whose check-in is due, and the weekly digest to team leads.

Every message lists only what its recipient may read: key results are filtered through
`okrs.goals.access` for each recipient before they are written into an email.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, ngettext

from okrs.core import reminders as rules
from okrs.goals.access import visible_objectives
from okrs.goals.models import KeyResult
from okrs.goals.selectors import scoreboard
from okrs.reminders.models import Digest, ReminderState
from okrs.reminders.selectors import readable_by, recent_checkins, team_leads, tracked_key_results


@dataclass
class Report:
    reminded: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)


def _since(kr: KeyResult) -> dt.datetime:
    start = dt.datetime.combine(kr.objective.period.start, dt.time.min, tzinfo=dt.UTC)
    return max(start, kr.created_at)


def _state(kr: KeyResult) -> ReminderState:
    try:
        return kr.reminder_state
    except ReminderState.DoesNotExist:
        return ReminderState(key_result=kr)


def is_due(kr: KeyResult, now: dt.datetime) -> bool:
    last = kr.last_recorded  # type: ignore[attr-defined]
    return rules.is_due(cadence=kr.cadence, last_checkin=last, since=_since(kr), now=now)


@transaction.atomic
def remind_owners(*, now: dt.datetime, dry_run: bool = False) -> Report:
    """Email each owner one message listing their key results whose check-in is due."""
    report = Report()
    by_owner: dict[Any, list[KeyResult]] = defaultdict(list)
    for kr in tracked_key_results(now.date()):
        state = _state(kr)
        decision = rules.decide(
            due=is_due(kr, now),
            cadence=kr.cadence,
            now=now,
            last_checkin=kr.last_recorded,  # type: ignore[attr-defined]
            last_reminded=state.last_reminded_at,
            ignored=state.ignored,
            flagged=state.flagged_at is not None,
        )
        state.ignored = decision.ignored
        if decision.action is rules.Action.REMIND:
            by_owner[kr.owner].append(kr)
            state.last_reminded_at = now
        if decision.action is rules.Action.FLAG:
            report.flagged.append(f"{kr.objective.team.slug}: {kr}")
        state.flagged_at = (state.flagged_at or now) if decision.flagged else None
        if not dry_run and (state.pk or decision.action is not rules.Action.NONE):
            state.save()
    for owner, krs in by_owner.items():
        allowed = set(
            readable_by(owner, KeyResult.objects.filter(pk__in=[k.pk for k in krs])).values_list(
                "pk", flat=True
            )
        )
        krs = [k for k in krs if k.pk in allowed]
        if not krs or not owner.email:
            continue
        report.reminded.append(owner.get_username())
        if not dry_run:
            _send(
                owner.email,
                partial(_due_subject, len(krs)),
                "reminders/reminder.txt",
                {"person": owner, "key_results": krs, "site": settings.OKRS_SITE_URL},
            )
    return report


def _due_subject(count: int) -> str:
    return ngettext(
        "Check-in due: %(count)s key result", "Check-in due: %(count)s key results", count
    ) % {"count": count}


def _digest_subject(team: Any) -> str:
    return gettext("Weekly digest of %(team)s") % {"team": team}


def _send(to: str, subject: Callable[[], str], template: str, context: dict[str, Any]) -> None:
    """A mail in the site's language (`LANGUAGE_CODE`): the worker sends it, no reader asked."""
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=f"[okrs] {subject()}",
            message=render_to_string(template, context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[to],
        )


def digest_for(membership: Any, *, now: dt.datetime) -> dict[str, Any] | None:
    """The weekly digest of one team for one lead, built from what that lead may read."""
    from okrs.goals.selectors import current_period

    period = current_period(now.date())
    if period is None:
        return None
    lead, team = membership.person, membership.team
    objectives = visible_objectives(lead).filter(team=team)
    board = scoreboard(period, objectives, on=min(max(now.date(), period.start), period.end))
    rows = [k for o in board.objectives for k in o.key_results]
    ids = [k.key_result.pk for k in rows]
    week_ago = now - rules.DIGEST_EVERY
    changes = list(recent_checkins(ids, week_ago))
    tracked = {k.pk: k for k in tracked_key_results(now.date()).filter(pk__in=ids)}
    silent = [k for k in tracked.values() if is_due(k, now)]
    flagged = [k for k in tracked.values() if _state(k).flagged_at is not None]
    off_track = [k for k in rows if k.score.status.value == "off_track"]
    return {
        "lead": lead,
        "team": team,
        "period": period,
        "changes": changes,
        "off_track": off_track,
        "silent": silent,
        "flagged": flagged,
        "site": settings.OKRS_SITE_URL,
    }


@transaction.atomic
def send_digests(*, now: dt.datetime, dry_run: bool = False) -> Report:
    """A digest to every team lead who has not had one for this team in the last seven days."""
    report = Report()
    recent = set(
        Digest.objects.filter(sent_at__gt=now - rules.DIGEST_EVERY).values_list(
            "team_id", "person_id"
        )
    )
    for membership in team_leads():
        if (membership.team_id, membership.person_id) in recent:
            continue
        context = digest_for(membership, now=now)
        if context is None:
            continue
        report.digests.append(f"{membership.team.slug} → {membership.person.get_username()}")
        if dry_run:
            continue
        _send(
            membership.person.email,
            partial(_digest_subject, membership.team),
            "reminders/digest.txt",
            context,
        )
        Digest.objects.create(team=membership.team, person=membership.person, sent_at=now)
    return report
