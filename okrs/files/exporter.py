"""Export a period as an OKRs file (YAML or JSON) that `okrs import` reads back unchanged.

What is exported for a period: its objectives (only those an anonymous reader may see, unless
`everything`), the objectives they contribute to (up the alignment tree, whatever their period),
their key results and check-ins, the alignment links between exported objectives, the period's
heartbeats and packets, and the teams (with their ancestors), people, cohorts and periods these
name. Values equal to the format's defaults are left out. Ordering is fixed, so the same data
always gives the same bytes. Emails are exported only with `everything`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from pydantic import BaseModel

from okrs.files import schema
from okrs.goals.access import visible_objectives
from okrs.goals.models import Alignment, CheckIn, KeyResult, Objective, Period
from okrs.heartbeats.models import Heartbeat, WorkPacket
from okrs.org.models import Cohort, Membership, Team, Visibility

FORMATS = ("yaml", "json")
ROLE_LETTERS = ("R", "A", "S", "C", "I")


class ExportError(Exception):
    """The period cannot be exported as asked (unknown period, items without a code)."""


def export_period(period_slug: str, *, everything: bool = False) -> dict[str, Any]:
    """The file content for `period_slug` as plain data (see the module docstring)."""
    period = Period.objects.filter(slug=period_slug).first()
    if period is None:
        raise ExportError(f"unknown period {period_slug!r}")
    return _Export(period, everything).build()


def render(data: dict[str, Any], fmt: str, *, header: str = "") -> str:
    """`data` as YAML (with `header` as a comment) or JSON text, ending with a newline."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, default=_json_value) + "\n"
    if fmt != "yaml":
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
    )
    return comment + body


def _json_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {value!r} as JSON")


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists, ISO 8601 date-times, `|` for text on several lines."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(dt.datetime, _represent_datetime)
_Dumper.add_representer(str, _represent_str)


