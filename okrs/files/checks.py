"""Checks of a well-formed file against itself and the database, before anything is written.

A reference (a team, a person, a period, an objective, a key result, a heartbeat) may name an
item of the file or one already in the database. The checks read the database in a fixed
number of queries and return every problem found; they never write.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from okrs.core.measures import MeasureParamsError, parse_measure
from okrs.core.scoring import Direction, KeyResultRule, RuleError
from okrs.files.loader import DataPath, Problem, format_path
from okrs.files.schema import KeyResultIn, ObjectiveIn, OkrsFile, PacketIn
from okrs.goals.models import Alignment, KeyResult, Objective, Period
from okrs.heartbeats.models import Heartbeat
from okrs.org.models import Team

ObjectiveKey = tuple[str, str, str]
"""(team slug, period slug, objective code)."""

KeyResultKey = tuple[str, str, str, str]
"""(team slug, period slug, objective code, key result code)."""

Span = tuple[dt.date, dt.date]


def key_result_key(ref: str) -> KeyResultKey:
    """`2017-Q1/reps/O1/KR2` → `("reps", "2017-Q1", "O1", "KR2")`."""
    period, team, objective, code = ref.split("/")
    return (team, period, objective, code)


def objective_label(key: ObjectiveKey) -> str:
    """`("reps", "2017-Q1", "O1")` → `2017-Q1/reps/O1`, the form used in packet references."""
    team, period, code = key
    return f"{period}/{team}/{code}"


@dataclass
class Known:
    """What references may name: the database's items merged with the file's."""

    teams: dict[str, str | None] = field(default_factory=dict)
    people: set[str] = field(default_factory=set)
    periods: dict[str, Span] = field(default_factory=dict)
    objectives: set[ObjectiveKey] = field(default_factory=set)
    key_results: set[KeyResultKey] = field(default_factory=set)
    db_heartbeats: dict[tuple[str, str], Span] = field(default_factory=dict)
    heartbeats: set[tuple[str, str]] = field(default_factory=set)
    alignments: dict[Hashable, set[Hashable]] = field(default_factory=lambda: defaultdict(set))
    dated: list[Dated] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Dated:
    """A heartbeat or key result deadline of the database that must stay inside its period."""

    period: str
    key: Hashable
    label: str
    start: dt.date
    end: dt.date


def check_document(doc: OkrsFile) -> list[Problem]:
    """Every problem of references, duplicates, cycles and rules in `doc` (empty when valid)."""
    known = load_known(doc)
    problems: list[Problem] = [*_duplicates(doc)]
    for check in (_teams, _people, _cohorts, _periods, _heartbeats, _objectives, _packets):
        problems.extend(check(doc, known))
    problems.extend(_alignment_cycles(doc, known))
    return problems


def load_known(doc: OkrsFile) -> Known:
    """The database's items that the file's references may name, merged with the file's own."""
    known = Known()
    _load_db(doc, known)
    known.teams.update({t.slug: t.parent for t in doc.teams})
    known.people.update(p.username for p in doc.people)
    known.periods.update({p.slug: (p.start, p.end) for p in doc.periods})
    known.heartbeats = set(known.db_heartbeats) | {(h.team, h.name) for h in doc.heartbeats}
    for objective in doc.objectives:
        key = (objective.team, objective.period, objective.code)
        known.objectives.add(key)
        known.key_results.update((*key, kr.code) for kr in objective.key_results)
    return known


