"""Writes of the discussion: one typed function per action, keyword-only, atomic. Emails are
sent after the transaction commits; a bad input raises ValidationError naming the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from okrs.goals.models import KeyResult, Objective, ObjectiveState
from okrs.heartbeats.models import Heartbeat, PacketEvent, RasciRole, WorkPacket
from okrs.heartbeats.services import packet_set_role
from okrs.org.access import can_lead_team, is_site_admin
from okrs.org.memberships import cohort_join
from okrs.org.models import Cohort, Role, Team
from okrs.security.limits import over_limit
from okrs.talk.access import Target, can_lead_target, can_read_target, kind_of, target_team
from okrs.talk.markdown import mentioned_usernames
from okrs.talk.models import (
    Comment,
    CommentRevision,
    Follow,
    ForumTopic,
    Interest,
    MirrorPost,
    Notification,
    NotificationKind,
    NotificationSettings,
    Offer,
    OfferState,
    TeamTalkSettings,
)

MAX_COMMENT = 10_000
MAX_NOTE = 500


class RateLimited(Exception):
    """Too many comments or offers from one person in a short time."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def edit_window() -> dt.timedelta:
    return dt.timedelta(minutes=_setting("OKRS_TALK_EDIT_MINUTES", 15))


def check_rate(*, person: AbstractBaseUser, action: str) -> None:
    """Count `action` for `person` in the shared limiter (okrs.security.limits); refuse past the
    limit."""
    limit = _setting(f"OKRS_TALK_{action.upper()}_PER_WINDOW", 10 if action == "comment" else 5)
    window = _setting("OKRS_TALK_RATE_WINDOW_SECONDS", 600)
    if over_limit(group=f"talk-{action}", key=str(person.pk), limit=limit, window=window):
        minutes = max(1, window // 60)
        raise RateLimited(
            f"Too many {action}s: at most {limit} every {minutes} minutes. Please wait a little."
        )


# -- where targets live ----------------------------------------------------------------------


def target_url(target: Target) -> str:
    if isinstance(target, Objective):
        return reverse("web:objective", args=[target.pk])
    if isinstance(target, KeyResult):
        return reverse("web:key_result", args=[target.pk])
    if isinstance(target, Heartbeat):
        return reverse("heartbeats:board", args=[target.team.slug, target.pk])
    return reverse("heartbeats:packet", args=[target.team.slug, target.pk])


def target_label(target: Target) -> str:
    code = getattr(target, "code", "")
    name = getattr(target, "title", "") or getattr(target, "name", "")
    return f"{code} {name}".strip()[:200]


def _target_fields(target: Target) -> dict[str, Target]:
    return {kind_of(target): target}


def _name(person: AbstractBaseUser | None) -> str:
    return person.get_username() if person is not None else in_site(gettext_noop("someone"))


# -- notifications ---------------------------------------------------------------------------

EMAIL_FLAG = {
    NotificationKind.MENTION: "email_mentions",
    NotificationKind.REPLY: "email_replies",
    NotificationKind.COMMENT: "email_follows",
    NotificationKind.STATUS: "email_follows",
    NotificationKind.OFFER: "email_offers",
    NotificationKind.OFFER_ACCEPTED: "email_offers",
    NotificationKind.OFFER_DECLINED: "email_offers",
    NotificationKind.REVIEW: "email_reviews",
}


def in_site(message: str, **values: object) -> str:
    """`message` filled with `values`, in the site's language (`LANGUAGE_CODE`): an inbox line
    and its mail are written once, for a reader whose language okrs does not know."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message) % values


def notify(
    *,
    recipients: Iterable[AbstractBaseUser],
    kind: str,
    actor: AbstractBaseUser | None,
    summary: str,
    url: str,
    comment: Comment | None = None,
    offer: Offer | None = None,
) -> list[Notification]:
    """Put one line in each recipient's inbox (never the actor's own) and email those whose
    settings ask for this kind, after the transaction commits."""
    people = {p.pk: p for p in recipients if actor is None or p.pk != actor.pk}
    if not people:
        return []
    rows = Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind=kind,
            actor=actor,
            comment=comment,
            offer=offer,
            summary=summary[:300],
            url=url,
        )
        for pk in people
    )
    flag = EMAIL_FLAG[NotificationKind(kind)]
    chosen = dict(
        NotificationSettings.objects.filter(person_id__in=people).values_list("person_id", flag)
    )
    default = NotificationSettings._meta.get_field(flag).default
    emails = [
        (p.email, summary, url)
        for pk, p in people.items()
        if getattr(p, "email", "") and chosen.get(pk, default)
    ]
    if emails:  # sent by the worker, never in the request (okrs.talk.tasks)
        transaction.on_commit(lambda: _enqueue_emails(emails))
    return rows


def _enqueue_emails(emails: list[tuple[str, str, str]]) -> None:
    from okrs.talk.tasks import send_notification_emails

    send_notification_emails.enqueue([list(e) for e in emails])


def send_emails(emails: list[tuple[str, str, str]] | list[list[str]]) -> None:
    base = getattr(settings, "OKRS_SITE_URL", "").rstrip("/")
    for address, summary, url in emails:
        footer = in_site(
            gettext_noop("What comes by email: %(url)s"), url=f"{base}/inbox/settings/"
        )
        send_mail(
            subject=f"[okrs] {summary}"[:150],
            message=f"{summary}\n\n{base}{url}\n\n{footer}",
            from_email=None,
            recipient_list=[address],
            fail_silently=True,
        )


def followers_of(target: Target) -> list[AbstractBaseUser]:
    """People following `target` (a KR's followers include its objective's), who may read it."""
    user_model = get_user_model()
    if isinstance(target, Heartbeat):
        return []
    if isinstance(target, KeyResult):
        follows = Follow.objects.filter(key_result=target) | Follow.objects.filter(
            objective_id=target.objective_id
        )
    else:
        follows = Follow.objects.filter(**_target_fields(target))
    return readers_among(user_model.objects.filter(pk__in=follows.values("person_id")), target)


def readers_among(people: QuerySet, target: Target) -> list[AbstractBaseUser]:
    """Those of `people` who may read `target`, in a bounded number of queries: everyone when
    the target is public; else the team's members and site admins (checked in SQL), and, for
    the rare objective in review, the rest one by one through the access helper."""
    if can_read_target(AnonymousUser(), target):
        return list(people)
    team = target_team(target)
    inside = Q(memberships__team=team) | Q(is_superuser=True)
    found = list(people.filter(inside).distinct())
    objective = target if isinstance(target, Objective) else getattr(target, "objective", None)
    if isinstance(objective, Objective) and objective.state == ObjectiveState.IN_REVIEW:
        known = {p.pk for p in found}
        others = people.exclude(pk__in=known)
        found += [p for p in others if can_read_target(p, target)]
    return found


# -- comments --------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": gettext("Write something before posting.")})
    if len(body) > MAX_COMMENT:
        raise ValidationError(
            {
                "body": gettext("A comment holds at most %(MAX_COMMENT)s characters.")
                % {"MAX_COMMENT": MAX_COMMENT}
            }
        )
    return body


@transaction.atomic
def comment_post(
    *, target: Target, author: AbstractBaseUser, body: str, parent: Comment | None = None
) -> Comment:
    """Post a comment (or a reply to `parent`, a comment on the same target); notify mentioned
    readers, the author replied to and followers; queue it for the forum topic if opted in."""
    body = _clean_body(body)
    if parent is not None and (parent.target_kind, parent.target.pk) != (
        kind_of(target),
        target.pk,
    ):
        raise ValidationError(
            {"parent": gettext("A reply must be on the same page as its comment.")}
        )
    check_rate(person=author, action="comment")
    comment = Comment.objects.create(
        team=target_team(target), author=author, body=body, parent=parent, **_target_fields(target)
    )
    url = f"{target_url(target)}#comment-{comment.pk}"
    label = target_label(target)
    told: set[int] = {author.pk}
    mentioned = _readers_named(mentioned_usernames(body), target)
    notify(
        recipients=mentioned,
        kind=NotificationKind.MENTION,
        actor=author,
        summary=in_site(
            gettext_noop("%(who)s mentioned you on %(label)s"), who=_name(author), label=label
        ),
        url=url,
        comment=comment,
    )
    told |= {p.pk for p in mentioned}
    if parent is not None and parent.author_id not in told and not parent.removed:
        notify(
            recipients=[parent.author],
            kind=NotificationKind.REPLY,
            actor=author,
            summary=in_site(
                gettext_noop("%(who)s replied to you on %(label)s"), who=_name(author), label=label
            ),
            url=url,
            comment=comment,
        )
        told.add(parent.author_id)
    notify(
        recipients=[p for p in followers_of(target) if p.pk not in told],
        kind=NotificationKind.COMMENT,
        actor=author,
        summary=in_site(
            gettext_noop("%(who)s commented on %(label)s"), who=_name(author), label=label
        ),
        url=url,
        comment=comment,
    )
    _queue_mirror(comment, target)
    return comment


def _readers_named(usernames: list[str], target: Target) -> list[AbstractBaseUser]:
    """Mentioned people who may read the target: a private page never leaks by a mention."""
    if not usernames:
        return []
    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    people = user_model.objects.filter(**{f"{field}__in": usernames[:20]}, is_active=True)
    return readers_among(people, target)


def _may_edit(comment: Comment, editor: AbstractBaseUser) -> None:
    if comment.author_id != editor.pk:
        raise PermissionDenied(gettext("Only the author may edit a comment."))
    if comment.removed:
        raise PermissionDenied(gettext("This comment was removed."))
    if timezone.now() - comment.created_at > edit_window():
        minutes = int(edit_window().total_seconds() // 60)
        raise PermissionDenied(
            gettext("Comments can be edited for %(minutes)s minutes after posting.")
            % {"minutes": minutes}
        )


def can_edit_comment(comment: Comment, user: AbstractBaseUser) -> bool:
    try:
        _may_edit(comment, user)
    except PermissionDenied:
        return False
    return True


@transaction.atomic
def comment_edit(*, comment: Comment, editor: AbstractBaseUser, body: str) -> Comment:
    """Change a comment's text within the edit window; the earlier text stays as a revision."""
    _may_edit(comment, editor)
    body = _clean_body(body)
    if body == comment.body:
        return comment
    CommentRevision.objects.create(comment=comment, body=comment.body)
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, actor: AbstractBaseUser) -> Comment:
    """The author or a lead of the team deletes a comment; its text stays for site admins."""
    if comment.author_id != actor.pk and not can_lead_target(actor, comment.target):
        raise PermissionDenied(
            gettext("Only the author or a lead of the team may delete a comment.")
        )
    if comment.deleted_at is None:
        comment.deleted_at = timezone.now()
        comment.deleted_by = actor
        comment.save(update_fields=["deleted_at", "deleted_by"])
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, actor: AbstractBaseUser, reason: str = "") -> Comment:
    """A lead hides a comment (spam, abuse); site admins still read it in the history."""
    if not can_lead_target(actor, comment.target):
        raise PermissionDenied(gettext("Only a lead of the team may hide a comment."))
    if len(reason) > 300:
        raise ValidationError({"reason": gettext("Say why in at most 300 characters.")})
    if comment.hidden_at is None:
        comment.hidden_at = timezone.now()
        comment.hidden_by = actor
        comment.hidden_reason = reason.strip()
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return comment


