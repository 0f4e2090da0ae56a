"""`okrs bench generate`: a realistic organization, deterministic from a seed, written fast.

Large is 100 teams, 5,000 people, 2 periods, 2,000 objectives, 8,000 KRs with 400,000 check-ins,
20,000 work packets, 1,000,000 activity reports and 1,000,000 survey responses; medium and small
are 1/10 and 1/100 of it (tiny, 1/1000, is for the tests). The shape of each team (objectives per
team and period, KRs per objective, check-ins per KR, heartbeats, packets per heartbeat) stays the
same at every scale, so a page of one team, objective or KR has the same content at every scale
and only the size of the tables around it grows.

Small tables go through ``bulk_create``; the big ones (check-ins, activities, responses) are
written as raw rows: ``executemany`` in one transaction on SQLite, ``COPY`` on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from okrs.core.measures import params_as_json, parse_measure
from okrs.goals import scores
from okrs.goals.models import Alignment, CheckIn, KeyResult, Objective, Period
from okrs.heartbeats.models import Commitment, Heartbeat, PacketRole, WorkPacket
from okrs.measures.models import (
    Activity,
    ParticipationEvent,
    PersonFact,
    Survey,
    SurveyResponse,
)
from okrs.org.models import Cohort, Membership, Team

LARGE = {
    "teams": 100,
    "people": 5000,
    "objectives": 2000,
    "key_results": 8000,
    "checkins": 400_000,
    "packets": 20_000,
    "activities": 1_000_000,
    "responses": 1_000_000,
    "facts": 10_000,
    "events": 50_000,
}
SCALES = {"xlarge": 10.0, "large": 1.0, "medium": 0.1, "small": 0.01, "tiny": 0.001}
#: Tables that stay at their large size at larger scales: the datasets behind computed measures
#: (xlarge is ten times the organization, not ten times the surveys and activities).
DATASETS_AT_MOST_LARGE = ("activities", "responses", "facts", "events")
ADMIN = "bench-admin"
ADMIN_PASSWORD = "bench-admin"  # a benchmark database only; the load test logs in with it
PERIODS = [
    ("2026-Q3", "2026 Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("2026-Q4", "2026 Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
]
#: Data is dated up to this day (fixed, so that a seed gives the same database on any day).
UNTIL = dt.date(2026, 11, 20)
HEARTBEATS_PER_PERIOD = 3
ACTIVITY_TYPES = ["talk", "event", "workshop", "blog post", "meetup"]
TAGS = ["activate", "campus", "l10n", "press", "mentoring", "webcompat"]
COMPUTED = ["nps", "activity_share", "activity_count", "cohort_fact_share", "distinct_people"]


class NotEmpty(Exception):
    """The database already holds an organization."""


@dataclass
class Counts:
    teams: int
    people: int
    objectives: int
    key_results: int
    checkins: int
    packets: int
    activities: int
    responses: int
    facts: int
    events: int

    @classmethod
    def for_scale(cls, scale: str) -> Counts:
        f = SCALES[scale]
        c = {k: max(1, round(v * f)) for k, v in LARGE.items()}
        for name in DATASETS_AT_MOST_LARGE:
            c[name] = min(c[name], LARGE[name])
        c["teams"] = max(5, c["teams"])
        c["people"] = max(c["teams"] * 3, c["people"])
        c["objectives"] = max(c["teams"] * 2, c["objectives"])
        c["key_results"] = c["objectives"] * 4
        c["checkins"] = c["key_results"] * 50
        c["packets"] = max(c["teams"] * 6 * 2, c["packets"])
        return cls(**c)


def database_is_empty() -> bool:
    User = get_user_model()
    return not (Team.objects.exists() or Objective.objects.exists() or User.objects.exists())


def _utc(day: dt.date, seconds: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)


def _raw_datetime(value: dt.datetime) -> Any:
    """A datetime as the backend stores it (SQLite: naive UTC text, like Django writes it)."""
    if connection.vendor == "sqlite":
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))
    return value


def _raw_date(value: dt.date) -> Any:
    return value.isoformat() if connection.vendor == "sqlite" else value


def bulk_load(
    model: type[models.Model], columns: list[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Write rows with the database's own bulk path: COPY (PostgreSQL) or executemany (SQLite).

    Call inside a transaction. Returns the number of rows written."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    cols = ", ".join(quote(c) for c in columns)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 20_000:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), models_)
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def generate(
    scale: str, *, seed: int = 1, say: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Fill an empty database; returns the rows written per table. Raises NotEmpty."""
    if not database_is_empty():
        raise NotEmpty("the database already has people or teams")
    counts = Counts.for_scale(scale)
    rng = random.Random(seed)
    written: dict[str, int] = {}
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -131072")
    with transaction.atomic():
        org = _organization(counts, rng, written, say)
    with transaction.atomic():
        goals = _goals(counts, rng, org, written, say)
    with transaction.atomic():
        _heartbeats(counts, rng, org, goals, written, say)
    with transaction.atomic():
        _checkins(counts, rng, goals, written, say)
    with transaction.atomic():
        _datasets(counts, rng, org, goals, written, say)
    with transaction.atomic():
        say("kept scores")
        scores.verify(repair=True)  # the rows were loaded in bulk: keep their scores
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -2000")
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            # as autovacuum leaves a table (it is off on some servers, this machine's among them):
            # the visibility map set, so that index-only scans read no table rows
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return written


