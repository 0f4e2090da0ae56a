"""The cast of the hardening tests: six roles against a public team, a private team and a private
objective inside the public team. Built with the shared factories, once per test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User

from okrs.api.services import token_create
from okrs.heartbeats.models import ChecklistItem
from okrs.hooks.models import Subscription
from okrs.measures.models import Survey
from okrs.talk.models import Comment, Offer
from tests import factories as f

ROLES = ("admin", "lead", "member", "viewer", "outsider", "anon")
SCOPES = ("pub", "privteam", "privobj")


@dataclass
class Scope:
    """The objects one row of the matrix is tried against."""

    team: Any
    objective: Any
    kr: Any
    alignment: Any
    comment: Any
    offer: Any
    heartbeat: Any = None
    packet: Any = None
    item: Any = None
    survey: Any = None
    webhook: Any = None


@dataclass
class World:
    people: dict[str, User | None]
    scopes: dict[str, Scope]
    period: Any
    token_pk: int = 0
    secret_words: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def _team_objects(team: Any, period: Any, author: User, tag: str, *, private_obj: bool) -> Scope:
    parent = f.objective(
        team=team,
        period=period,
        title="Sunny parent goal" if private_obj else f"{tag} parent goal",
        code="OP" + tag[:3],
    )
    objective = f.objective(
        team=team,
        period=period,
        title=f"{tag} objective",
        code="O9" if private_obj else "O1",
        visibility="private" if private_obj else "team",
    )
    kr = f.key_result(objective=objective, title=f"{tag} key result", code="KR1", owner=author)
    f.checkin(kr, 10.0, "2017-01-15T10:00:00")
    alignment = f.align(objective, parent)
    comment = Comment.objects.create(
        objective=objective, team=team, author=author, body=f"{tag} comment"
    )
    offer = Offer.objects.create(objective=objective, team=team, person=author, note=f"{tag} offer")
    return Scope(team, objective, kr, alignment, comment, offer)


def build_world() -> World:
    admin = f.person("admin", is_superuser=True, is_staff=True, email="admin@example.org")
    lead = f.person("lead", email="lead@example.org")
    member = f.person("member", email="member@example.org")
    viewer = f.person("viewer", email="viewer@example.org")
    outsider = f.person("outsider", email="outsider@example.org")
    period = f.period()
    pub = f.team("pub", name="Public team")
    priv = f.team("priv", name="Private team", visibility="private")
    other = f.team("other", name="Other team")
    for team in (pub, priv):
        f.membership(lead, team, "lead")
        f.membership(member, team, "member")
        f.membership(viewer, team, "viewer")
    f.membership(outsider, other, "lead")
    f.objective(team=other, period=period, title="Other team objective", code="O1")

    scopes: dict[str, Scope] = {}
    scopes["pub"] = _team_objects(pub, period, member, "Sunny", private_obj=False)
    scopes["privteam"] = _team_objects(priv, period, member, "Hushteam", private_obj=False)
    scopes["privobj"] = _team_objects(pub, period, member, "Hushobj", private_obj=True)
    f.key_result(objective=scopes["privobj"].objective, title="Hushobj second KR", code="KR2")
    for name, team in (("pub", pub), ("privteam", priv)):
        scope = scopes[name]
        scope.heartbeat = f.heartbeat(
            team=team,
            period=period,
            name=f"HB-{name}",
            start=dt.date(2017, 1, 2),
            end=dt.date(2017, 1, 20),
        )
        scope.packet = f.packet(
            team=team, heartbeat=scope.heartbeat, title=f"{name} packet", responsible=[member]
        )
        scope.item = ChecklistItem.objects.create(packet=scope.packet, text="a task")
        scope.survey = Survey.objects.create(
            team=team, slug=f"survey-{name}", title=f"{name} survey", hosted=True
        )
        scope.webhook = Subscription.objects.create(
            team=team, url="http://127.0.0.1:9/hook", secret="s", events=["checkin.recorded"]
        )
    token, _ = token_create(person=lead, name="lead token")
    return World(
        people={
            "admin": admin,
            "lead": lead,
            "member": member,
            "viewer": viewer,
            "outsider": outsider,
            "anon": None,
        },
        scopes=scopes,
        period=period,
        token_pk=token.pk,
        secret_words=("Hushteam", "Hushobj"),
    )