# -- interest and follows --------------------------------------------------------------------


@transaction.atomic
def interest_toggle(*, target: Target, person: AbstractBaseUser) -> bool:
    """Mark or unmark `person` as interested in an objective or KR; True when now interested."""
    if not isinstance(target, (Objective, KeyResult)):
        raise ValidationError(
            {"target": gettext("Interest is marked on objectives and key results.")}
        )
    fields = _target_fields(target)
    deleted, _ = Interest.objects.filter(person=person, **fields).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Interest.objects.create(person=person, **fields)
    except IntegrityError:  # a double click that raced: already marked
        pass
    return True


@transaction.atomic
def follow_toggle(*, target: Target, person: AbstractBaseUser) -> bool:
    """Follow or stop following an objective, KR or packet; True when now following."""
    if isinstance(target, Heartbeat):
        raise ValidationError({"target": gettext("Follow an objective, a key result or a packet.")})
    fields = _target_fields(target)
    deleted, _ = Follow.objects.filter(person=person, **fields).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Follow.objects.create(person=person, **fields)
    except IntegrityError:
        pass
    return True


# -- offers of help --------------------------------------------------------------------------


def _team_leads(target: Target) -> list[AbstractBaseUser]:
    user_model = get_user_model()
    return list(
        user_model.objects.filter(
            memberships__team=target_team(target), memberships__role="lead"
        ).distinct()
    )