def _trim(model: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """`values` without the entries that are empty or equal to the format's default."""
    kept = {}
    for name, value in values.items():
        info = model.model_fields[name]
        if not info.is_required():
            default = info.get_default(call_default_factory=True)
            if isinstance(default, BaseModel):
                default = default.model_dump()
            if value == default or value in (None, "", [], {}):
                continue
        kept[name] = value
    return kept


class _Export:
    """Collects what a period's file holds, in a fixed number of queries."""

    def __init__(self, period: Period, everything: bool) -> None:
        self.period = period
        self.everything = everything
        readable = Objective.objects.all() if everything else visible_objectives(AnonymousUser())
        self.readable: QuerySet[Objective] = readable
        self.all_teams = {t.pk: t for t in Team.objects.all()}

    def build(self) -> dict[str, Any]:
        objectives = self._objectives()
        key_results = self._key_results(objectives)
        packets = self._packets(objectives, key_results)
        heartbeats = self._heartbeats(packets)
        teams = self._team_ids(objectives, packets, heartbeats)
        if not self.everything:
            # a private team (an ancestor, say) is not in a public file, not even its name: a
            # public team under it hangs from its nearest public ancestor instead
            teams = {pk for pk in teams if self.all_teams[pk].visibility == Visibility.PUBLIC}
        self.parents = _nearest_parents(self.all_teams, teams)
        shown = teams
        cohorts = self._cohorts(shown, key_results)
        memberships = list(
            Membership.objects.filter(team_id__in=shown).select_related("person", "team")
        )
        people = self._people(objectives, key_results, packets, cohorts, memberships)
        periods = {self.period, *(o.period for o in objectives), *(h.period for h in heartbeats)}
        order = _tree_order(self.all_teams, self.parents)
        return {
            "version": schema.FORMAT_VERSION,
            "teams": [self._team(self.all_teams[pk]) for pk in order],
            "people": [_person(u, memberships, self.everything) for u in people],
            "cohorts": [_cohort(c) for c in sorted(cohorts, key=lambda c: c.slug)],
            "periods": [_period(p) for p in sorted(periods, key=lambda p: (p.start, p.slug))],
            "heartbeats": [_heartbeat(h) for h in heartbeats],
            "objectives": self._objective_items(objectives, key_results, order),
            "packets": self._packet_items(packets, key_results, order),
        }

    # what is exported ---------------------------------------------------------------------

    def _objectives(self) -> list[Objective]:
        """The period's readable objectives and, up the alignment tree, those they serve."""
        ids = set(self.readable.filter(period=self.period).values_list("id", flat=True))
        frontier = set(ids)
        while frontier:
            parents = Alignment.objects.filter(
                child_id__in=frontier, parent_id__in=self.readable.values("id")
            ).values_list("parent_id", flat=True)
            frontier = set(parents) - ids
            ids |= frontier
        objectives = list(
            Objective.objects.filter(id__in=ids).select_related("team", "period", "owner")
        )
        _require_codes("objective", [o for o in objectives if not o.code])
        return objectives

    def _key_results(self, objectives: list[Objective]) -> list[KeyResult]:
        found = KeyResult.objects.filter(objective__in=objectives).select_related(
            "owner", "objective__team", "objective__period"
        )
        key_results = list(found.prefetch_related("checkins__author"))
        _require_codes("key result", [k for k in key_results if not k.code])
        return key_results

    def _packets(
        self, objectives: list[Objective], key_results: list[KeyResult]
    ) -> list[WorkPacket]:
        """The period's packets: in its heartbeats or moving its objectives' key results."""
        in_period = [k.pk for k in key_results if k.objective.period_id == self.period.pk]
        found = WorkPacket.objects.filter(
            Q(heartbeat__period=self.period) | Q(key_results__in=in_period)
        )
        if not self.everything:
            found = found.filter(team__visibility=Visibility.PUBLIC)
        found = found.distinct().select_related("team", "heartbeat__team")
        return list(found.prefetch_related("roles__person", "key_results"))

    def _heartbeats(self, packets: list[WorkPacket]) -> list[Heartbeat]:
        used = {p.heartbeat_id for p in packets if p.heartbeat_id}
        in_period = Q(period=self.period)
        if not self.everything:
            in_period &= Q(team__visibility=Visibility.PUBLIC)
        found = Heartbeat.objects.filter(in_period | Q(id__in=used)).select_related(
            "team", "period"
        )
        return sorted(found, key=lambda h: (h.team.slug, h.start, h.name))

    def _team_ids(
        self, objectives: list[Objective], packets: list[WorkPacket], heartbeats: list[Heartbeat]
    ) -> set[int]:
        """The teams named, with all their ancestors (a team's parent must be in the file)."""
        ids: set[int] = set()
        for pk in (
            {o.team_id for o in objectives}
            | {p.team_id for p in packets}
            | {h.team_id for h in heartbeats}
        ):
            node: int | None = pk
            while node is not None and node not in ids:
                ids.add(node)
                node = self.all_teams[node].parent_id
        return ids

    def _cohorts(self, shown: set[int], key_results: list[KeyResult]) -> list[Cohort]:
        """Cohorts of the shown teams and those the key results' measures name."""
        named = {
            str(k.measure_params["cohort"]) for k in key_results if "cohort" in k.measure_params
        }
        found = Cohort.objects.filter(Q(team_id__in=shown) | Q(slug__in=named))
        return list(found.select_related("team").prefetch_related("members"))

    def _people(
        self,
        objectives: list[Objective],
        key_results: list[KeyResult],
        packets: list[WorkPacket],
        cohorts: list[Cohort],
        memberships: list[Membership],
    ) -> list[AbstractBaseUser]:
        ids = {o.owner_id for o in objectives} | {k.owner_id for k in key_results}
        ids.update(c.author_id for k in key_results for c in k.checkins.all())
        ids.update(r.person_id for p in packets for r in p.roles.all())
        ids.update(m.pk for c in cohorts for m in c.members.all())
        ids.update(m.person_id for m in memberships)
        users = get_user_model()._default_manager.filter(pk__in=ids - {None})
        return sorted(users.select_related("profile"), key=lambda u: u.get_username())

    # items ---------------------------------------------------------------------------------

    def _team(self, team: Team) -> dict[str, Any]:
        parent_id = self.parents[team.pk]
        parent = self.all_teams[parent_id].slug if parent_id is not None else None
        values = {"slug": team.slug, "name": team.name, "parent": parent}
        for name in ("description", "visibility", "tracker_url", "discussion_url"):
            values[name] = getattr(team, name)
        values["follows_parent_heartbeats"] = team.follows_parent_heartbeats
        values["order"] = team.order
        return _trim(schema.TeamIn, values)

    def _objective_items(
        self, objectives: list[Objective], key_results: list[KeyResult], order: list[int]
    ) -> list[dict[str, Any]]:
        position = {pk: i for i, pk in enumerate(order)}
        by_objective: dict[int, list[KeyResult]] = {}
        for kr in key_results:
            by_objective.setdefault(kr.objective_id, []).append(kr)
        ids = {o.pk for o in objectives}
        links = Alignment.objects.filter(child_id__in=ids, parent_id__in=ids)
        parents: dict[int, list[Alignment]] = {}
        for link in links.select_related("parent__team", "parent__period"):
            parents.setdefault(link.child_id, []).append(link)
        objectives = sorted(
            objectives,
            key=lambda o: (o.period.start, o.period.slug, position[o.team_id], o.order, o.code),
        )
        return [
            _objective(o, by_objective.get(o.pk, []), parents.get(o.pk, [])) for o in objectives
        ]

    def _packet_items(
        self, packets: list[WorkPacket], key_results: list[KeyResult], order: list[int]
    ) -> list[dict[str, Any]]:
        position = {pk: i for i, pk in enumerate(order)}
        exported = {k.pk: k for k in key_results}
        packets = sorted(
            packets,
            key=lambda p: (
                position[p.team_id],
                p.heartbeat.start if p.heartbeat else dt.date.min,
                p.order,
                p.title,
            ),
        )
        return [_packet(p, exported) for p in packets]


def _require_codes(what: str, items: list[Any]) -> None:
    """Files name objectives and key results by code: refuse to export items without one."""
    if items:
        names = "; ".join(f"#{item.pk} {item.title!r}" for item in items[:10])
        raise ExportError(f"{len(items)} {what}(s) without a code, give each one first: {names}")


def _nearest_parents(teams: dict[int, Team], ids: set[int]) -> dict[int, int | None]:
    """Each team of `ids` with its nearest ancestor that is also in `ids` (None: a root)."""
    parents: dict[int, int | None] = {}
    for pk in ids:
        node = teams[pk].parent_id
        seen: set[int] = set()
        while node is not None and node not in ids and node not in seen:
            seen.add(node)
            node = teams[node].parent_id
        parents[pk] = node if node in ids else None
    return parents


def _tree_order(teams: dict[int, Team], parents: dict[int, int | None]) -> list[int]:
    """The teams of `parents`, parents first, siblings by (order, slug): a depth-first walk."""
    children: dict[int | None, list[Team]] = {}
    for pk, parent in parents.items():
        children.setdefault(parent, []).append(teams[pk])
    ordered: list[int] = []

    def walk(parent: int | None) -> None:
        for team in sorted(children.get(parent, []), key=lambda t: (t.order, t.slug)):
            ordered.append(team.pk)
            walk(team.pk)

    walk(None)
    return ordered


def _username(user: AbstractBaseUser | None) -> str | None:
    return user.get_username() if user is not None else None


def _person(
    user: AbstractBaseUser, memberships: Iterable[Membership], with_email: bool
) -> dict[str, Any]:
    profile = getattr(user, "profile", None)
    own = sorted(
        ({"team": m.team.slug, "role": m.role} for m in memberships if m.person_id == user.pk),
        key=lambda m: m["team"],
    )
    values = {
        "username": user.get_username(),
        "name": profile.display_name if profile else "",
        "email": getattr(user, "email", "") if with_email else None,
        "github": profile.github_login if profile else "",
        "discourse": profile.discourse_username if profile else "",
        "memberships": [_trim(schema.MembershipIn, m) for m in own],
    }
    return _trim(schema.PersonIn, values)


def _cohort(cohort: Cohort) -> dict[str, Any]:
    values = {
        "slug": cohort.slug,
        "name": cohort.name,
        "team": cohort.team.slug if cohort.team else None,
        "description": cohort.description,
        "members": sorted(m.get_username() for m in cohort.members.all()),
    }
    return _trim(schema.CohortIn, values)


def _period(period: Period) -> dict[str, Any]:
    values = {"slug": period.slug, "name": period.name, "start": period.start, "end": period.end}
    return _trim(schema.PeriodIn, values)


def _heartbeat(beat: Heartbeat) -> dict[str, Any]:
    return {
        "team": beat.team.slug,
        "period": beat.period.slug,
        "name": beat.name,
        "start": beat.start,
        "end": beat.end,
    }


def _objective(
    objective: Objective, key_results: list[KeyResult], links: list[Alignment]
) -> dict[str, Any]:
    contributions = sorted(
        (_contribution(objective, link) for link in links),
        key=lambda c: (c["team"], c.get("period", ""), c["code"]),
    )
    values = {
        "team": objective.team.slug,
        "period": objective.period.slug,
        "code": objective.code,
        "title": objective.title,
        "description": objective.description,
        "owner": _username(objective.owner),
        "commitment": objective.commitment,
        "weight": objective.weight,
        "order": objective.order,
        "state": objective.state,
        "visibility": objective.visibility,
        "illustrative": objective.illustrative,
        "contributes_to": contributions,
        "key_results": [
            _key_result(k) for k in sorted(key_results, key=lambda k: (k.order, k.code))
        ],
    }
    return _trim(schema.ObjectiveIn, values)


def _contribution(objective: Objective, link: Alignment) -> dict[str, Any]:
    parent = link.parent
    period = parent.period.slug if parent.period_id != objective.period_id else None
    values = {
        "team": parent.team.slug,
        "period": period,
        "code": parent.code,
        "weight": link.weight,
    }
    return _trim(schema.ContributionIn, values)


def _key_result(kr: KeyResult) -> dict[str, Any]:
    measure = {"kind": kr.measure_kind, **_sorted_json(kr.measure_params or {})}
    checkins = sorted(kr.checkins.all(), key=lambda c: (c.at, c.value, c.source, c.note, c.pk))
    values = {
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
        "owner": _username(kr.owner),
        "order": kr.order,
        "cadence": kr.cadence,
        "measure": measure,
        "checkins": [_checkin(c) for c in checkins],
    }
    return _trim(schema.KeyResultIn, values)


def _sorted_json(value: Any) -> Any:
    """JSON with object keys sorted (PostgreSQL's jsonb does not keep the order written)."""
    if isinstance(value, dict):
        return {k: _sorted_json(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_json(v) for v in value]
    return value


def _checkin(checkin: CheckIn) -> dict[str, Any]:
    values = {
        "at": timezone.localtime(checkin.at),
        "value": checkin.value,
        "confidence": checkin.confidence,
        "note": checkin.note,
        "author": _username(checkin.author),
        "source": checkin.source,
    }
    return _trim(schema.CheckInIn, values)


def _packet(packet: WorkPacket, exported: dict[int, KeyResult]) -> dict[str, Any]:
    refs = sorted(
        _key_result_ref(exported[k.pk]) for k in packet.key_results.all() if k.pk in exported
    )
    roles: dict[str, list[str]] = {letter: [] for letter in ROLE_LETTERS}
    for role in packet.roles.all():
        roles[role.role].append(role.person.get_username())
    values = {
        "team": packet.team.slug,
        "heartbeat": _heartbeat_ref(packet),
        "title": packet.title,
        "description": packet.description,
        "status": packet.status,
        "priority": packet.priority,
        "key_results": refs,
        "roles": {letter: sorted(names) for letter, names in roles.items() if names},
        "due": packet.due,
        "external_url": packet.external_url,
        "order": packet.order,
    }
    return _trim(schema.PacketIn, values)


def _heartbeat_ref(packet: WorkPacket) -> str | dict[str, str] | None:
    beat = packet.heartbeat
    if beat is None:
        return None
    if beat.team_id == packet.team_id:
        return beat.name
    return {"team": beat.team.slug, "name": beat.name}


def _key_result_ref(kr: KeyResult) -> str:
    objective = kr.objective
    return f"{objective.period.slug}/{objective.team.slug}/{objective.code}/{kr.code}"