@dataclass
class _Org:
    teams: list[Team]
    leaves: list[Team]
    people: list[int]
    by_team: dict[int, list[int]]
    lead: dict[int, int]
    cohorts: list[Cohort]
    admin_id: int


def _organization(
    c: Counts, rng: random.Random, written: dict[str, int], say: Callable[[str], None]
) -> _Org:
    User = get_user_model()
    say(f"{c.teams} teams, {c.people} people")
    admin = User.objects.create_superuser(ADMIN, f"{ADMIN}@example.org", ADMIN_PASSWORD)
    departments = max(2, c.teams // 10)
    teams = [Team(slug="org", name="The Organization", order=0)]
    for d in range(departments):
        teams.append(Team(slug=f"dept-{d:02d}", name=f"Department {d:02d}", order=d))
    for t in range(c.teams - 1 - departments):
        teams.append(
            Team(
                slug=f"team-{t:03d}",
                name=f"Team {t:03d}",
                order=t,
                visibility="private" if t % 10 == 7 else "public",
            )
        )
    Team.objects.bulk_create(teams[:1])
    for team in teams[1 : 1 + departments]:
        team.parent = teams[0]
    Team.objects.bulk_create(teams[1 : 1 + departments])
    for i, team in enumerate(teams[1 + departments :]):
        team.parent = teams[1 + i % departments]
    Team.objects.bulk_create(teams[1 + departments :], batch_size=500)
    written["teams"] = len(teams)

    users = [
        User(username=f"person{i:05d}", password="!", email=f"person{i:05d}@example.org")
        for i in range(c.people)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    people = list(User.objects.exclude(pk=admin.pk).order_by("pk").values_list("pk", flat=True))
    written["people"] = len(people)
    by_team: dict[int, list[int]] = {t.pk: [] for t in teams}
    for i, person in enumerate(people):
        by_team[teams[i % len(teams)].pk].append(person)
    memberships = []
    lead = {}
    for team in teams:
        for j, person in enumerate(by_team[team.pk]):
            role = "lead" if j == 0 else ("viewer" if j % 9 == 8 else "member")
            memberships.append(Membership(person_id=person, team=team, role=role))
            if j == 0:
                lead[team.pk] = person
    Membership.objects.bulk_create(memberships, batch_size=2000)
    written["memberships"] = len(memberships)

    cohorts = []
    through = Cohort.members.through
    links = []
    for d, dept in enumerate(teams[1 : 1 + departments]):
        cohort = Cohort.objects.create(slug=f"cohort-{d:02d}", name=f"Cohort {d:02d}", team=dept)
        cohorts.append(cohort)
        members = {p for t in teams if t.parent_id == dept.pk for p in by_team[t.pk]}
        links += [through(cohort_id=cohort.pk, user_id=p) for p in sorted(members)]
    through.objects.bulk_create(links, batch_size=2000)
    written["cohort members"] = len(links)
    return _Org(teams, teams[1 + departments :], people, by_team, lead, cohorts, admin.pk)


@dataclass
class _Goals:
    periods: list[Period]
    objectives: list[Objective]
    key_results: list[tuple[int, int, int]]  # (pk, period index, team pk)
    kr_of_team: dict[tuple[int, int], list[int]]  # (period index, team pk) -> KR pks


def _goals(
    c: Counts, rng: random.Random, org: _Org, written: dict[str, int], say: Callable[[str], None]
) -> _Goals:
    say(f"{c.objectives} objectives, {c.key_results} key results")
    periods = [Period.objects.create(slug=s, name=n, start=a, end=b) for s, n, a, b in PERIODS]
    objectives: list[Objective] = []
    per_period = c.objectives // len(periods)
    team_order = list(org.teams)
    for period in periods:
        for i in range(per_period):
            team = team_order[i % len(team_order)]
            n = i // len(team_order)
            objectives.append(
                Objective(
                    team=team,
                    period=period,
                    code=f"O{n + 1}",
                    title=f"{team.name}: objective {n + 1} of {period.slug}",
                    description="Why this matters, in a paragraph or two. " * 3,
                    owner_id=org.lead[team.pk],
                    commitment="aspirational" if n % 3 == 2 else "committed",
                    order=n,
                    state="draft" if i % 20 == 19 else "published",
                    visibility="private" if i % 25 == 24 else "team",
                )
            )
    Objective.objects.bulk_create(objectives, batch_size=1000)
    written["objectives"] = len(objectives)

    # alignment: each objective of a team contributes to one of its parent team's objectives
    first: dict[tuple[int, int], list[Objective]] = {}
    for o in objectives:
        first.setdefault((o.period_id, o.team_id), []).append(o)
    alignments = []
    for o in objectives:
        parent_team = o.team.parent_id
        if parent_team is None:
            continue
        targets = first.get((o.period_id, parent_team))
        if targets:
            alignments.append(
                Alignment(child=o, parent=targets[o.order % len(targets)], weight=1.0)
            )
    Alignment.objects.bulk_create(alignments, batch_size=2000)
    written["alignments"] = len(alignments)

    measures = _measure_params(org)
    krs = []
    for k in range(c.key_results):
        o = objectives[k // 4]
        shape = k % 4
        kr = KeyResult(
            objective=o,
            code=f"KR{shape + 1}",
            title=f"Key result {shape + 1} of {o.code} ({o.team.slug})",
            owner_id=org.lead[o.team_id],
            order=shape,
            unit="%" if shape == 2 else "",
        )
        if shape == 0:
            kr.direction, kr.baseline, kr.target, kr.stretch = "increase", 0.0, 100.0, 120.0
        elif shape == 1:
            kr.direction, kr.baseline, kr.target = "decrease", 100.0, 20.0
        elif shape == 2:
            kr.direction, kr.baseline, kr.target = "at_least", 50.0, 60.0
        else:
            kr.direction, kr.baseline, kr.target, kr.target_high = "range", 15.0, 10.0, 20.0
        if k % 10 == 2:  # every 10th KR is computed, the kinds in turn
            kind = COMPUTED[(k // 10) % len(COMPUTED)]
            kr.measure_kind = kind
            kr.measure_params = measures[kind][(k // 100) % len(measures[kind])]
            target = {"activity_count": 1e6, "distinct_people": 1000.0}.get(kind, 50.0)
            kr.direction, kr.baseline, kr.target = "increase", 0.0, target
            kr.target_high = kr.stretch = None
        krs.append(kr)
    KeyResult.objects.bulk_create(krs, batch_size=1000)
    written["key results"] = len(krs)
    period_index = {p.pk: i for i, p in enumerate(periods)}
    kr_rows = [(kr.pk, period_index[kr.objective.period_id], kr.objective.team_id) for kr in krs]
    kr_of_team: dict[tuple[int, int], list[int]] = {}
    for pk, p, team in kr_rows:
        kr_of_team.setdefault((p, team), []).append(pk)
    return _Goals(periods, objectives, kr_rows, kr_of_team)


def _measure_params(org: _Org) -> dict[str, list[dict[str, Any]]]:
    cohorts = [c.slug for c in org.cohorts]
    raw: dict[str, list[dict[str, Any]]] = {
        "nps": [{"survey": f"survey-{i}"} for i in range(len(cohorts))],
        "activity_share": [{"filter": {"tag": "activate"}, "cohort": s} for s in cohorts]
        + [{"filter": {"type": "talk"}}],
        "activity_count": [{"filter": {"type": "workshop"}}, {"filter": {"tag": "campus"}}],
        "cohort_fact_share": [
            {"cohort": s, "conditions": [{"key": "forum.watching", "value": "true"}]}
            for s in cohorts
        ],
        "distinct_people": [
            {"event": "feedback", "subject": "strategy", "since_period_start": True},
            {"event": "meeting", "cohort": cohorts[0]},
        ],
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, variants in raw.items():
        out[kind] = []
        for params in variants:
            parsed = parse_measure(kind, params)
            assert parsed is not None
            out[kind].append(params_as_json(parsed))
    return out


def _heartbeats(
    c: Counts,
    rng: random.Random,
    org: _Org,
    goals: _Goals,
    written: dict[str, int],
    say: Callable[[str], None],
) -> None:
    say(f"heartbeats, {c.packets} work packets")
    beats: list[Heartbeat] = []
    for team in org.teams:
        for period in goals.periods:
            days = (period.end - period.start).days + 1
            size = days // HEARTBEATS_PER_PERIOD
            for h in range(HEARTBEATS_PER_PERIOD):
                start = period.start + dt.timedelta(days=h * size)
                end = (
                    period.end
                    if h == HEARTBEATS_PER_PERIOD - 1
                    else start + dt.timedelta(days=size - 1)
                )
                beats.append(
                    Heartbeat(
                        team=team,
                        period=period,
                        name=f"{period.slug[-2:]}HB{h + 1}",
                        start=start,
                        end=end,
                    )
                )
    Heartbeat.objects.bulk_create(beats, batch_size=1000)
    written["heartbeats"] = len(beats)
    beats_of: dict[int, list[Heartbeat]] = {}
    for beat in beats:
        beats_of.setdefault(beat.team_id, []).append(beat)

    packets = []
    statuses = ["todo", "in_progress", "blocked", "done", "done", "dropped"]
    for i in range(c.packets):
        team = org.teams[i % len(org.teams)]
        n = i // len(org.teams)
        team_beats = beats_of[team.pk]
        beat = team_beats[n % len(team_beats)] if n % 10 != 9 else None  # some unplanned
        packets.append(
            WorkPacket(
                team=team,
                heartbeat=beat,
                title=f"Packet {n} of {team.slug}",
                description="What, why and how we will know it is done.",
                status=statuses[n % len(statuses)],
                priority=["P1", "P2", ""][n % 3],
                order=n,
            )
        )
    WorkPacket.objects.bulk_create(packets, batch_size=2000)
    written["work packets"] = len(packets)
    period_index = {p.pk: i for i, p in enumerate(goals.periods)}
    beat_period = {b.pk: period_index[b.period_id] for b in beats}
    links = []
    roles = []
    commitments = []
    through = WorkPacket.key_results.through
    for n, packet in enumerate(packets):
        p = beat_period[packet.heartbeat_id] if packet.heartbeat_id else 1
        krs = goals.kr_of_team.get((p, packet.team_id), [])
        if krs:
            links.append(through(workpacket_id=packet.pk, keyresult_id=krs[n % len(krs)]))
        members = org.by_team[packet.team_id]
        if members:
            roles.append(PacketRole(packet=packet, person_id=members[n % len(members)], role="R"))
            roles.append(PacketRole(packet=packet, person_id=org.lead[packet.team_id], role="A"))
        if packet.heartbeat_id:
            outcome = "done" if packet.status == "done" else ""
            commitments.append(
                Commitment(
                    heartbeat_id=packet.heartbeat_id,
                    packet=packet,
                    priority=packet.priority,
                    outcome=outcome,
                )
            )
    through.objects.bulk_create(links, batch_size=5000)
    PacketRole.objects.bulk_create(roles, batch_size=5000, ignore_conflicts=True)
    Commitment.objects.bulk_create(commitments, batch_size=5000)
    written["packet links"] = len(links)
    written["packet roles"] = len(roles)
    written["commitments"] = len(commitments)


def _checkins(
    c: Counts,
    rng: random.Random,
    goals: _Goals,
    written: dict[str, int],
    say: Callable[[str], None],
) -> None:
    say(f"{c.checkins} check-ins")
    per_kr = c.checkins // len(goals.key_results)
    krs = {kr.pk: kr for kr in KeyResult.objects.only("pk", "baseline", "target", "measure_kind")}
    now = _raw_datetime(timezone.now())

    def rows() -> Iterator[tuple[Any, ...]]:
        for pk, p, _team in goals.key_results:
            kr = krs[pk]
            period = goals.periods[p]
            last = min(period.end, UNTIL)
            span = int((_utc(last) - _utc(period.start)).total_seconds())
            base, target = kr.baseline, kr.target if kr.target is not None else 1.0
            reach = rng.uniform(0.2, 1.1)
            source = "computed" if kr.measure_kind != "manual" else "manual"
            for j in range(per_kr):
                share = (j + 1) / per_kr
                at = _utc(period.start, span * j // per_kr + rng.randrange(3600))
                value = round(base + (target - base) * share * reach + rng.gauss(0, 1), 2)
                yield (pk, value, round(rng.random(), 2), "", None, _raw_datetime(at), now, source)

    columns = ["key_result_id", "value", "confidence", "note", "author_id", "at", "recorded_at",
               "source"]  # fmt: skip
    written["check-ins"] = bulk_load(CheckIn, columns, rows())


def activity_rows(
    rng: random.Random,
    people: list[int],
    start: dt.date,
    days: int,
    count: int,
    prefix: str,
    *,
    raw: bool = True,
) -> Iterator[tuple[Any, ...]]:
    """Activity rows in the import's column order (content keys ``prefix`` + number)."""
    dates = [start + dt.timedelta(days=d) for d in range(days)]
    if raw:
        dates = [_raw_date(d) for d in dates]  # type: ignore[misc]
    tag_sets = [";activate;", ";activate;campus;", ";campus;", "", ";l10n;press;", ";mentoring;"]
    for i in range(count):
        yield (
            people[rng.randrange(len(people))],
            dates[i * days // count],
            ACTIVITY_TYPES[rng.randrange(len(ACTIVITY_TYPES))],
            "",
            tag_sets[rng.randrange(len(tag_sets))],
            "",
            "",
            f"{prefix}{i}",
        )


def response_rows(
    rng: random.Random,
    surveys: list[int],
    people: list[int],
    start: dt.datetime,
    seconds: int,
    count: int,
    prefix: str,
) -> Iterator[tuple[Any, ...]]:
    """Survey response rows in the import's column order."""
    for i in range(count):
        at = _raw_datetime(start + dt.timedelta(seconds=rng.randrange(seconds)))
        who = people[rng.randrange(len(people))] if i % 3 == 0 else None
        score = min(10, int(rng.triangular(0, 11, 9)))
        yield (surveys[i % len(surveys)], score, who, "", "", at, "", f"{prefix}{i}")


def _datasets(
    c: Counts,
    rng: random.Random,
    org: _Org,
    goals: _Goals,
    written: dict[str, int],
    say: Callable[[str], None],
) -> None:
    say(f"{c.activities} activities, {c.responses} survey responses")
    first, last = goals.periods[0].start, UNTIL
    days = (last - first).days + 1
    written["activities"] = bulk_load(
        Activity,
        ["person_id", "date", "type", "initiative", "tags", "link", "external_id", "content_key"],
        activity_rows(rng, org.people, first, days, c.activities, "g"),
    )
    surveys = [
        Survey.objects.create(slug=f"survey-{i}", title=f"Survey {i}", team=cohort.team)
        for i, cohort in enumerate(org.cohorts)
    ]
    seconds = days * 86400
    written["survey responses"] = bulk_load(
        SurveyResponse,
        [
            "survey_id",
            "score",
            "respondent_id",
            "anonymous_id",
            "comment",
            "submitted_at",
            "external_id",
            "content_key",
        ],
        response_rows(
            rng, [s.pk for s in surveys], org.people, _utc(first), seconds, c.responses, "g"
        ),
    )

    def facts() -> Iterator[tuple[Any, ...]]:
        for i in range(c.facts):
            person = org.people[i % len(org.people)]
            at = _utc(first, rng.randrange(seconds))
            value = "true" if rng.random() < 0.4 else "false"
            yield (person, "forum.watching", value, _raw_datetime(at), f"g{i}")

    written["person facts"] = bulk_load(
        PersonFact, ["person_id", "key", "value", "observed_at", "content_key"], facts()
    )

    def events() -> Iterator[tuple[Any, ...]]:
        for i in range(c.events):
            person = org.people[rng.randrange(len(org.people))]
            kind, subject = [("feedback", "strategy"), ("meeting", "weekly"), ("feedback", "ux")][
                i % 3
            ]
            at = _utc(first, rng.randrange(seconds))
            yield (person, kind, subject, _raw_datetime(at), f"g{i}")

    written["participation events"] = bulk_load(
        ParticipationEvent, ["person_id", "kind", "subject", "at", "content_key"], events()
    )
    _reset_sequences([CheckIn, Activity, SurveyResponse, PersonFact, ParticipationEvent])
