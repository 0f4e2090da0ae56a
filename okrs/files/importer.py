"""Import an OKRs file: check everything first, then write it all in one transaction, or nothing.

Rules:
- Each item is found by its identity (a team by slug, an objective by team + period + code, a
  check-in by key result + at + value + source, ...); it is created when missing and its fields
  are updated only when they differ, so importing the same file twice changes nothing.
- The import adds and updates, it never deletes: memberships, cohort members, alignments,
  packet links and roles not in the file stay, and check-ins are never removed (history is
  never lost).
- A person's `email` is left as it is when the file does not give one (public exports leave
  emails out); new people get an unusable password.
- Each kind is read in one query and written with bulk operations, so the number of queries
  does not grow with the number of rows (beyond the database's batch sizes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from okrs.core.measures import params_as_json, parse_measure
from okrs.files.checks import KeyResultKey, ObjectiveKey, check_document, key_result_key
from okrs.files.loader import LoadedFile, Problem, load_path
from okrs.files.schema import (
    CheckInIn,
    KeyResultIn,
    ObjectiveIn,
    OkrsFile,
    PacketIn,
    PersonIn,
    TeamIn,
)
from okrs.goals import scores
from okrs.goals.models import (
    Alignment,
    Change,
    ChangeAction,
    CheckIn,
    KeyResult,
    Objective,
    Period,
)
from okrs.heartbeats.models import Heartbeat, PacketRole, WorkPacket
from okrs.org.models import Cohort, Membership, Profile, Team

M = TypeVar("M", bound=models.Model)
K = TypeVar("K", bound=Hashable)

KINDS = (
    "teams",
    "people",
    "profiles",
    "memberships",
    "cohorts",
    "cohort members",
    "periods",
    "heartbeats",
    "objectives",
    "alignments",
    "key results",
    "check-ins",
    "packets",
    "packet key results",
    "packet roles",
)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class Summary:
    """What an import did, per kind of item."""

    name: str
    tallies: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(t.created or t.updated for t in self.tallies.values())

    def render(self) -> str:
        verb = "Checked (dry run, nothing written)" if self.dry_run else "Imported"
        lines = [f"{verb} {self.name}:"]
        width = max(len(kind) for kind in KINDS)
        for kind, tally in self.tallies.items():
            if tally.total:
                lines.append(
                    f"  {kind:<{width}}  {tally.created} created, {tally.updated} updated,"
                    f" {tally.unchanged} unchanged"
                )
        if not self.changed:
            lines.append("  Nothing changed.")
        return "\n".join(lines)


def import_path(path: Path, *, name: str | None = None, dry_run: bool = False) -> Summary:
    """Import the file at `path`; raise FileProblems (and write nothing) when it has problems."""
    return import_loaded(load_path(path, name), dry_run=dry_run)


def import_loaded(loaded: LoadedFile, *, dry_run: bool = False) -> Summary:
    """Check `loaded` against the database, then write it in one transaction (all or nothing)."""
    summary = Summary(loaded.name, dry_run=dry_run)
    try:
        with transaction.atomic():
            problems = check_document(loaded.document)
            if problems:
                raise loaded.problems(problems)
            _Writer(loaded.document, summary.tallies).run()
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        message = f"the database refused the import, nothing was written: {exc}"
        raise loaded.problems([Problem((), message)]) from exc
    return summary


BATCH_SIZE = 1000


def _upsert(
    model: type[M],
    existing: Mapping[K, M],
    wanted: Mapping[K, dict[str, Any]],
    tally: Tally,
    *,
    prepare: Callable[[M], None] | None = None,
    history: list[tuple[M, dict[str, list[Any]] | None]] | None = None,
) -> dict[K, M]:
    """Create the rows of `wanted` missing from `existing`, update those whose fields differ.

    `wanted` maps each key to field values (by attname, e.g. `team_id`). Rows whose values are
    all equal are not written. `updated_at` is set on the updated rows of models that have it.
    Returns every wanted row by key. `history`, when given, receives (row, None) for each
    created row and (row, {field: [old, new]}) for each updated one, after they are written.
    """
    rows: dict[K, M] = {}
    to_create: list[M] = []
    to_update: list[M] = []
    changed: set[str] = set()
    diffs: list[tuple[M, dict[str, list[Any]]]] = []
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            row = model(**values)
            if prepare:
                prepare(row)
            to_create.append(row)
        else:
            diff = [name for name, value in values.items() if getattr(row, name) != value]
            if diff and history is not None:
                diffs.append((row, {name: [getattr(row, name), values[name]] for name in diff}))
            for name in diff:
                setattr(row, name, values[name])
            if diff:
                changed.update(diff)
                to_update.append(row)
        rows[key] = row
    model._default_manager.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        _stamp(model, to_update, changed)
        model._default_manager.bulk_update(to_update, sorted(changed), batch_size=BATCH_SIZE)
    if history is not None:
        history.extend((row, None) for row in to_create)
        history.extend(diffs)
    tally.created += len(to_create)
    tally.updated += len(to_update)
    tally.unchanged += len(wanted) - len(to_create) - len(to_update)
    return rows


def _stamp(model: type[models.Model], rows: list[Any], changed: set[str]) -> None:
    """Set `updated_at` on rows about to be updated (bulk_update does not touch auto_now)."""
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        now = timezone.now()
        for row in rows:
            row.updated_at = now
        changed.add("updated_at")


def _add_links(
    model: type[models.Model], field_name: str, pairs: set[tuple[int, int]], tally: Tally
) -> None:
    """Add the missing (source id, target id) rows of a many-to-many field; never remove any."""
    m2m = model._meta.get_field(field_name)
    assert isinstance(m2m, models.ManyToManyField)
    through = m2m.remote_field.through
    source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    sources = {a for a, _ in pairs}
    existing = set(
        through._default_manager.filter(**{f"{source}__in": sources}).values_list(source, target)
    )
    new = sorted(pairs - existing)
    through._default_manager.bulk_create(
        [through(**{source: a, target: b}) for a, b in new], batch_size=BATCH_SIZE
    )
    tally.created += len(new)
    tally.unchanged += len(pairs) - len(new)


def _first_by(rows: Iterable[M], key: Callable[[M], K]) -> dict[K, M]:
    """Rows by key; when several rows share a key, the first one (rows come ordered by id)."""
    found: dict[K, M] = {}
    for row in rows:
        found.setdefault(key(row), row)
    return found


class _Writer:
    """Writes a checked document, kind by kind, parents before children."""

    def __init__(self, doc: OkrsFile, tallies: dict[str, Tally]) -> None:
        self.doc = doc
        self.tallies = tallies
        self.teams: dict[str, Team] = {}
        self.users: dict[str, AbstractBaseUser] = {}
        self.periods: dict[str, Period] = {}
        self.heartbeats: dict[tuple[int, str], Heartbeat] = {}
        self.objectives: dict[ObjectiveKey, Objective] = {}
        self.key_results: dict[KeyResultKey, KeyResult] = {}

    def run(self) -> None:
        self._teams()
        self._people()
        self._cohorts()
        self._periods()
        self._heartbeats()
        self._objectives()
        self._alignments()
        self._key_results()
        self._checkins()
        self._packets()
        # the kept scores of every objective of the periods written, from their history
        scores.refresh(
            Objective.objects.filter(period__in=list(self.periods.values())).values_list(
                "pk", flat=True
            )
        )
        # a team's visibility may have changed: who reads its objectives of every period
        scores.keep_team_rollups(teams=[team.pk for team in self.teams.values()])

    # org ---------------------------------------------------------------------------------

    def _teams(self) -> None:
        """Teams level by level, so that a parent exists before its children point to it."""
        refs = _team_refs(self.doc)
        self.teams = {t.slug: t for t in Team.objects.filter(slug__in=refs)}
        pending = list(self.doc.teams)
        while pending:
            waiting = {t.slug for t in pending}
            ready = [t for t in pending if t.parent is None or t.parent not in waiting]
            if not ready:  # pragma: no cover - the checks refuse cycles
                raise RuntimeError("teams form a cycle")
            wanted = {t.slug: self._team_fields(t) for t in ready}
            self.teams.update(_upsert(Team, self.teams, wanted, self.tallies["teams"]))
            pending = [t for t in pending if t.slug not in wanted]

    def _team_fields(self, team: TeamIn) -> dict[str, Any]:
        fields = team.model_dump(exclude={"parent"})
        fields["parent_id"] = self.teams[team.parent].pk if team.parent else None
        return fields

    def _people(self) -> None:
        User = get_user_model()
        lookup = {f"{User.USERNAME_FIELD}__in": _username_refs(self.doc)}
        found = User._default_manager.filter(**lookup)
        self.users = {u.get_username(): u for u in found}
        wanted = {p.username: _user_fields(p) for p in self.doc.people}
        self.users.update(
            _upsert(User, self.users, wanted, self.tallies["people"], prepare=_no_password)
        )
        self._profiles()
        self._memberships()

    def _profiles(self) -> None:
        ids = [self.users[p.username].pk for p in self.doc.people]
        existing = {p.person_id: p for p in Profile.objects.filter(person_id__in=ids)}
        wanted = {}
        for person in self.doc.people:
            pk = self.users[person.username].pk
            if pk in existing or person.name or person.github or person.discourse:
                wanted[pk] = {
                    "person_id": pk,
                    "display_name": person.name,
                    "github_login": person.github,
                    "discourse_username": person.discourse,
                }
        _upsert(Profile, existing, wanted, self.tallies["profiles"])

    def _memberships(self) -> None:
        ids = [self.users[p.username].pk for p in self.doc.people]
        existing = {
            (m.person_id, m.team_id): m for m in Membership.objects.filter(person_id__in=ids)
        }
        wanted = {}
        for person in self.doc.people:
            for membership in person.memberships:
                values = {
                    "person_id": self.users[person.username].pk,
                    "team_id": self.teams[membership.team].pk,
                    "role": membership.role,
                }
                wanted[(values["person_id"], values["team_id"])] = values
        _upsert(Membership, existing, wanted, self.tallies["memberships"])

    def _cohorts(self) -> None:
        slugs = [c.slug for c in self.doc.cohorts]
        existing = {c.slug: c for c in Cohort.objects.filter(slug__in=slugs)}
        wanted = {
            c.slug: {
                "slug": c.slug,
                "name": c.name,
                "team_id": self.teams[c.team].pk if c.team else None,
                "description": c.description,
            }
            for c in self.doc.cohorts
        }
        cohorts = _upsert(Cohort, existing, wanted, self.tallies["cohorts"])
        pairs = {
            (cohorts[c.slug].pk, self.users[name].pk)
            for c in self.doc.cohorts
            for name in c.members
        }
        _add_links(Cohort, "members", pairs, self.tallies["cohort members"])

    # goals -------------------------------------------------------------------------------

    def _periods(self) -> None:
        self.periods = {p.slug: p for p in Period.objects.filter(slug__in=_period_refs(self.doc))}
        wanted = {p.slug: p.model_dump() for p in self.doc.periods}
        self.periods.update(_upsert(Period, self.periods, wanted, self.tallies["periods"]))

    def _heartbeats(self) -> None:
        team_ids = {t.pk for t in self.teams.values()}
        found = Heartbeat.objects.filter(team_id__in=team_ids).order_by("id")
        self.heartbeats = _first_by(found, lambda h: (h.team_id, h.name))
        wanted = {}
        for beat in self.doc.heartbeats:
            values = {
                "team_id": self.teams[beat.team].pk,
                "period_id": self.periods[beat.period].pk,
                "name": beat.name,
                "start": beat.start,
                "end": beat.end,
            }
            wanted[(values["team_id"], beat.name)] = values
        self.heartbeats.update(
            _upsert(Heartbeat, self.heartbeats, wanted, self.tallies["heartbeats"])
        )

    def _objectives(self) -> None:
        """The file's objectives, and the database's ones that the file's references name."""
        slug_of_team = {t.pk: slug for slug, t in self.teams.items()}
        slug_of_period = {p.pk: slug for slug, p in self.periods.items()}
        found = Objective.objects.filter(
            team_id__in=slug_of_team, period_id__in=slug_of_period
        ).exclude(code="")
        self.objectives = {
            (slug_of_team[o.team_id], slug_of_period[o.period_id], o.code): o for o in found
        }
        wanted = {_objective_key(o): self._objective_fields(o) for o in self.doc.objectives}
        history: list[tuple[Objective, dict[str, list[Any]] | None]] = []
        self.objectives.update(
            _upsert(Objective, self.objectives, wanted, self.tallies["objectives"], history=history)
        )
        self._record(history, lambda o: (o.pk, None))

    def _objective_fields(self, objective: ObjectiveIn) -> dict[str, Any]:
        fields = objective.model_dump(
            exclude={"team", "period", "owner", "contributes_to", "key_results"}
        )
        fields["team_id"] = self.teams[objective.team].pk
        fields["period_id"] = self.periods[objective.period].pk
        fields["owner_id"] = self._user_id(objective.owner)
        return fields

    def _user_id(self, username: str | None) -> int | None:
        return self.users[username].pk if username else None

    def _alignments(self) -> None:
        children = [self.objectives[_objective_key(o)].pk for o in self.doc.objectives]
        found = Alignment.objects.filter(child_id__in=children)
        existing = {(a.child_id, a.parent_id): a for a in found}
        wanted = {}
        for objective in self.doc.objectives:
            child = self.objectives[_objective_key(objective)].pk
            for link in objective.contributes_to:
                key = (link.team, link.period or objective.period, link.code)
                parent = self.objectives[key].pk
                wanted[(child, parent)] = {
                    "child_id": child,
                    "parent_id": parent,
                    "weight": link.weight,
                }
        _upsert(Alignment, existing, wanted, self.tallies["alignments"])

    def _key_results(self) -> None:
        key_of = {o.pk: key for key, o in self.objectives.items()}
        found = KeyResult.objects.filter(objective_id__in=key_of).exclude(code="").order_by("id")
        self.key_results = _first_by(found, lambda k: (*key_of[k.objective_id], k.code))
        wanted = {
            (*_objective_key(o), kr.code): self._key_result_fields(o, kr)
            for o in self.doc.objectives
            for kr in o.key_results
        }
        history: list[tuple[KeyResult, dict[str, list[Any]] | None]] = []
        self.key_results.update(
            _upsert(
                KeyResult, self.key_results, wanted, self.tallies["key results"], history=history
            )
        )
        self._record(history, lambda k: (k.objective_id, k.pk))

    def _record(
        self,
        history: Sequence[tuple[Any, dict[str, list[Any]] | None]],
        target: Callable[[Any], tuple[int, int | None]],
    ) -> None:
        """Each objective and key result the file creates or changes gets its history entry,
        as an edit on the page would (no actor: the file's author is not known)."""
        usernames = {user.pk: name for name, user in self.users.items()}

        def shown(name: str, value: Any) -> Any:
            if name == "owner_id":
                return usernames.get(value, value)
            return value.isoformat() if isinstance(value, dt.date) else value

        entries = []
        for row, diff in history:
            objective_id, key_result_id = target(row)
            if diff is None:
                action, shown_diff = ChangeAction.CREATED, {"title": [None, row.title]}
                if isinstance(row, Objective):  # the state it was created in (published…)
                    shown_diff["state"] = [None, row.state]
            else:
                action = ChangeAction.UPDATED
                shown_diff = {
                    name.removesuffix("_id"): [shown(name, old), shown(name, new)]
                    for name, (old, new) in diff.items()
                }
            entries.append(
                Change(
                    objective_id=objective_id,
                    key_result_id=key_result_id,
                    action=action,
                    diff=shown_diff,
                )
            )
        Change.objects.bulk_create(entries, batch_size=BATCH_SIZE)

    def _key_result_fields(self, objective: ObjectiveIn, kr: KeyResultIn) -> dict[str, Any]:
        fields = kr.model_dump(exclude={"owner", "measure", "checkins"})
        fields["objective_id"] = self.objectives[_objective_key(objective)].pk
        fields["owner_id"] = self._user_id(kr.owner)
        fields["measure_kind"] = kr.measure.kind
        parsed = parse_measure(kr.measure.kind, kr.measure.params)
        fields["measure_params"] = params_as_json(parsed) if parsed else {}
        return fields

    def _checkins(self) -> None:
        """Check-ins by identity (key result, at, value, source); none is ever deleted."""
        ids = [self.key_results[k].pk for k in _file_key_result_keys(self.doc)]
        found = CheckIn.objects.filter(key_result_id__in=ids).order_by("id")
        existing = _first_by(found, lambda c: (c.key_result_id, c.at, c.value, c.source))
        wanted = {}
        for objective in self.doc.objectives:
            for kr in objective.key_results:
                kr_id = self.key_results[(*_objective_key(objective), kr.code)].pk
                for checkin in kr.checkins:
                    values = self._checkin_fields(kr_id, checkin)
                    wanted[(kr_id, checkin.at, checkin.value, checkin.source)] = values
        _upsert(CheckIn, existing, wanted, self.tallies["check-ins"])

    def _checkin_fields(self, kr_id: int, checkin: CheckInIn) -> dict[str, Any]:
        fields = checkin.model_dump(exclude={"author"})
        fields["key_result_id"] = kr_id
        fields["author_id"] = self._user_id(checkin.author)
        return fields

    # heartbeats --------------------------------------------------------------------------

    def _packets(self) -> None:
        team_ids = {self.teams[p.team].pk for p in self.doc.packets}
        found = WorkPacket.objects.filter(team_id__in=team_ids).order_by("id")
        existing = _first_by(found, lambda p: (p.team_id, p.title))
        wanted = {
            (self.teams[p.team].pk, p.title): self._packet_fields(p) for p in self.doc.packets
        }
        packets = _upsert(WorkPacket, existing, wanted, self.tallies["packets"])
        links: set[tuple[int, int]] = set()
        roles: set[tuple[int, int, str]] = set()
        for packet in self.doc.packets:
            pk = packets[(self.teams[packet.team].pk, packet.title)].pk
            links.update((pk, self.key_results[key_result_key(r)].pk) for r in packet.key_results)
            for letter, names in packet.roles.model_dump().items():
                roles.update((pk, self.users[name].pk, letter) for name in names)
        _add_links(WorkPacket, "key_results", links, self.tallies["packet key results"])
        self._packet_roles(roles)

    def _packet_fields(self, packet: PacketIn) -> dict[str, Any]:
        fields = packet.model_dump(exclude={"team", "heartbeat", "key_results", "roles"})
        fields["team_id"] = self.teams[packet.team].pk
        fields["heartbeat_id"] = None
        if packet.heartbeat is not None:
            team = self.teams[packet.heartbeat.team or packet.team]
            fields["heartbeat_id"] = self.heartbeats[(team.pk, packet.heartbeat.name)].pk
        return fields

    def _packet_roles(self, roles: set[tuple[int, int, str]]) -> None:
        """Add the missing RASCI roles; roles not in the file stay."""
        packet_ids = {packet for packet, _, _ in roles}
        existing = set(
            PacketRole.objects.filter(packet_id__in=packet_ids).values_list(
                "packet_id", "person_id", "role"
            )
        )
        new = sorted(roles - existing)
        PacketRole.objects.bulk_create(
            [PacketRole(packet_id=p, person_id=u, role=r) for p, u, r in new],
            batch_size=BATCH_SIZE,
        )
        tally = self.tallies["packet roles"]
        tally.created += len(new)
        tally.unchanged += len(roles) - len(new)