@transaction.atomic
def offer_make(*, target: Target, person: AbstractBaseUser, note: str) -> Offer:
    """Offer help on an objective, KR or packet with a short note; the team's leads hear of it."""
    if isinstance(target, Heartbeat):
        raise ValidationError(
            {"target": gettext("Offer help on an objective, a key result or a packet.")}
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": gettext("Say in a few words how you would like to help.")})
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {
                "note": gettext("The note holds at most %(MAX_NOTE)s characters.")
                % {"MAX_NOTE": MAX_NOTE}
            }
        )
    fields = _target_fields(target)
    if Offer.objects.filter(person=person, state=OfferState.OPEN, **fields).exists():
        raise ValidationError(
            {"note": gettext("You already offered help here; a lead will answer.")}
        )
    check_rate(person=person, action="offer")
    offer = Offer.objects.create(team=target_team(target), person=person, note=note, **fields)
    _announce_offer(offer)
    notify(
        recipients=_team_leads(target),
        kind=NotificationKind.OFFER,
        actor=person,
        summary=in_site(
            gettext_noop("%(who)s offered help on %(label)s"),
            who=_name(person),
            label=target_label(target),
        ),
        url=reverse("talk:offers", args=[offer.team.slug]),
        offer=offer,
    )
    return offer


def _announce_offer(offer: Offer) -> None:
    """The team's chat channels hear of a new offer (public things only: `okrs.chat.notes`),
    queued in the offer's transaction."""
    from okrs.chat import notes  # chat reads talk: imported late
    from okrs.chat.models import Topic
    from okrs.chat.services import announce

    note = notes.offer_note(offer)
    if note is not None:
        announce([offer.team_id], Topic.OFFER, note)


