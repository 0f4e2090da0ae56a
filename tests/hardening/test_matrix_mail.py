"""The title matrix for what okrs sends rather than serves: every email (notifications of
mentions, comments and status changes, reminders, weekly digests, invitations) and the
heartbeat plan of the published post show only what their reader may read.

The world of the matrix (tests/hardening/world.py) with the drafts of test_matrix_titles; the
outsider owns a key result of the private objective (it was theirs before the objective became
private) and follows the private objective and the public team's packet, whose key results
include the private and draft ones. Everything that could reach the outsider is triggered;
each email is then read for the words of what its recipient may not read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from okrs.accounts.services import invite
from okrs.documents.publish import build_post, render
from okrs.goals.services import checkin_create
from okrs.heartbeats.models import PacketStatus
from okrs.heartbeats.services import packet_set_status
from okrs.reminders.services import remind_owners, send_digests
from okrs.talk import services as talk
from okrs.talk.models import Follow
from tests.hardening.test_matrix_titles import HIDDEN, _drafts
from tests.hardening.world import build_world

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2017, 2, 20, 9, tzinfo=dt.UTC)
# an invited address belongs to no one yet: it may read what anyone may
INVITED = "new@example.org"


@pytest.fixture
def sent(settings: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Emails are sent at once (the worker's task, run here) and kept in `mail.outbox`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.OKRS_TALK_COMMENT_PER_WINDOW = 10**6
    monkeypatch.setattr(talk, "_enqueue_emails", talk.send_emails)
    with django_capture_on_commit_callbacks(execute=True):
        yield mail.outbox


def test_no_email_carries_a_title_its_recipient_may_not_read(sent) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    _drafts(world)
    people = world.people
    outsider, member, lead = people["outsider"], people["member"], people["lead"]
    private, public = world.scopes["privobj"], world.scopes["pub"]
    private.kr.owner = outsider
    private.kr.save(update_fields=["owner"])
    Follow.objects.create(person=outsider, objective=private.objective)
    Follow.objects.create(person=outsider, packet=public.packet)
    Follow.objects.create(person=outsider, key_result=world.scopes["privteam"].kr)

    # mentions and comments: on the private objective, its KR and the public packet
    for target in (private.objective, private.kr, public.packet, world.scopes["privteam"].kr):
        talk.comment_post(target=target, author=member, body="@outsider @viewer see this")
    # status changes: check-ins that move the private and the other private KR
    for kr in (private.kr, world.scopes["privteam"].kr):
        checkin_create(key_result=kr, value=100, author=lead, at=NOW - dt.timedelta(days=1))
    packet_set_status(packet=public.packet, status=PacketStatus.DONE, actor=lead, note="done")
    # reminders (the outsider owns a private KR) and the weekly digests of every lead
    remind_owners(now=NOW + dt.timedelta(days=30))
    send_digests(now=NOW)
    # an invitation to the private team
    invite(lead, world.scopes["privteam"].team, INVITED, "member")

    by_address = {p.email: role for role, p in people.items() if p is not None}
    by_address[INVITED] = "anon"
    assert sent, "nothing was sent"
    kinds = set()
    for message in sent:
        [address] = message.to
        role = by_address[address]
        text = f"{message.subject}\n{message.body}"
        kinds.add(message.subject.split(":")[0][:30])
        for word in HIDDEN[role]:
            assert word not in text, f"{role} was told of {word}: {message.subject!r}"
    assert any(address == outsider.email for m in sent for address in m.to)  # the packet
    assert any("Weekly digest" in m.subject for m in sent), kinds
    assert any("invited" in m.subject.lower() or INVITED in m.to for m in sent), kinds


def test_the_published_heartbeat_plan_shows_only_public_things() -> None:
    """The post (`okrs publish`) lists the heartbeat's packets for anyone: no private or draft
    objective or key result, though the public packet moves them."""
    world = build_world()
    _drafts(world)
    for fmt in ("markdown", "discourse", "html"):
        text = render(build_post(world.period, on=dt.date(2017, 1, 10)), fmt)
        assert "pub packet" in text  # the plan is there
        for word in HIDDEN["anon"]:
            assert word not in text, (fmt, word)