def _load_db(doc: OkrsFile, known: Known) -> None:
    """Read, in a fixed number of queries, the database items the file may refer to."""
    User = get_user_model()
    users = User._default_manager.filter(**{f"{User.USERNAME_FIELD}__in": _usernames(doc)})
    known.people.update(users.values_list(User.USERNAME_FIELD, flat=True))
    known.teams.update(Team.objects.values_list("slug", "parent__slug"))
    periods = Period.objects.filter(slug__in=_period_refs(doc))
    known.periods.update(
        {slug: (s, e) for slug, s, e in periods.values_list("slug", "start", "end")}
    )
    objective_refs = _objective_refs(doc)
    objectives = Objective.objects.filter(
        team__slug__in={k[0] for k in objective_refs},
        period__slug__in={k[1] for k in objective_refs},
        code__in={k[2] for k in objective_refs},
    ).values_list("team__slug", "period__slug", "code")
    known.objectives.update(objectives)
    kr_refs = {key_result_key(ref) for packet in doc.packets for ref in packet.key_results}
    key_results = KeyResult.objects.filter(
        objective__team__slug__in={k[0] for k in kr_refs},
        objective__period__slug__in={k[1] for k in kr_refs},
        code__in={k[3] for k in kr_refs},
    ).values_list("objective__team__slug", "objective__period__slug", "objective__code", "code")
    known.key_results.update(key_results)
    heartbeats = Heartbeat.objects.filter(team__slug__in=_heartbeat_teams(doc))
    for team, name, start, end in heartbeats.values_list("team__slug", "name", "start", "end"):
        known.db_heartbeats[(team, name)] = (start, end)
    if any(o.contributes_to for o in doc.objectives):
        _load_alignments(known)
    _load_dated(doc, known)


def _load_dated(doc: OkrsFile, known: Known) -> None:
    """Heartbeats and deadlines of the database in the file's periods (which may move)."""
    slugs = [p.slug for p in doc.periods]
    beats = Heartbeat.objects.filter(period__slug__in=slugs).values_list(
        "period__slug", "team__slug", "name", "start", "end"
    )
    for period, team, name, start, end in beats:
        known.dated.append(Dated(period, (team, name), f"heartbeat {team}/{name}", start, end))
    deadlines = KeyResult.objects.filter(
        objective__period__slug__in=slugs, deadline__isnull=False
    ).values_list(
        "objective__period__slug", "objective__team__slug", "objective__code", "code", "deadline"
    )
    for period, team, objective, code, day in deadlines:
        label = f"the deadline of {period}/{team}/{objective}/{code}"
        known.dated.append(Dated(period, (team, period, objective, code), label, day, day))


def _load_alignments(known: Known) -> None:
    """All alignment links of the database, as child → parents, for the cycle check."""
    ends = ("id", "team__slug", "period__slug", "code")
    columns = [f"child__{e}" for e in ends] + [f"parent__{e}" for e in ends]
    for row in Alignment.objects.values_list(*columns):
        known.alignments[_node(*row[:4])].add(_node(*row[4:]))


def _node(pk: int, team: str, period: str, code: str) -> Hashable:
    """An objective in the alignment graph: by its key, or by id when it has no code."""
    return (team, period, code) if code else ("#", str(pk), "")


def _usernames(doc: OkrsFile) -> set[str]:
    names = {m for c in doc.cohorts for m in c.members}
    for objective in doc.objectives:
        names.add(objective.owner or "")
        for kr in objective.key_results:
            names.add(kr.owner or "")
            names.update(c.author or "" for c in kr.checkins)
    for packet in doc.packets:
        names.update(name for names_ in packet.roles.model_dump().values() for name in names_)
    return names - {""}


def _period_refs(doc: OkrsFile) -> set[str]:
    refs = {h.period for h in doc.heartbeats} | {o.period for o in doc.objectives}
    refs.update(key[1] for key in _objective_refs(doc))
    return refs


def _objective_refs(doc: OkrsFile) -> set[ObjectiveKey]:
    refs = {
        (c.team, c.period or o.period, c.code) for o in doc.objectives for c in o.contributes_to
    }
    refs.update(key_result_key(ref)[:3] for p in doc.packets for ref in p.key_results)
    return refs


def _heartbeat_teams(doc: OkrsFile) -> set[str]:
    teams = {h.team for h in doc.heartbeats}
    teams.update((p.heartbeat.team or p.team) for p in doc.packets if p.heartbeat)
    return teams


# Duplicates -------------------------------------------------------------------------------