def named_cohort(target: Target) -> Cohort | None:
    """The cohort an objective or KR names: a KR's `measure_params["cohort"]` (a slug), or for
    an objective the one cohort its KRs name."""
    if isinstance(target, KeyResult):
        slugs = {str(target.measure_params.get("cohort") or "")} - {""}
    elif isinstance(target, Objective):
        slugs = {
            str((params or {}).get("cohort") or "")
            for params in target.key_results.values_list("measure_params", flat=True)
        } - {""}
    else:
        return None
    if len(slugs) != 1:
        return None
    return Cohort.objects.filter(slug=slugs.pop()).first()


def _decide(offer: Offer, lead: AbstractBaseUser) -> None:
    if not can_lead_target(lead, offer.target):
        raise PermissionDenied(gettext("Only a lead of the team may decide on offers of help."))
    if offer.state != OfferState.OPEN:
        raise ValidationError(
            {
                "offer": gettext("This offer was already %(value)s.")
                % {"value": offer.get_state_display()}
            }
        )


@transaction.atomic
def offer_accept(
    *, offer: Offer, lead: AbstractBaseUser, note: str = "", cohort: Cohort | None = None
) -> Offer:
    """Accept an offer: on a packet the person becomes Supporting; on an objective or KR that
    names a cohort (or with `cohort` given) the person joins that cohort."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _decide(offer, lead)
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {
                "note": gettext("The note holds at most %(MAX_NOTE)s characters.")
                % {"MAX_NOTE": MAX_NOTE}
            }
        )
    target = offer.target
    if isinstance(target, WorkPacket):
        packet_set_role(packet=target, person=offer.person, role=RasciRole.SUPPORTING, actor=lead)
    else:
        cohort = cohort or named_cohort(target)
        if cohort is not None:
            if cohort.team_id not in (None, offer.team_id) and not is_site_admin(lead):
                raise ValidationError({"cohort": gettext("Choose a cohort of this team.")})
            cohort_join(cohort=cohort, person=offer.person)  # from today: the past unchanged
    offer.state = OfferState.ACCEPTED
    offer.decided_at = timezone.now()
    offer.decided_by = lead
    offer.decision_note = note.strip()
    offer.cohort = cohort if not isinstance(target, WorkPacket) else None
    offer.save(update_fields=["state", "decided_at", "decided_by", "decision_note", "cohort"])
    accepted = (
        in_site(
            gettext_noop(
                "%(who)s accepted your offer of help on %(label)s and added you to %(cohort)s"
            ),
            who=_name(lead),
            label=target_label(target),
            cohort=cohort.name,
        )
        if offer.cohort
        else in_site(
            gettext_noop("%(who)s accepted your offer of help on %(label)s"),
            who=_name(lead),
            label=target_label(target),
        )
    )
    notify(
        recipients=[offer.person],
        kind=NotificationKind.OFFER_ACCEPTED,
        actor=lead,
        summary=accepted,
        url=target_url(target),
        offer=offer,
    )
    return offer


@transaction.atomic
def offer_decline(*, offer: Offer, lead: AbstractBaseUser, note: str) -> Offer:
    """Decline an offer with a note saying why (the person reads it in their inbox)."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _decide(offer, lead)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": gettext("Say why, kindly: the person will read it.")})
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {
                "note": gettext("The note holds at most %(MAX_NOTE)s characters.")
                % {"MAX_NOTE": MAX_NOTE}
            }
        )
    offer.state = OfferState.DECLINED
    offer.decided_at = timezone.now()
    offer.decided_by = lead
    offer.decision_note = note
    offer.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    target = offer.target
    notify(
        recipients=[offer.person],
        kind=NotificationKind.OFFER_DECLINED,
        actor=lead,
        summary=in_site(
            gettext_noop("%(who)s declined your offer on %(label)s: %(note)s"),
            who=_name(lead),
            label=target_label(target),
            note=note,
        ),
        url=target_url(target),
        offer=offer,
    )
    return offer


