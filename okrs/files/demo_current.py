"""The demo's current quarter and its log-in: `okrs demo` loads the Reps 2017 Q1 OKRs (long
closed) and, with these, the Reps program's quarter running today so that a newcomer's check-in
counts, and a password for the demo people so that they can log in.

Everything here is illustrative (the objectives say so), its dates relative to the day it is
loaded. Idempotent: a second load finds the quarter's objectives and adds nothing; the password
is generated once per installation (kept in OKRS_VAR_DIR, readable by its owner only), never a
fixed one written in the code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from okrs.goals import scores
from okrs.goals import services as goals
from okrs.goals.models import CheckIn, Objective, ObjectiveState, Period
from okrs.heartbeats import services as heartbeats
from okrs.heartbeats.models import Heartbeat
from okrs.org.models import Team

DEMO_PEOPLE = ("kestrel", "juniper", "marlow", "sable", "teodor", "wren")
PASSWORD_FILE = "demo-password"
NOTE = "Illustrative: written for the demo's current quarter, not taken from a real source."


@dataclass(frozen=True)
class Login:
    password: str
    created: bool


def quarter_of(day: dt.date) -> tuple[str, str, dt.date, dt.date]:
    """The slug, name, first and last day of the calendar quarter containing `day`."""
    quarter = (day.month - 1) // 3 + 1
    start = dt.date(day.year, 3 * quarter - 2, 1)
    after = dt.date(day.year + 1, 1, 1) if quarter == 4 else dt.date(day.year, 3 * quarter + 1, 1)
    return f"{day.year}-Q{quarter}", f"Q{quarter} {day.year}", start, after - dt.timedelta(days=1)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


@transaction.atomic
def load_current_quarter(today: dt.date | None = None) -> str:
    """The Reps program's (and the CDT's) objectives of the quarter running `today`, aligned,
    with key results of each kind of direction, a few check-ins up to today and the CDT's
    3-week heartbeats. Returns a line saying what was done."""
    today = today or timezone.localdate()
    slug, name, start, end = quarter_of(today)
    teams = {t.slug: t for t in Team.objects.filter(slug__in=["cdt", "reps"])}
    if len(teams) < 2:
        return "current quarter: skipped (the demo teams are missing)"
    period, _ = Period.objects.get_or_create(
        slug=slug, defaults={"name": name, "start": start, "end": end}
    )
    if Objective.objects.filter(team=teams["reps"], period=period, illustrative=True).exists():
        return f"current quarter {period}: already loaded"
    people = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_PEOPLE)}
    cdt_goal = _objective(
        teams["cdt"],
        period,
        "O1",
        "Every community program grows its mobilizers",
        people.get("kestrel"),
    )
    _key_result(cdt_goal, "KR1", "Programs using the shared mobilizer onboarding",
                people.get("kestrel"), direction="increase", baseline=1, target=4, unit="programs",
                values=[(0.2, 2)])  # fmt: skip
    reps_goal = _objective(
        teams["reps"], period, "O1", "Reps onboard and keep new mobilizers", people.get("juniper")
    )
    goals.alignment_set(child=reps_goal, parent=cdt_goal, actor=None)
    _key_result(reps_goal, "KR1", "Reps reporting an activity every month", people.get("marlow"),
                direction="increase", baseline=40, target=70, unit="%",
                values=[(0.15, 44), (0.4, 51)])  # fmt: skip
    _key_result(reps_goal, "KR2", "Days from sign-up to a new Rep's first activity",
                people.get("sable"), direction="decrease", baseline=45, target=21, unit="days",
                values=[(0.25, 38)])  # fmt: skip
    _key_result(reps_goal, "KR3", "The onboarding guide is published", people.get("juniper"),
                direction="milestone", values=[(0.3, 0.4)])  # fmt: skip
    made = 0
    if not Heartbeat.objects.filter(team=teams["cdt"], period=period).exists():
        # named with the year (2027Q1HB1…) when the 2017 demo holds Q1HB1…
        with contextlib.suppress(ValidationError):  # a heartbeat made by hand in the way
            made = len(heartbeats.heartbeats_split(team=teams["cdt"], period=period, weeks=3))
    return (
        f"current quarter {period}: 2 objectives, 4 key results, {made} heartbeats (illustrative)"
    )


def _objective(team: Team, period: Period, code: str, title: str, owner) -> Objective:  # type: ignore[no-untyped-def]
    objective = goals.objective_create(
        team=team, period=period, code=code, title=title, owner=owner, actor=None,
        description=NOTE,
    )  # fmt: skip
    Objective.objects.filter(pk=objective.pk).update(
        illustrative=True, state=ObjectiveState.PUBLISHED
    )
    scores.keep_team_rollups(objectives=[objective.pk])  # published: anyone reads it now
    objective.refresh_from_db()
    return objective


def _key_result(objective: Objective, code: str, title: str, owner, *, values, **fields):  # type: ignore[no-untyped-def]
    """A KR with check-ins at fractions of the quarter, those not after today only."""
    key_result = goals.key_result_create(
        objective=objective, actor=None,
        fields={"code": code, "title": title, "owner": owner, "cadence": "weekly", **fields},
    )  # fmt: skip
    period = objective.period
    today = timezone.localdate()
    span = (period.end - period.start).days
    for fraction, value in values:
        day = period.start + dt.timedelta(days=int(span * fraction))
        if day <= today:
            CheckIn.objects.create(
                key_result=key_result, value=value, confidence=0.7, author=owner, at=_at(day),
                note="Illustrative.",
            )  # fmt: skip
    # written around the service: keep the key result's scores, and its objective's and team's
    scores.refresh([objective.pk])
    return key_result


def demo_login(var_dir: Path | None = None) -> Login:
    """The demo people's password: made once per installation and kept in `var_dir` (owner
    read-only), then set on the demo people who have no usable password yet (all of them when
    the password was just made); a password a person chose is left alone."""
    folder = Path(var_dir or settings.VAR_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PASSWORD_FILE
    created = not path.exists()
    if created:
        password = secrets.token_urlsafe(12)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(password + "\n")
    else:
        password = path.read_text().strip()
    for person in get_user_model().objects.filter(username__in=DEMO_PEOPLE):
        if created or not person.has_usable_password():
            person.set_password(password)
            person.save(update_fields=["password"])
    return Login(password=password, created=created)


def login_help(login: Login, base_url: str | None = None) -> str:
    """How to log in as a demo person, at the site's address (OKRS_SITE_URL, which `make run`
    sets from its HOST and PORT)."""
    base_url = (base_url or settings.OKRS_SITE_URL).rstrip("/")
    return (
        f"Log in at {base_url}/accounts/login/ as juniper (lead of Mozilla Reps), kestrel\n"
        f"(lead of the Community Development Team) or marlow (a Rep) with the password\n"
        f"{login.password}"
        f" (generated for this installation, kept in {PASSWORD_FILE} of OKRS_VAR_DIR)."
    )