def _duplicates(doc: OkrsFile) -> Iterator[Problem]:
    """Items given twice: the identity of each kind must be unique in the file."""
    yield from _repeated(((("teams", i, "slug"), t.slug) for i, t in enumerate(doc.teams)), "team")
    people = ((("people", i, "username"), p.username) for i, p in enumerate(doc.people))
    yield from _repeated(people, "person")
    cohorts = ((("cohorts", i, "slug"), c.slug) for i, c in enumerate(doc.cohorts))
    yield from _repeated(cohorts, "cohort")
    periods = ((("periods", i, "slug"), p.slug) for i, p in enumerate(doc.periods))
    yield from _repeated(periods, "period")
    beats = ((("heartbeats", i, "name"), (h.team, h.name)) for i, h in enumerate(doc.heartbeats))
    yield from _repeated(beats, "heartbeat (team and name)")
    objectives = (
        (("objectives", i, "code"), (o.team, o.period, o.code))
        for i, o in enumerate(doc.objectives)
    )
    yield from _repeated(objectives, "objective (team, period and code)")
    packets = ((("packets", i, "title"), (p.team, p.title)) for i, p in enumerate(doc.packets))
    yield from _repeated(packets, "packet (team and title)")


def _repeated(items: Iterable[tuple[DataPath, Hashable]], what: str) -> Iterator[Problem]:
    """A problem for each item whose key was seen before, naming where it was first given."""
    seen: dict[Hashable, DataPath] = {}
    for path, key in items:
        if key in seen:
            yield Problem(path, f"duplicate {what}; first given at {format_path(seen[key])}")
        else:
            seen[key] = path


# References -------------------------------------------------------------------------------


def _team(known: Known, slug: str | None, path: DataPath) -> Iterator[Problem]:
    if slug is not None and slug not in known.teams:
        yield Problem(path, f"unknown team {slug!r}: not in this file's teams nor in the database")


def _person(known: Known, username: str | None, path: DataPath) -> Iterator[Problem]:
    if username is not None and username not in known.people:
        yield Problem(
            path, f"unknown person {username!r}: not in this file's people nor in the database"
        )


def _period(known: Known, slug: str, path: DataPath) -> Iterator[Problem]:
    if slug not in known.periods:
        yield Problem(
            path, f"unknown period {slug!r}: not in this file's periods nor in the database"
        )


def _teams(doc: OkrsFile, known: Known) -> Iterator[Problem]:
    for i, team in enumerate(doc.teams):
        yield from _team(known, team.parent, ("teams", i, "parent"))
        chain = _parent_chain(known.teams, team.slug)
        if chain and chain[-1] == team.slug:
            path_text = " → ".join([team.slug, *chain])
            yield Problem(
                ("teams", i, "parent"), f"teams would be their own ancestors: {path_text}"
            )


def _parent_chain(parents: dict[str, str | None], slug: str) -> list[str]:
    """The ancestors of `slug`, stopping at the first repeated team (the end of a cycle)."""
    chain: list[str] = []
    node = parents.get(slug)
    while node is not None and node not in chain:
        chain.append(node)
        if node == slug:
            break
        node = parents.get(node)
    return chain


def _people(doc: OkrsFile, known: Known) -> Iterator[Problem]:
    for i, person in enumerate(doc.people):
        teams = []
        for j, membership in enumerate(person.memberships):
            path: DataPath = ("people", i, "memberships", j, "team")
            yield from _team(known, membership.team, path)
            teams.append((path, membership.team))
        yield from _repeated(teams, "membership in this team")


def _cohorts(doc: OkrsFile, known: Known) -> Iterator[Problem]:
    for i, cohort in enumerate(doc.cohorts):
        yield from _team(known, cohort.team, ("cohorts", i, "team"))
        members = [(("cohorts", i, "members", j), name) for j, name in enumerate(cohort.members)]
        for path, name in members:
            yield from _person(known, name, path)
        yield from _repeated(members, "member")