# -- notifications read, settings -----------------------------------------------------------


def notifications_mark_read(*, person: AbstractBaseUser, ids: list[int] | None = None) -> int:
    rows = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def notification_settings_update(
    *, person: AbstractBaseUser, **flags: bool
) -> NotificationSettings:
    allowed = {"email_mentions", "email_replies", "email_follows", "email_offers", "email_reviews"}
    unknown = set(flags) - allowed
    if unknown:
        raise ValidationError({sorted(unknown)[0]: gettext("No such notification setting.")})
    row, _ = NotificationSettings.objects.get_or_create(person=person)
    for name, value in flags.items():
        setattr(row, name, bool(value))
    row.save()
    return row


def notify_review_requested(*, objective: Objective, actor: AbstractBaseUser | None) -> None:
    """Tell every lead of the parent team that `objective` waits for their review (inbox, and
    email per their settings); they may read it while it is in review."""
    if objective.team.parent_id is None:
        return
    leads = get_user_model().objects.filter(
        memberships__team_id=objective.team.parent_id,
        memberships__role=Role.LEAD,
        is_active=True,
    )
    notify(
        recipients=list(leads.distinct()),
        kind=NotificationKind.REVIEW,
        actor=actor,
        summary=in_site(
            gettext_noop("%(label)s (%(team)s) waits for your review"),
            label=target_label(objective),
            team=objective.team,
        ),
        url=target_url(objective),
    )


def notify_status_change(
    *, target: Target, actor: AbstractBaseUser | None, what: str, owners: Iterable
) -> None:
    """Tell followers and owners of `target` that its status changed (`what` says how)."""
    readers = {p.pk: p for p in followers_of(target)}
    for owner in owners:
        if owner is not None and can_read_target(owner, target):
            readers.setdefault(owner.pk, owner)
    notify(
        recipients=readers.values(),
        kind=NotificationKind.STATUS,
        actor=actor,
        summary=f"{target_label(target)}: {what}",
        url=target_url(target),
    )


