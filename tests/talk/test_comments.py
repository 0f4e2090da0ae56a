import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from okrs.goals.models import ObjectiveVisibility
from okrs.talk import services
from okrs.talk.models import Comment, CommentRevision, Notification, NotificationSettings
from tests import factories as f
from tests.worker.queue import run_queued


def test_member_comments_and_the_text_is_kept(world):
    comment = services.comment_post(target=world.objective, author=world.member, body=" Hello ")
    assert comment.body == "Hello"
    assert comment.team == world.team and comment.objective == world.objective
    assert comment.target == world.objective and comment.target_kind == "objective"


def test_empty_comment_is_refused_and_says_where(world):
    with pytest.raises(ValidationError) as exc:
        services.comment_post(target=world.kr, author=world.member, body="   ")
    assert "body" in exc.value.message_dict
    assert not Comment.objects.exists()


def test_reply_must_be_on_the_same_target(world):
    first = services.comment_post(target=world.objective, author=world.member, body="a")
    with pytest.raises(ValidationError):
        services.comment_post(target=world.kr, author=world.lead, body="b", parent=first)


def test_author_edits_within_the_window_and_the_old_text_stays(world):
    comment = services.comment_post(target=world.packet, author=world.member, body="first")
    services.comment_edit(comment=comment, editor=world.member, body="second")
    comment.refresh_from_db()
    assert comment.body == "second" and comment.edited_at is not None
    assert list(CommentRevision.objects.values_list("body", flat=True)) == ["first"]


def test_no_edit_after_the_window(world, settings):
    settings.OKRS_TALK_EDIT_MINUTES = 15
    comment = services.comment_post(target=world.packet, author=world.member, body="first")
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=16)
    )
    comment.refresh_from_db()
    with pytest.raises(PermissionDenied, match="15 minutes"):
        services.comment_edit(comment=comment, editor=world.member, body="late")


def test_nobody_else_edits(world):
    comment = services.comment_post(target=world.packet, author=world.member, body="first")
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, editor=world.lead, body="changed")


def test_author_and_lead_delete_others_do_not(world):
    mine = services.comment_post(target=world.objective, author=world.member, body="a")
    theirs = services.comment_post(target=world.objective, author=world.visitor, body="b")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=theirs, actor=world.member)
    services.comment_delete(comment=mine, actor=world.member)
    services.comment_delete(comment=theirs, actor=world.lead)
    rows = Comment.objects.order_by("pk")
    assert [c.deleted_by for c in rows] == [world.member, world.lead]
    assert [c.body for c in rows] == ["a", "b"]  # soft: the text stays for admins


def test_only_a_lead_hides(world):
    comment = services.comment_post(target=world.objective, author=world.visitor, body="spam")
    with pytest.raises(PermissionDenied):
        services.comment_hide(comment=comment, actor=world.member)
    services.comment_hide(comment=comment, actor=world.lead, reason="spam")
    comment.refresh_from_db()
    assert comment.hidden_by == world.lead and comment.body == "spam"


def test_mention_notifies_readers_only(world):
    private = f.objective(
        team=world.team, period=world.period, visibility=ObjectiveVisibility.PRIVATE
    )
    services.comment_post(
        target=world.objective, author=world.member, body="@lead and @visitor look"
    )
    services.comment_post(target=private, author=world.member, body="@lead and @visitor psst")
    inbox = Notification.objects.filter(kind="mention")
    assert sorted(n.recipient.username for n in inbox) == ["lead", "lead", "visitor"]
    assert all(n.url.startswith("/objectives/") for n in inbox)


def test_mentioning_yourself_does_not_notify(world):
    services.comment_post(target=world.objective, author=world.member, body="@member me")
    assert not Notification.objects.exists()


def test_reply_notifies_the_author_replied_to(world):
    first = services.comment_post(target=world.kr, author=world.visitor, body="question?")
    services.comment_post(target=world.kr, author=world.lead, body="answer", parent=first)
    note = Notification.objects.get()
    assert note.recipient == world.visitor and note.kind == "reply"
    assert note.url.endswith(f"#comment-{first.pk + 1}")


def test_followers_hear_of_comments_and_email_respects_settings(
    world, django_capture_on_commit_callbacks
):
    services.follow_toggle(target=world.objective, person=world.viewer)
    services.follow_toggle(target=world.objective, person=world.visitor)
    NotificationSettings.objects.create(person=world.viewer, email_follows=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_post(target=world.kr, author=world.member, body="news")
    kinds = {(n.recipient.username, n.kind) for n in Notification.objects.all()}
    assert kinds == {("viewer", "comment"), ("visitor", "comment")}
    assert mail.outbox == []  # the email is the worker's task, not the request's
    run_queued()
    assert [m.to for m in mail.outbox] == [["viewer@example.org"]]


def test_mention_email_is_sent_by_default_and_can_be_turned_off(
    world, django_capture_on_commit_callbacks
):
    services.notification_settings_update(person=world.visitor, email_mentions=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_post(target=world.objective, author=world.member, body="@lead @visitor")
    run_queued()
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]
    assert Notification.objects.filter(recipient=world.visitor).count() == 1


def test_comments_are_rate_limited_per_person(world, settings):
    settings.OKRS_TALK_COMMENT_PER_WINDOW = 3
    for i in range(3):
        services.comment_post(target=world.objective, author=world.member, body=f"c{i}")
    with pytest.raises(services.RateLimited, match="at most 3"):
        services.comment_post(target=world.objective, author=world.member, body="again")
    services.comment_post(target=world.objective, author=world.lead, body="others still can")
    assert Comment.objects.count() == 4


def test_followers_who_may_no_longer_read_hear_nothing(world):
    private = f.objective(
        team=world.team, period=world.period, visibility=ObjectiveVisibility.PRIVATE
    )
    services.follow_toggle(target=private, person=world.viewer)
    services.follow_toggle(target=private, person=world.visitor)  # e.g. followed before
    services.comment_post(target=private, author=world.member, body="inside")
    assert [n.recipient for n in Notification.objects.all()] == [world.viewer]