def _periods(doc: OkrsFile, known: Known) -> Iterator[Problem]:
    replaced = {(h.team, h.name) for h in doc.heartbeats}
    replaced.update((*_objective_key(o), kr.code) for o in doc.objectives for kr in o.key_results)
    for i, period in enumerate(doc.periods):
        if period.start >= period.end:
            yield Problem(("periods", i, "end"), f"must be after start ({period.start})")
            continue
        for item in known.dated:
            inside = period.start <= item.start and item.end <= period.end
            if item.period == period.slug and item.key not in replaced and not inside:
                yield Problem(("periods", i), f"would leave {item.label} outside the period")


def _objective_key(objective: ObjectiveIn) -> ObjectiveKey:
    return (objective.team, objective.period, objective.code)


def _heartbeats(doc: OkrsFile, known: Known) -> Iterator[Problem]:
    for i, beat in enumerate(doc.heartbeats):
        path: DataPath = ("heartbeats", i)
        yield from _team(known, beat.team, (*path, "team"))
        yield from _period(known, beat.period, (*path, "period"))
        if beat.start >= beat.end:
            yield Problem((*path, "end"), f"must be after start ({beat.start})")
            continue
        span = known.periods.get(beat.period)
        if span and not (span[0] <= beat.start and beat.end <= span[1]):
            yield Problem(path, f"must lie inside period {beat.period} ({span[0]} to {span[1]})")
        yield from _overlaps(doc, known, i)


def _overlaps(doc: OkrsFile, known: Known, index: int) -> Iterator[Problem]:
    """Heartbeat `index` against the earlier ones of the file and the database's others."""
    beat = doc.heartbeats[index]
    in_file = {h.name for h in doc.heartbeats if h.team == beat.team}
    others = [
        (name, span)
        for (team, name), span in known.db_heartbeats.items()
        if team == beat.team and name not in in_file
    ]
    others += [(h.name, (h.start, h.end)) for h in doc.heartbeats[:index] if h.team == beat.team]
    for name, (start, end) in others:
        if start <= beat.end and beat.start <= end and name != beat.name:
            yield Problem(
                ("heartbeats", index),
                f"overlaps heartbeat {name} ({start} to {end}) in the calendar of {beat.team!r}",
            )


def _objectives(doc: OkrsFile, known: Known) -> Iterator[Problem]:
    for i, objective in enumerate(doc.objectives):
        path: DataPath = ("objectives", i)
        yield from _team(known, objective.team, (*path, "team"))
        yield from _period(known, objective.period, (*path, "period"))
        yield from _person(known, objective.owner, (*path, "owner"))
        yield from _contributions(objective, known, path)
        codes = [
            ((*path, "key_results", j, "code"), kr.code)
            for j, kr in enumerate(objective.key_results)
        ]
        yield from _repeated(codes, "key result code in this objective")
        for j, kr in enumerate(objective.key_results):
            yield from _key_result(objective, kr, known, (*path, "key_results", j))


def _contributions(objective: ObjectiveIn, known: Known, path: DataPath) -> Iterator[Problem]:
    own = (objective.team, objective.period, objective.code)
    targets = []
    for j, link in enumerate(objective.contributes_to):
        here: DataPath = (*path, "contributes_to", j)
        key = (link.team, link.period or objective.period, link.code)
        if key == own:
            yield Problem(here, "an objective cannot contribute to itself")
        elif key not in known.objectives:
            label = objective_label(key)
            yield Problem(here, f"unknown objective {label}: not in this file nor in the database")
        targets.append((here, key))
    yield from _repeated(targets, "contribution to this objective")


def _key_result(
    objective: ObjectiveIn, kr: KeyResultIn, known: Known, path: DataPath
) -> Iterator[Problem]:
    yield from _person(known, kr.owner, (*path, "owner"))
    try:
        KeyResultRule(
            direction=Direction(kr.direction),
            baseline=kr.baseline,
            target=kr.target,
            target_high=kr.target_high,
            stretch=kr.stretch,
        )
    except RuleError as exc:
        yield Problem((*path, exc.field), exc.problem)
    yield from _measure(kr, (*path, "measure"))
    span = known.periods.get(objective.period)
    if kr.deadline and span and not (span[0] <= kr.deadline <= span[1]):
        yield Problem(
            (*path, "deadline"),
            f"must lie inside period {objective.period} ({span[0]} to {span[1]})",
        )
    checkins = []
    for k, checkin in enumerate(kr.checkins):
        here: DataPath = (*path, "checkins", k)
        yield from _person(known, checkin.author, (*here, "author"))
        checkins.append((here, (checkin.at, checkin.value, checkin.source)))
    yield from _repeated(checkins, "check-in (same at, value and source)")


