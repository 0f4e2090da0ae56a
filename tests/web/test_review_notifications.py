"""Review that reaches the reviewer: proposing an objective notifies every lead of the parent
team (inbox, email per their settings) and lists it under "waiting for your review" on their
home; approving notifies the proposer's objective owner as before."""

from __future__ import annotations

import pytest
from django.core import mail

from okrs.goals.models import ObjectiveState
from okrs.talk.models import Notification, NotificationKind, NotificationSettings
from tests import factories as f
from tests.web.helpers import html
from tests.worker.queue import run_queued

pytestmark = pytest.mark.django_db


def test_proposing_notifies_every_parent_lead_in_inbox_email_and_home(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    world.parent_lead.email = "first@example.org"
    world.parent_lead.save()
    second = f.person("second_parent_lead", email="second@example.org")
    f.membership(second, world.parent, "lead")
    NotificationSettings.objects.create(person=second, email_reviews=False)
    parent_member = f.person("parent_member", email="pm@example.org")
    f.membership(parent_member, world.parent, "member")
    draft = f.objective(
        team=world.team,
        period=world.period,
        code="O2",
        title="Grow mentors",
        state="draft",
        owner=world.lead,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("lead").post(
            f"/objectives/{draft.pk}/state/", {"action": "propose"}
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ObjectiveState.IN_REVIEW
    reviews = Notification.objects.filter(kind=NotificationKind.REVIEW)
    assert sorted(n.recipient.username for n in reviews) == ["parent_lead", "second_parent_lead"]
    assert all(n.url == f"/objectives/{draft.pk}/" for n in reviews)
    run_queued()  # emails are the worker's tasks
    assert [m.to for m in mail.outbox if "waits for your review" in m.subject] == [
        ["first@example.org"]
    ]  # the second lead turned review emails off
    inbox = html(world.client("parent_lead").get("/inbox/"))
    assert "O2 Grow mentors (Mozilla Reps) waits for your review" in inbox
    client = world.client(None)
    client.force_login(second)
    home = html(client.get("/me/"))
    section = home[home.index("Waiting for your review") : home.index("Your key results")]
    assert f"/objectives/{draft.pk}/" in section
    # the member of the parent team is not a reviewer
    assert not Notification.objects.filter(recipient=parent_member, kind="review").exists()

    with django_capture_on_commit_callbacks(execute=True):
        world.client("parent_lead").post(
            f"/objectives/{draft.pk}/review/", {"verdict": "approve", "body": "Good"}
        )
    draft.refresh_from_db()
    assert draft.state == ObjectiveState.PUBLISHED
    assert Notification.objects.filter(recipient=world.lead, summary__contains="approved").exists()
    home = html(world.client("parent_lead").get("/me/"))
    assert "Nothing waits for your review." in home


def test_review_emails_can_be_turned_off_in_settings(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("parent_lead")
    page = html(client.get("/inbox/settings/"))
    assert "Objectives proposed for my review" in page
    client.post("/inbox/settings/", {"email_mentions": "on"})
    assert NotificationSettings.objects.get(person=world.parent_lead).email_reviews is False