def notify_packet_status(*, packet: WorkPacket, event: PacketEvent) -> None:
    """Tell a packet's followers and its Responsible and Accountable people that it moved to
    another status (`event`, written by `heartbeats.services.packet_set_status` in the same
    transaction)."""
    owners = [
        role.person
        for role in packet.roles.select_related("person").filter(
            role__in=[RasciRole.RESPONSIBLE, RasciRole.ACCOUNTABLE]
        )
    ]
    labels = dict(type(packet)._meta.get_field("status").choices)
    what = in_site(
        gettext_noop("moved to %(status)s"), status=labels.get(event.to_status, event.to_status)
    )
    notify_status_change(target=packet, actor=event.actor, what=what, owners=owners)


# -- the forum thread ------------------------------------------------------------------------


def topic_for(target: Target) -> ForumTopic | None:
    """The forum topic a target's comments go to: its objective's, else its period's."""
    objective = None
    if isinstance(target, Objective):
        objective = target
    elif isinstance(target, KeyResult):
        objective = target.objective
    if objective is not None:
        topic = ForumTopic.objects.filter(objective=objective).first()
        if topic is not None:
            return topic
        return ForumTopic.objects.filter(period_id=objective.period_id).first()
    if isinstance(target, Heartbeat):
        return ForumTopic.objects.filter(period_id=target.period_id).first()
    if isinstance(target, WorkPacket) and target.heartbeat_id is not None:
        return ForumTopic.objects.filter(period_id=target.heartbeat.period_id).first()
    return None


def mirroring_enabled() -> bool:
    return bool(
        getattr(settings, "OKRS_DISCOURSE_URL", "")
        and getattr(settings, "OKRS_DISCOURSE_API_KEY", "")
    )


def _queue_mirror(comment: Comment, target: Target) -> None:
    if not mirroring_enabled():
        return
    if not TeamTalkSettings.objects.filter(team_id=comment.team_id, mirror_to_forum=True).exists():
        return
    if not can_read_target(AnonymousUser(), target):
        return  # a private page is never copied to a public forum
    topic = topic_for(target)
    if topic is not None:
        MirrorPost.objects.create(comment=comment, topic=topic)


TOPIC_URL_HELP = gettext_lazy(
    "A topic address such as https://discourse.example.org/t/some-slug/123"
)


@transaction.atomic
def forum_topic_link(
    *, url: str, actor: AbstractBaseUser, objective: Objective | None = None, period=None
) -> ForumTopic:  # type: ignore[no-untyped-def]
    """Link the Discourse topic where an objective (by its team's lead) or a period (by a site
    admin) is discussed; the topic id is read from the URL."""
    from okrs.talk.forum import topic_id_from_url

    if (objective is None) == (period is None):
        raise ValidationError({"target": gettext("Link a topic to an objective or to a period.")})
    if objective is not None and not can_lead_target(actor, objective):
        raise PermissionDenied(gettext("Only the team's leads may link a forum topic."))
    if period is not None and not is_site_admin(actor):
        raise PermissionDenied(gettext("Only site admins may link a period's forum topic."))
    topic_id = topic_id_from_url(url)
    if topic_id is None:
        raise ValidationError({"url": TOPIC_URL_HELP})
    target = {"objective": objective} if objective is not None else {"period": period}
    topic, _ = ForumTopic.objects.update_or_create(
        **target, defaults={"url": url.strip(), "topic_id": topic_id}
    )
    return topic


@transaction.atomic
def team_talk_settings_update(
    *, team: Team, actor: AbstractBaseUser, mirror_to_forum: bool
) -> TeamTalkSettings:
    """A lead opts the team's discussions in or out of mirroring to the forum."""
    if not can_lead_team(actor, team):
        raise PermissionDenied(gettext("Only the team's leads may change its discussion settings."))
    row, _ = TeamTalkSettings.objects.get_or_create(team=team)
    row.mirror_to_forum = bool(mirror_to_forum)
    row.save(update_fields=["mirror_to_forum"])
    return row