def _measure(kr: KeyResultIn, path: DataPath) -> Iterator[Problem]:
    """The measure's parameters, as the measure kind defines them (`okrs.core.measures`)."""
    try:
        parse_measure(kr.measure.kind, kr.measure.params)
    except MeasureParamsError as exc:
        for name, message in exc.problems:
            yield Problem((*path, *_measure_path(name)), message)


def _measure_path(name: str) -> DataPath:
    """A field named by `okrs.core.measures` (`measure_params`, `conditions.1.key`) as a path."""
    if name == "measure_params":
        return ()
    if name == "measure_kind":
        return ("kind",)
    return tuple(int(part) if part.isdigit() else part for part in name.split("."))


def _packets(doc: OkrsFile, known: Known) -> Iterator[Problem]:
    for i, packet in enumerate(doc.packets):
        path: DataPath = ("packets", i)
        yield from _team(known, packet.team, (*path, "team"))
        yield from _packet_heartbeat(packet, known, path)
        refs = [((*path, "key_results", j), ref) for j, ref in enumerate(packet.key_results)]
        for here, ref in refs:
            if key_result_key(ref) not in known.key_results:
                yield Problem(
                    here, f"unknown key result {ref}: not in this file nor in the database"
                )
        yield from _repeated(refs, "key result")
        for letter, names in packet.roles.model_dump().items():
            people = [((*path, "roles", letter, j), name) for j, name in enumerate(names)]
            for here, name in people:
                yield from _person(known, name, here)
            yield from _repeated(people, f"person in role {letter}")


def _packet_heartbeat(packet: PacketIn, known: Known, path: DataPath) -> Iterator[Problem]:
    if packet.heartbeat is None:
        return
    team = packet.heartbeat.team or packet.team
    if (team, packet.heartbeat.name) not in known.heartbeats:
        yield Problem(
            (*path, "heartbeat"),
            f"unknown heartbeat {packet.heartbeat.name!r} of team {team!r}: "
            "not in this file nor in the database",
        )


# Cycles ------------------------------------------------------------------------------------


def _alignment_cycles(doc: OkrsFile, known: Known) -> Iterator[Problem]:
    """Links of the file that close a cycle with the file's other links and the database's."""
    graph: dict[Hashable, set[Hashable]] = defaultdict(set)
    for child, parents in known.alignments.items():
        graph[child].update(parents)
    links = []
    for i, objective in enumerate(doc.objectives):
        child = (objective.team, objective.period, objective.code)
        for j, link in enumerate(objective.contributes_to):
            parent = (link.team, link.period or objective.period, link.code)
            if parent != child:
                graph[child].add(parent)
                links.append((("objectives", i, "contributes_to", j), child, parent))
    for path, child, parent in links:
        chain = _route(graph, parent, child)
        if chain:
            text = " → ".join(_label(node) for node in [child, *chain])
            yield Problem(path, f"contributions would form a cycle: {text}")


def _route(graph: dict[Hashable, set[Hashable]], start: Hashable, goal: Hashable) -> list[Hashable]:
    """The nodes from `start` to `goal` along the graph's edges (breadth first), or []."""
    previous: dict[Hashable, Hashable | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            route: list[Hashable] = []
            step: Hashable | None = node
            while step is not None:
                route.append(step)
                step = previous[step]
            return route[::-1]
        for nxt in sorted(graph.get(node, ()), key=str):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return []


def _label(node: Hashable) -> str:
    if isinstance(node, tuple) and node[0] == "#":
        return f"objective #{node[1]}"
    return objective_label(node)  # type: ignore[arg-type]
