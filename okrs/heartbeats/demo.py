"""The demo's first heartbeat, planned and reviewed: call `load_demo_review()` after the demo
file is imported (`okrs demo`). Idempotent. The notes are illustrative, like the demo packets."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from okrs.heartbeats import services
from okrs.heartbeats.models import HeartbeatReview, Outcome, WorkPacket
from okrs.heartbeats.selectors import calendar_team
from okrs.org.models import Team

PLAN = (
    "Set up the quarter: tag Activate activities, send the sentiment survey, map onboarding, and "
    "get every Rep watching the Reps and NDA categories. *Illustrative.*"
)
MIDPOINT = (
    "Onboarding map and Activate tag are done. Discourse watching is slower than hoped: "
    "many Reps never opened Discourse since the move. *Illustrative.*"
)
LEARNED = (
    "- One reminder is not enough: ask Regional Coaches to follow up with their Reps.\n"
    "- The Resources training waits on the list of resources; ask for it in the planning.\n"
    "- Unfinished packets continue in Q1HB2.\n\n*Illustrative.*"
)
DEMO = "Demo call on February 13: the onboarding map and the new activity tag. *Illustrative.*"
REASONS = {
    "Ask every Rep to watch the Reps and NDA Discourse categories": (
        Outcome.NOT_DONE,
        "About half of the Reps watch both; reminders continue until the end of February.",
    ),
    "Draft the outline of the Resources track training": (
        Outcome.NOT_DONE,
        "Blocked: waiting for the list of resources the training should cover.",
    ),
}


@transaction.atomic
def load_demo_review(*, team_slug: str = "reps", heartbeat_name: str = "Q1HB1") -> HeartbeatReview:
    """Plan, mid-point check and review of the Reps' part of Q1HB1 (in the CDT calendar)."""
    team = Team.objects.get(slug=team_slug)
    heartbeat = calendar_team(team).heartbeats.get(name=heartbeat_name)
    done = HeartbeatReview.objects.filter(heartbeat=heartbeat, team=team, reviewed_at__isnull=False)
    if done.exists():
        return done.get()  # already reviewed: loading the demo again changes nothing
    packets = list(WorkPacket.objects.filter(team=team, heartbeat=heartbeat).order_by("order"))
    services.heartbeat_plan(
        heartbeat=heartbeat,
        team=team,
        commitments=[(p, p.priority) for p in packets],
        actor=None,
        note=PLAN,
    )
    middle = heartbeat.start + (heartbeat.end - heartbeat.start) / 2
    services.heartbeat_midpoint(heartbeat=heartbeat, team=team, note=MIDPOINT, on=middle)
    outcomes = {p.pk: REASONS[p.title] for p in packets if p.title in REASONS}
    return services.heartbeat_review(
        heartbeat=heartbeat,
        team=team,
        actor=None,
        outcomes=outcomes,
        learned=LEARNED,
        demo_notes=DEMO,
        at=dt.datetime.combine(heartbeat.end + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC),
    )