def _objective_key(objective: ObjectiveIn) -> ObjectiveKey:
    return (objective.team, objective.period, objective.code)


def _file_key_result_keys(doc: OkrsFile) -> list[KeyResultKey]:
    return [(*_objective_key(o), kr.code) for o in doc.objectives for kr in o.key_results]


def _user_fields(person: PersonIn) -> dict[str, Any]:
    """The user's own fields; `email` only when the file gives one (else it is left alone)."""
    fields: dict[str, Any] = {get_user_model().USERNAME_FIELD: person.username}
    if person.email is not None:
        fields["email"] = person.email
    return fields


def _no_password(user: AbstractBaseUser) -> None:
    user.set_unusable_password()


def _team_refs(doc: OkrsFile) -> set[str]:
    """Every team slug the file names, as an item or in a reference."""
    refs = {t.slug for t in doc.teams} | {t.parent for t in doc.teams if t.parent}
    refs.update(m.team for p in doc.people for m in p.memberships)
    refs.update(c.team for c in doc.cohorts if c.team)
    refs.update(h.team for h in doc.heartbeats)
    for objective in doc.objectives:
        refs.add(objective.team)
        refs.update(link.team for link in objective.contributes_to)
    for packet in doc.packets:
        refs.add(packet.team)
        if packet.heartbeat and packet.heartbeat.team:
            refs.add(packet.heartbeat.team)
        refs.update(key_result_key(ref)[0] for ref in packet.key_results)
    return refs


def _username_refs(doc: OkrsFile) -> set[str]:
    """Every username the file names, as a person or in a reference."""
    refs = {p.username for p in doc.people}
    refs.update(name for c in doc.cohorts for name in c.members)
    for objective in doc.objectives:
        refs.add(objective.owner or "")
        for kr in objective.key_results:
            refs.add(kr.owner or "")
            refs.update(c.author or "" for c in kr.checkins)
    for packet in doc.packets:
        refs.update(name for names in packet.roles.model_dump().values() for name in names)
    return refs - {""}


def _period_refs(doc: OkrsFile) -> set[str]:
    """Every period slug the file names, as a period or in a reference."""
    refs = {p.slug for p in doc.periods} | {h.period for h in doc.heartbeats}
    for objective in doc.objectives:
        refs.add(objective.period)
        refs.update(link.period or objective.period for link in objective.contributes_to)
    refs.update(key_result_key(ref)[1] for p in doc.packets for ref in p.key_results)
    return refs
