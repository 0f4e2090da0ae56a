"""Thin views of the discussion. Each action works as a plain form (redirect back to the page)
and with htmx (the discussion partial comes back in place). Access: talk.access; writes:
talk.services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from okrs.core import values
from okrs.org.access import get_team_for_user
from okrs.org.models import Cohort
from okrs.security.posts import checked_post
from okrs.talk import selectors, services
from okrs.talk.access import Target, can_lead_target, can_read_target, get_target_for_user
from okrs.talk.models import Comment, NotificationSettings, Offer, OfferState

KIND_NAMES = {"objective", "key_result", "heartbeat", "packet"}


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return " ".join(f"{msg}" for msgs in exc.message_dict.values() for msg in msgs)
        return " ".join(exc.messages)
    return str(exc)


def _respond(
    request: HttpRequest, target: Target, action: Callable[[], Any], *, anchor: str = "discussion"
) -> HttpResponse:
    """Run `action`; answer htmx with the partial (and any error in it), plain forms with a
    redirect back or an error page that says what went wrong."""
    error, status = "", 200
    try:
        action()
    except services.RateLimited as exc:
        error, status = str(exc), 429
    except ValidationError as exc:
        error, status = _message(exc), 400
    if request.htmx:
        return render(
            request,
            "talk/_discussion.html",
            {"talk": selectors.discussion(request.user, target), "talk_error": error},
        )
    if error:
        return render(
            request,
            "talk/error.html",
            {"error": error, "back": services.target_url(target), "title": gettext("Not saved")},
            status=status,
        )
    return redirect(f"{services.target_url(target)}#{anchor}")


def _target(request: HttpRequest, kind: str, pk: int) -> Target:
    if kind not in KIND_NAMES:
        raise Http404(gettext("Nothing to discuss here."))
    return get_target_for_user(request.user, kind, pk, take_part=True)


@require_POST
@checked_post(integers={"parent": values.INT64})  # a comment's id
def comment_post(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(request, kind, pk)
    parent = None
    if request.POST.get("parent"):
        parent = _comment(request, request.POST["parent"])
    return _respond(
        request,
        target,
        lambda: services.comment_post(
            target=target, author=request.user, body=request.POST.get("body", ""), parent=parent
        ),
    )


def _comment(request: HttpRequest, pk: int | str) -> Comment:
    try:
        comment = Comment.objects.select_related(
            "objective__team", "key_result__objective__team", "heartbeat__team", "packet__team"
        ).get(pk=int(pk))
    except (Comment.DoesNotExist, ValueError):
        raise Http404(gettext("No such comment.")) from None
    if not can_read_target(request.user, comment.target):
        raise Http404(gettext("No such comment."))
    if not request.user.is_authenticated:
        raise PermissionDenied(gettext("Sign in to take part in the discussion."))
    return comment


@require_http_methods(["GET", "POST"])
@checked_post()
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    if request.method == "GET":
        if not services.can_edit_comment(comment, request.user):  # type: ignore[arg-type]
            raise PermissionDenied(gettext("This comment can no longer be edited."))
        return render(
            request,
            "talk/edit.html",
            {"comment": comment, "back": services.target_url(comment.target), "title": "Edit"},
        )
    return _respond(
        request,
        comment.target,
        lambda: services.comment_edit(
            comment=comment, editor=request.user, body=request.POST.get("body", "")
        ),
        anchor=f"comment-{comment.pk}",
    )


@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    return _respond(
        request,
        comment.target,
        lambda: services.comment_delete(comment=comment, actor=request.user),
    )


@require_POST
@checked_post()
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    return _respond(
        request,
        comment.target,
        lambda: services.comment_hide(
            comment=comment, actor=request.user, reason=request.POST.get("reason", "")
        ),
    )


@require_POST
def interest_toggle(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(request, kind, pk)
    return _respond(
        request, target, lambda: services.interest_toggle(target=target, person=request.user)
    )


@require_POST
def follow_toggle(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(request, kind, pk)
    return _respond(
        request, target, lambda: services.follow_toggle(target=target, person=request.user)
    )


@require_POST
@checked_post()
def offer_make(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(request, kind, pk)
    return _respond(
        request,
        target,
        lambda: services.offer_make(
            target=target, person=request.user, note=request.POST.get("note", "")
        ),
    )


def _offer(request: HttpRequest, pk: int) -> Offer:
    offer = (
        Offer.objects.select_related(
            "team", "person", "objective__team", "key_result__objective__team", "packet__team"
        )
        .filter(pk=pk)
        .first()
    )
    if offer is None or not can_read_target(request.user, offer.target):
        raise Http404(gettext("No such offer."))
    if not can_lead_target(request.user, offer.target):
        raise PermissionDenied(gettext("Only a lead of the team may decide on offers of help."))
    return offer


def _decided(request: HttpRequest, offer: Offer, action: Callable[[], Any]) -> HttpResponse:
    if request.POST.get("next") == "offers":
        try:
            action()
        except ValidationError as exc:
            return render(
                request,
                "talk/error.html",
                {"error": _message(exc), "back": "", "title": gettext("Not saved")},
                status=400,
            )
        return redirect("talk:offers", slug=offer.team.slug)
    return _respond(request, offer.target, action)


@require_POST
@checked_post()
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    cohort = None
    if request.POST.get("cohort"):
        cohort = Cohort.objects.filter(slug=request.POST["cohort"]).first()
        if cohort is None:
            return render(
                request,
                "talk/error.html",
                {
                    "error": gettext("cohort: no such cohort."),
                    "back": "",
                    "title": gettext("Not saved"),
                },
                status=400,
            )
    return _decided(
        request,
        offer,
        lambda: services.offer_accept(
            offer=offer, lead=request.user, note=request.POST.get("note", ""), cohort=cohort
        ),
    )


@require_POST
@checked_post()
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    return _decided(
        request,
        offer,
        lambda: services.offer_decline(
            offer=offer, lead=request.user, note=request.POST.get("note", "")
        ),
    )


@require_GET
def team_offers(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's offers of help, for its leads to accept or decline."""
    team = get_team_for_user(request.user, slug, write=True)
    state = request.GET.get("state", "open")
    if state not in {s.value for s in OfferState} | {"all"}:
        raise Http404(gettext("`state` must be open, accepted, declined, withdrawn or all."))
    offers = selectors.team_offers(team.pk, state="" if state == "all" else state)
    return render(
        request,
        "talk/offers.html",
        {
            "team": team,
            "offers": offers,
            "state": state,
            "states": [
                ("open", pgettext("offers", "Open")),
                ("accepted", pgettext("offers", "Accepted")),
                ("declined", pgettext("offers", "Declined")),
                ("all", pgettext("offers", "All")),
            ],
            "cohorts": list(Cohort.objects.filter(team=team).order_by("name")),
            "title": gettext("Offers of help · %(team)s") % {"team": team.name},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(person=request.user)
        return redirect("talk:inbox")
    notifications = list(selectors.inbox(request.user))
    return render(
        request,
        "talk/inbox.html",
        {
            "notifications": notifications,
            "unread": sum(n.read_at is None for n in notifications),
            "title": "Inbox",
        },
    )


FLAGS = [
    ("email_mentions", gettext_lazy("When someone mentions me")),
    ("email_replies", gettext_lazy("When someone replies to me")),
    ("email_follows", gettext_lazy("Comments and status changes on what I own or follow")),
    ("email_offers", gettext_lazy("Offers of help (for leads) and answers to my offers")),
    (
        "email_reviews",
        gettext_lazy("Objectives proposed for my review (for leads of a parent team)"),
    ),
]


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notification_settings_update(
            person=request.user, **{name: request.POST.get(name) == "on" for name, _ in FLAGS}
        )
        return redirect("talk:settings")
    row = NotificationSettings.objects.filter(person=request.user).first() or NotificationSettings()
    return render(
        request,
        "talk/settings.html",
        {
            "flags": [(name, label, getattr(row, name)) for name, label in FLAGS],
            "title": gettext("Email notifications"),
        },
    )


@require_POST
@checked_post()
def topic_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A lead links the Discourse topic where the objective is discussed."""
    target = get_target_for_user(request.user, "objective", pk, take_part=True)
    return _respond(
        request,
        target,
        lambda: services.forum_topic_link(
            url=request.POST.get("url", ""),
            actor=request.user,
            objective=target,  # type: ignore[arg-type]
        ),
    )


@require_POST
def team_talk_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """A lead opts the team in or out of mirroring comments to the forum."""
    team = get_team_for_user(request.user, slug, write=True)
    services.team_talk_settings_update(
        team=team, actor=request.user, mirror_to_forum=request.POST.get("mirror") == "on"
    )
    return redirect("talk:offers", slug=team.slug)
