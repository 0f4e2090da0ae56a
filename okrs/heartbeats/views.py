"""Heartbeat pages: the board (a column per status), the review, packets, and per-KR packets.

Views stay thin: parse, check access (okrs.heartbeats.access), call a service or selector, render.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from okrs.core import values
from okrs.goals.access import get_key_result_for_user, visible_key_results
from okrs.goals.models import KeyResult
from okrs.goals.selectors import current_period
from okrs.heartbeats import services
from okrs.heartbeats.access import (
    editable_packet_ids,
    get_heartbeat_for_user,
    get_packet_for_user,
    visible_packets,
)
from okrs.heartbeats.forms import (
    HeartbeatForm,
    PacketForm,
    PacketLinksForm,
    RoleForm,
    SplitForm,
    movable_key_results,
)
from okrs.heartbeats.models import ChecklistItem, Outcome, PacketEvent, PacketStatus, WorkPacket
from okrs.heartbeats.selectors import (
    board_columns,
    closure_rates,
    commitments_for_review,
    heartbeats_for_team,
    packets_for_key_result,
    packets_with_details,
    plan_candidates,
)
from okrs.org.access import can_lead_team, get_team_for_user
from okrs.security.posts import checked_post


@require_GET
def heartbeat_list(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_team_for_user(request.user, slug)
    beats = list(heartbeats_for_team(team))
    can_lead = can_lead_team(request.user, team)
    context = {"team": team, "heartbeats": beats, "can_lead": can_lead}
    if can_lead and not (team.follows_parent_heartbeats and team.parent_id):
        current = current_period()
        context["split_form"] = SplitForm(initial={"period": current, "weeks": 3})
    return render(
        request,
        "heartbeats/list.html",
        {**context, "title": gettext("Heartbeats of %(team)s") % {"team": team.name}},
    )


@require_POST
def heartbeat_split(request: HttpRequest, slug: str) -> HttpResponse:
    """Cut a period into 2- or 3-week heartbeats of the team (all or nothing)."""
    team = get_team_for_user(request.user, slug, write=True)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("heartbeats:list", slug=slug)
    try:
        made = services.heartbeats_split(team=team, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        names = ", ".join(h.name for h in made)
        messages.success(
            request,
            ngettext(
                "%(count)s heartbeat created: %(names)s.",
                "%(count)s heartbeats created: %(names)s.",
                len(made),
            )
            % {"count": len(made), "names": names},
        )
    return redirect("heartbeats:list", slug=slug)


def _form_errors(form) -> str:  # type: ignore[no-untyped-def]
    return " ".join(
        f"{form.fields[name].label or name}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    )


@require_http_methods(["GET", "POST"])
def heartbeat_new(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_team_for_user(request.user, slug, write=True)
    form = HeartbeatForm(
        request.POST if request.method == "POST" else None, initial={"period": current_period()}
    )
    if form.is_valid():
        try:
            beat = services.heartbeat_create(team=team, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, gettext("Heartbeat %(beat)s created.") % {"beat": beat.name})
            return redirect("heartbeats:board", slug=slug, pk=beat.pk)
    return render(
        request,
        "heartbeats/heartbeat_form.html",
        {
            "team": team,
            "form": form,
            "title": gettext("New heartbeat · %(team)s") % {"team": team.name},
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def heartbeat_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    team, heartbeat = get_heartbeat_for_user(request.user, slug, pk, write=True)
    if heartbeat.team_id != team.pk:
        raise PermissionDenied(
            gettext("This heartbeat is in the calendar of %(team)s; its leads change it.")
            % {"team": heartbeat.team.name}
        )
    initial = {
        "name": heartbeat.name,
        "period": heartbeat.period,
        "start": heartbeat.start,
        "end": heartbeat.end,
    }
    form = HeartbeatForm(request.POST if request.method == "POST" else None, initial=initial)
    form.fields["period"].disabled = True
    if form.is_valid():
        try:
            services.heartbeat_update(
                heartbeat=heartbeat,
                name=form.cleaned_data["name"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, gettext("Heartbeat %(heartbeat)s saved.") % {"heartbeat": heartbeat.name}
            )
            return redirect("heartbeats:board", slug=slug, pk=heartbeat.pk)
    return render(
        request,
        "heartbeats/heartbeat_form.html",
        {
            "team": team,
            "form": form,
            "heartbeat": heartbeat,
            "title": gettext("Edit %(heartbeat)s") % {"heartbeat": heartbeat.name},
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def packet_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A new packet of the team (its leads), optionally in a heartbeat, moving some KRs, with
    its Responsible people."""
    team = get_team_for_user(request.user, slug, write=True)
    beats = heartbeats_for_team(team)
    wanted = request.GET.get("heartbeat", "")
    chosen = beats.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    form = PacketForm(
        request.POST if request.method == "POST" else None,
        team=team,
        heartbeats=beats,
        user=request.user,
        initial={"heartbeat": chosen},
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            packet = services.packet_create(
                team=team,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                heartbeat=data["heartbeat"],
                priority=data["priority"] or "",
                key_results=list(data["key_results"]),
                due=data["due"],
                external_url=data["external_url"],
                responsible=list(data["responsible"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, gettext("Packet “%(packet)s” created.") % {"packet": packet.title}
            )
            return redirect("heartbeats:packet", slug=slug, pk=packet.pk)
    return render(
        request,
        "heartbeats/packet_form.html",
        {
            "team": team,
            "form": form,
            "title": gettext("New packet · %(team)s") % {"team": team.name},
        },
        status=400 if form.errors else 200,
    )


@require_POST
def packet_links(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Set the key results a packet moves (its editors)."""
    packet = get_packet_for_user(request.user, slug, pk, write=True)
    form = PacketLinksForm(request.POST, queryset=_movable_for(packet, request.user))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("heartbeats:packet", slug=slug, pk=pk)
    # links to KRs the editor may not read are not in the form: they are kept, not dropped
    unseen = packet.key_results.exclude(pk__in=visible_key_results(request.user).values("pk"))
    chosen = [*form.cleaned_data["key_results"], *unseen.select_related("objective")]
    return _back_to(
        (slug, pk),
        request,
        lambda: services.packet_update(packet=packet, actor=request.user, key_results=chosen),
    )


def _movable_for(packet: WorkPacket, user):  # type: ignore[no-untyped-def]
    from okrs.goals.models import Period

    period_id = packet.heartbeat.period_id if packet.heartbeat else None
    periods = list(Period.objects.filter(pk=period_id)) if period_id else []
    if not periods:
        periods = [p for p in [current_period()] if p is not None]
    movable = movable_key_results(packet.team, periods)
    linked = packet.key_results.values("pk")
    readable = visible_key_results(user).values("pk")
    return KeyResult.objects.filter(
        Q(pk__in=movable.values("pk")) | Q(pk__in=linked), pk__in=readable
    ).select_related("objective__team")


@require_POST
@checked_post(integers={"remove": values.INT32})  # a person's id (auth: AutoField)
def packet_roles(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Give or take a RASCI role on a packet (the team's leads)."""
    team = get_team_for_user(request.user, slug, write=True)
    packet = get_packet_for_user(request.user, slug, pk)
    if request.POST.get("remove", "").isdigit():
        return _back_to(
            (slug, pk),
            request,
            lambda: services.packet_role_remove(
                packet=packet,
                person_id=int(request.POST["remove"]),
                role=request.POST.get("role", ""),
                actor=request.user,
            ),
        )
    form = RoleForm(request.POST, team=team)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("heartbeats:packet", slug=slug, pk=pk)
    return _back_to(
        (slug, pk),
        request,
        lambda: services.packet_set_role(packet=packet, actor=request.user, **form.cleaned_data),
    )


def _board_context(request: HttpRequest, team, heartbeat) -> dict:  # type: ignore[no-untyped-def]
    columns = board_columns(team, heartbeat, request.user)
    packets = [p for c in columns for p in c.packets]
    return {
        "team": team,
        "heartbeat": heartbeat,
        "columns": columns,
        "editable": editable_packet_ids(request.user, team, packets),
        "statuses": PacketStatus.choices,
        "rates": closure_rates(heartbeat, team),
        "can_lead": can_lead_team(request.user, team),
        "title": f"{heartbeat.name} · {team.name}",
    }


@require_GET
def board(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    team, heartbeat = get_heartbeat_for_user(request.user, slug, pk)
    return render(request, "heartbeats/board.html", _board_context(request, team, heartbeat))


@require_POST
def packet_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Move a card to another column. htmx gets the board back; a plain form is redirected."""
    packet = get_packet_for_user(request.user, slug, pk, write=True)
    try:
        services.packet_set_status(
            packet=packet, status=request.POST.get("status", ""), actor=request.user
        )
    except ValidationError as exc:
        if request.htmx:
            return HttpResponse(" ".join(exc.messages), status=400)
        messages.error(request, " ".join(exc.messages))
    if packet.heartbeat is None:
        return redirect("heartbeats:packet", slug=slug, pk=packet.pk)
    if request.htmx:
        team, heartbeat = get_heartbeat_for_user(request.user, slug, packet.heartbeat_id)
        context = _board_context(request, team, heartbeat)
        return render(request, "heartbeats/_board.html", context)
    return redirect("heartbeats:board", slug=slug, pk=packet.heartbeat_id)


def _outcomes_from(post, commitments) -> dict[int, tuple[str, str]]:  # type: ignore[no-untyped-def]
    outcomes = {}
    for commitment in commitments:
        outcome = post.get(f"outcome-{commitment.packet_id}", "")
        reason = post.get(f"reason-{commitment.packet_id}", "").strip()
        if outcome or reason:
            outcomes[commitment.packet_id] = (outcome, reason)
    return outcomes


@require_http_methods(["GET", "POST"])
@checked_post()
def review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    write = request.method == "POST"
    team, heartbeat = get_heartbeat_for_user(request.user, slug, pk, write=write)
    commitments = list(commitments_for_review(heartbeat, team))
    errors: list[str] = []
    if write:
        try:
            services.heartbeat_review(
                heartbeat=heartbeat,
                team=team,
                actor=request.user,
                outcomes=_outcomes_from(request.POST, commitments),
                learned=request.POST.get("learned", ""),
                demo_notes=request.POST.get("demo_notes", ""),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request, gettext("Review of %(heartbeat)s saved.") % {"heartbeat": heartbeat.name}
            )
            return redirect("heartbeats:review", slug=slug, pk=pk)
    notes = heartbeat.reviews.filter(team=team).select_related("reviewed_by").first()
    return render(
        request,
        "heartbeats/review.html",
        {
            "team": team,
            "heartbeat": heartbeat,
            "notes": notes,
            "commitments": commitments,
            "rates": closure_rates(heartbeat, team),
            "outcomes": Outcome.choices[1:],
            "can_lead": (can_lead := can_lead_team(request.user, team)),
            "candidates": plan_candidates(heartbeat, team) if can_lead else [],
            "errors": errors,
            "title": gettext("Review of %(heartbeat)s · %(team)s")
            % {"heartbeat": heartbeat.name, "team": team.name},
        },
        status=400 if errors else 200,
    )


@require_POST
@checked_post()
def plan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The lead's plan: packets committed with P1/P2, the plan's note and the mid-point check."""
    team, heartbeat = get_heartbeat_for_user(request.user, slug, pk, write=True)
    chosen = []
    for packet in plan_candidates(heartbeat, team):
        priority = request.POST.get(f"plan-{packet.pk}", "-")
        if priority != "-":
            chosen.append((packet, priority))
    try:
        services.heartbeat_plan(
            heartbeat=heartbeat,
            team=team,
            commitments=chosen,
            actor=request.user,
            note=request.POST.get("plan_note", ""),
        )
        midpoint = request.POST.get("midpoint_note", "").strip()
        if midpoint:
            services.heartbeat_midpoint(
                heartbeat=heartbeat,
                team=team,
                note=midpoint,
                on=min(max(timezone.localdate(), heartbeat.start), heartbeat.end),
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, gettext("Plan of %(heartbeat)s saved.") % {"heartbeat": heartbeat.name}
        )
    return redirect("heartbeats:review", slug=slug, pk=pk)


@require_POST
@checked_post()
def carry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    team, heartbeat = get_heartbeat_for_user(request.user, slug, pk, write=True)
    try:
        moved = services.carry_over(
            heartbeat=heartbeat,
            team=team,
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("heartbeats:review", slug=slug, pk=pk)
    messages.success(
        request,
        ngettext(
            "%(count)s unfinished packet carried over.",
            "%(count)s unfinished packets carried over.",
            len(moved),
        )
        % {"count": len(moved)},
    )
    return redirect("heartbeats:review", slug=slug, pk=pk)


@require_GET
def packet_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    packet = get_packet_for_user(request.user, slug, pk)
    packet = packets_with_details(type(packet).objects.filter(pk=packet.pk), request.user).get()
    events = PacketEvent.objects.filter(packet=packet).select_related(
        "actor", "from_heartbeat", "to_heartbeat"
    )
    editable = editable_packet_ids(request.user, packet.team, [packet])
    leads = can_lead_team(request.user, packet.team)
    from okrs.sync.models import IssueLink

    mirror = IssueLink.objects.filter(packet=packet).select_related("repo").first()
    return render(
        request,
        "heartbeats/packet.html",
        {
            "team": packet.team,
            "packet": packet,
            "events": events,
            "editable": editable,
            "statuses": PacketStatus.choices,
            "mirror": mirror,
            "links_form": PacketLinksForm(
                queryset=_movable_for(packet, request.user),
                initial={"key_results": [kr.pk for kr in packet.key_results.all()]},
            )
            if packet.pk in editable
            else None,
            "role_form": RoleForm(team=packet.team) if leads else None,
            "title": packet.title,
        },
    )


def _optional_day(raw: str, field: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return values.check_day(dt.date.fromisoformat(raw.strip()))
    except ValueError:
        raise ValidationError(
            gettext("%(field)s: %(raw)s is not a date such as 2017-02-10.")
            % {"field": field, "raw": repr(raw)}
        ) from None


def _back_to(packet_url: tuple[str, int], request: HttpRequest, action) -> HttpResponse:  # type: ignore[no-untyped-def]
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Saved."))
    return redirect("heartbeats:packet", slug=packet_url[0], pk=packet_url[1])


@require_POST
@checked_post()
def packet_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a packet's title, description, due date and link (leads; Responsible members)."""
    packet = get_packet_for_user(request.user, slug, pk, write=True)
    post = request.POST

    def save() -> None:
        services.packet_update(
            packet=packet,
            actor=request.user,
            title=post.get("title", packet.title),
            description=post.get("description", packet.description),
            due=_optional_day(post.get("due", ""), "due"),
            external_url=post.get("external_url", packet.external_url).strip(),
        )

    return _back_to((slug, pk), request, save)


@require_POST
@checked_post()
def checklist_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    packet = get_packet_for_user(request.user, slug, pk, write=True)
    post = request.POST
    return _back_to(
        (slug, pk),
        request,
        lambda: services.checklist_item_add(
            packet=packet,
            text=post.get("text", ""),
            owner_name=post.get("owner_name", "").strip(),
            due=_optional_day(post.get("due", ""), "due"),
        ),
    )


@require_POST
def checklist_done(request: HttpRequest, slug: str, pk: int, item: int) -> HttpResponse:
    packet = get_packet_for_user(request.user, slug, pk, write=True)
    row = get_object_or_404(ChecklistItem, pk=item, packet=packet)
    done = request.POST.get("done") == "on"
    return _back_to(
        (slug, pk), request, lambda: services.checklist_item_set_done(item=row, done=done)
    )


@require_GET
def key_result_packets(request: HttpRequest, pk: int) -> HttpResponse:
    """The packets that move a key result, as a fragment other pages include or load."""
    key_result = get_key_result_for_user(request.user, pk)
    packets = packets_for_key_result(key_result, visible_packets(request.user))
    return render(
        request, "heartbeats/_kr_packets.html", {"key_result": key_result, "packets": packets}
    )


PACKET_LIST_LIMIT = 200


@require_GET
def packet_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A team's packets (open ones first, newest heartbeat first), filtered by status."""
    team = get_team_for_user(request.user, slug)
    status = request.GET.get("status", "")
    packets = WorkPacket.objects.filter(team=team)
    if status in PacketStatus.values:
        packets = packets.filter(status=status)
    else:
        status = ""
    rows = list(
        packets_with_details(packets, request.user).order_by("-heartbeat__start", "order", "id")[
            : PACKET_LIST_LIMIT + 1
        ]
    )
    return render(
        request,
        "heartbeats/packets.html",
        {
            "team": team,
            "packets": rows[:PACKET_LIST_LIMIT],
            "more": len(rows) > PACKET_LIST_LIMIT,
            "status": status,
            "statuses": PacketStatus.choices,
            "editable": set(),
            "can_lead": can_lead_team(request.user, team),
            "title": gettext("Packets of %(team)s") % {"team": team.name},
        },
    )
