"""Forms and actions that change objectives, key results and alignment (team leads only).

Each view checks access through the helpers, validates with a form and writes through one
service; a refused change comes back as a message or as errors next to the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from okrs.goals import services
from okrs.goals.access import (
    can_edit_objective,
    can_review_objective,
    get_key_result_for_user,
    get_objective_for_user,
)
from okrs.goals.forms import (
    AlignmentForm,
    KeyResultForm,
    ObjectiveForm,
    ReviewForm,
    next_free_code,
)
from okrs.goals.models import (
    Alignment,
    Objective,
    ObjectiveState,
    Period,
)
from okrs.goals.selectors import current_period
from okrs.org.access import is_site_admin, visible_teams
from okrs.org.models import Role, Team
from okrs.web import selectors


def _save(form: BaseForm, write: Callable[[], Any]) -> Any:
    """Run `write` when the form is valid; put the service's refusal next to the fields."""
    if not form.is_valid():
        return None
    try:
        return write()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None


def _led_teams(request: HttpRequest):  # type: ignore[no-untyped-def]
    teams = visible_teams(request.user)
    if is_site_admin(request.user):
        return teams
    return Team.objects.filter(
        memberships__person_id=request.user.pk, memberships__role=Role.LEAD
    ).distinct()


@login_required
def objective_new(request: HttpRequest) -> HttpResponse:
    teams = _led_teams(request)
    if not teams.exists():
        raise PermissionDenied(
            gettext("Only team leads may create objectives: you need the lead role.")
        )
    period = current_period()
    chosen = teams.filter(slug=request.GET.get("team", "")).first()
    if chosen is None and not request.GET.get("team"):
        only = list(teams[:2])
        chosen = only[0] if len(only) == 1 else None
    initial: dict[str, Any] = {"period": period, "owner": request.user.pk}
    if chosen is not None:
        initial["team"] = chosen
        if period is not None:
            initial["code"] = next_free_code(chosen, period)
    data = request.POST if request.method == "POST" else None
    posted_period = Period.objects.filter(pk=data.get("period")).first() if data else None
    parents = selectors.parent_candidates(
        request.user, [chosen] if chosen else list(teams), posted_period or period
    )
    form = ObjectiveForm(data, initial=initial, teams=teams, parents=parents)
    objective = _save(form, lambda: _create_aligned(request, form))
    if objective is not None:
        messages.success(request, gettext("Objective created as a draft. Add its key results."))
        return redirect("web:objective", objective.pk)
    return render(
        request,
        "web/objective_form.html",
        {"form": form, "team": chosen, "title": gettext("New objective")},
        status=400 if form.errors else 200,
    )


@transaction.atomic
def _create_aligned(request: HttpRequest, form: ObjectiveForm) -> Objective:
    """The draft and, when chosen, what it contributes to: both or neither."""
    objective = services.objective_create(
        actor=request.user,
        team=form.cleaned_data["team"],
        **{k: form.cleaned_data[k] for k in services.OBJECTIVE_FIELDS},
    )
    parent = form.cleaned_data.get("contributes_to")
    if parent is not None:
        services.alignment_set(child=objective, parent=parent, actor=request.user)
    return objective


@login_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, write=True)
    # The form validates on a copy (it writes the input into its instance); the service then
    # compares the input with the stored objective to record what changed.
    copy = type(objective).objects.select_related("team", "period").get(pk=objective.pk)
    form = ObjectiveForm(request.POST or None, instance=copy)
    if request.method == "POST":
        done = _save(
            form,
            lambda: services.objective_update(
                objective=objective,
                actor=request.user,
                changes={k: form.cleaned_data[k] for k in services.OBJECTIVE_FIELDS},
            ),
        )
        if done is not None:
            messages.success(request, gettext("Objective saved."))
            return redirect("web:objective", objective.pk)
    return render(
        request,
        "web/objective_form.html",
        {
            "form": form,
            "objective": objective,
            "team": objective.team,
            "title": gettext("Edit %(objective)s") % {"objective": objective},
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def objective_move(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, write=True)
    _act(
        request,
        lambda: services.objective_move(
            objective=objective, actor=request.user, direction=request.POST.get("direction", "")
        ),
    )
    return _back(request, "web:team", objective.team.slug)


STATE_ACTIONS = {
    "archive": (services.objective_archive, gettext_lazy("Objective archived.")),
    "restore": (services.objective_restore, gettext_lazy("Objective restored as a draft.")),
    "propose": (
        services.objective_propose,
        gettext_lazy("Proposed for review by the parent team's leads."),
    ),
    "publish": (services.objective_publish, gettext_lazy("Objective published.")),
}


@login_required
@require_POST
def objective_state(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive, restore, propose for review or publish (the team's leads)."""
    objective = get_objective_for_user(request.user, pk, write=True)
    action = request.POST.get("action", "")
    if action not in STATE_ACTIONS:
        messages.error(request, gettext("Unknown action %(action)s.") % {"action": repr(action)})
        return redirect("web:objective", pk)
    service, done = STATE_ACTIONS[action]
    if _act(request, lambda: service(objective=objective, actor=request.user)):
        messages.success(request, done)
    return redirect("web:objective", pk)


REVIEW_DONE = {
    "": gettext_lazy("Comment added."),
    "request_changes": gettext_lazy("Sent back to draft."),
    "approve": gettext_lazy("Approved and published."),
}


@login_required
@require_POST
def objective_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Comment on an objective; parent-team leads also request changes or approve."""
    objective = get_objective_for_user(request.user, pk)
    verdict = request.POST.get("verdict", "")
    reviewer = can_review_objective(request.user, objective)
    if verdict and not reviewer:
        raise PermissionDenied(gettext("Only the parent team's leads review this objective."))
    if not verdict and not (
        reviewer
        or can_edit_objective(request.user, objective)
        or selectors.abilities(request.user).roles.get(objective.team_id)
    ):
        raise PermissionDenied(gettext("Only the team and its reviewers comment here."))
    form = ReviewForm(request.POST)
    form.is_valid()
    body = form.cleaned_data.get("body", "")
    write = {
        "": lambda: services.review_comment_create(
            objective=objective, author=request.user, body=body
        ),
        "request_changes": lambda: services.objective_request_changes(
            objective=objective, actor=request.user, comment=body
        ),
        "approve": lambda: services.objective_approve(
            objective=objective, actor=request.user, comment=body
        ),
    }.get(verdict)
    if write is None:
        messages.error(
            request, gettext("Unknown verdict %(verdict)s.") % {"verdict": repr(verdict)}
        )
    elif _act(request, write):
        messages.success(request, REVIEW_DONE[verdict])
    return redirect("web:objective", pk)


@login_required
@require_http_methods(["GET", "POST"])
def alignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: find an objective to contribute to (by title, code or team); POST: align."""
    objective = get_objective_for_user(request.user, pk, write=True)
    if objective.state == ObjectiveState.ARCHIVED:
        messages.error(
            request, gettext("An archived objective cannot be aligned; restore it first.")
        )
        return redirect("web:objective", pk)
    query = request.GET.get("q", "").strip()[:200]
    if request.method == "GET":
        offered = selectors.offered_candidates(request.user, objective, query)
        form = AlignmentForm(candidates=Objective.objects.filter(pk__in=offered))
        return _alignment_page(request, objective, form, query, offered)
    candidates = selectors.alignment_candidates(request.user, objective)
    form = AlignmentForm(request.POST, candidates=candidates)
    done = _save(
        form,
        lambda: services.alignment_set(
            child=objective,
            parent=form.cleaned_data["parent"],
            weight=form.cleaned_data["weight"],
            actor=request.user,
        ),
    )
    if done is not None:
        messages.success(
            request,
            gettext("Now contributes to %(parent)s.") % {"parent": form.cleaned_data["parent"]},
        )
        return redirect("web:objective", pk)
    # the choices shown again are a short list again; the one chosen stays among them
    chosen = [int(request.POST["parent"])] if request.POST.get("parent", "").isdigit() else []
    offered = selectors.offered_candidates(request.user, objective) + chosen
    form.fields["parent"].queryset = candidates.filter(pk__in=offered).select_related("team")
    return _alignment_page(request, objective, form, query, offered, status=400)


def _alignment_page(
    request: HttpRequest,
    objective: Objective,
    form: AlignmentForm,
    query: str,
    offered: list[int],
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/alignment_form.html",
        {
            "form": form,
            "objective": objective,
            "query": query,
            "full": len(offered) >= selectors.ALIGN_CHOICES,
            "title": gettext("Align %(objective)s") % {"objective": objective},
        },
        status=status,
    )


@login_required
@require_POST
def alignment_remove(request: HttpRequest, pk: int, alignment_pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, write=True)
    alignment = get_object_or_404(
        Alignment.objects.select_related("child__team", "parent__team"),
        pk=alignment_pk,
        child=objective,
    )
    services.alignment_remove(alignment=alignment, actor=request.user)
    messages.success(
        request, gettext("No longer contributes to %(parent)s.") % {"parent": alignment.parent}
    )
    return redirect("web:objective", pk)


def _key_result_form(request: HttpRequest, objective: Objective, instance=None):  # type: ignore[no-untyped-def]
    """The KR form: bound to a post that saves; re-drawn (not saved, no errors) with the posted
    values when the direction or measure changed (`refresh`, sent by htmx on change, or by the
    button beside the choice without JavaScript), so only that choice's fields show."""
    kwargs: dict[str, Any] = {"objective": objective, "user": request.user}
    if instance is not None:
        kwargs["instance"] = instance
    refresh = request.method == "POST" and "refresh" in request.POST
    if request.method == "POST" and not refresh:
        form = KeyResultForm(request.POST, **kwargs)
    else:
        initial = request.POST.dict() if refresh else {}
        initial.pop("csrfmiddlewaretoken", None)
        form = KeyResultForm(initial=initial, **kwargs)
    for name in ("direction", "measure_kind"):
        form.fields[name].widget.attrs.update(
            {
                "hx-post": request.path,
                "hx-trigger": "change",
                "hx-target": "#kr-form",
                "hx-select": "#kr-form",
                "hx-swap": "outerHTML",
                "hx-vals": '{"refresh": "1"}',
            }
        )
    return form, refresh


def _key_result_page(request, form, objective, kr=None):  # type: ignore[no-untyped-def]
    title = (
        gettext("Edit %(kr)s") % {"kr": kr}
        if kr
        else gettext("New key result for %(objective)s") % {"objective": objective}
    )
    return render(
        request,
        "web/key_result_form.html",
        {"form": form, "objective": objective, "kr": kr, "title": title},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def key_result_new(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, write=True)
    form, refresh = _key_result_form(request, objective)
    if refresh:
        return _key_result_page(request, form, objective)
    key_result = _save(
        form,
        lambda: services.key_result_create(
            objective=objective,
            actor=request.user,
            fields={k: form.cleaned_data[k] for k in services.KEY_RESULT_FIELDS},
        ),
    )
    if key_result is not None:
        messages.success(request, gettext("Key result added."))
        return redirect("web:objective", objective.pk)
    return _key_result_page(request, form, objective)


@login_required
def key_result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = get_key_result_for_user(request.user, pk, action="edit")
    objective = key_result.objective
    copy = type(key_result).objects.select_related("objective__period").get(pk=key_result.pk)
    form, refresh = _key_result_form(request, objective, copy)
    if request.method == "POST" and not refresh:
        done = _save(
            form,
            lambda: services.key_result_update(
                key_result=key_result,
                actor=request.user,
                changes={k: form.cleaned_data[k] for k in services.KEY_RESULT_FIELDS},
            ),
        )
        if done is not None:
            messages.success(request, gettext("Key result saved."))
            return redirect("web:key_result", key_result.pk)
    return _key_result_page(request, form, objective, key_result)


@login_required
@require_POST
def key_result_move(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = get_key_result_for_user(request.user, pk, action="edit")
    _act(
        request,
        lambda: services.key_result_move(
            key_result=key_result, actor=request.user, direction=request.POST.get("direction", "")
        ),
    )
    return _back(request, "web:objective", key_result.objective_id)


@login_required
@require_POST
def key_result_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive or restore a key result (the team's leads)."""
    key_result = get_key_result_for_user(request.user, pk, action="edit")
    archived = request.POST.get("action") != "restore"
    if _act(
        request,
        lambda: services.key_result_archive(
            key_result=key_result, actor=request.user, archived=archived
        ),
    ):
        messages.success(
            request,
            gettext("Key result archived.") if archived else gettext("Key result restored."),
        )
    return redirect("web:key_result", pk)


@login_required
@require_http_methods(["GET", "POST"])
def key_result_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: say what deleting does (archived for good, counts nowhere, its check-ins and
    comments kept) and ask to confirm; POST: delete through `services.key_result_delete`,
    which holds who may, then back to the objective. Readers who may not see the key result
    get 404, as everywhere."""
    if request.method == "POST":
        key_result = get_key_result_for_user(request.user, pk)
        if _act(
            request,
            lambda: services.key_result_delete(key_result=key_result, actor=request.user),
        ):
            messages.success(request, gettext("Key result %(kr)s deleted.") % {"kr": key_result})
            return redirect("web:objective", key_result.objective_id)
        return redirect("web:key_result", pk)
    key_result = get_key_result_for_user(request.user, pk, action="edit")
    if key_result.deleted_at is not None:
        messages.error(request, gettext("The key result is already deleted."))
        return redirect("web:key_result", pk)
    return render(
        request,
        "web/key_result_delete.html",
        {
            "kr": key_result,
            "objective": key_result.objective,
            "checkins": key_result.checkins.count(),
            "comments": key_result.talk_comments.filter(
                deleted_at__isnull=True, hidden_at__isnull=True
            ).count(),
            "title": gettext("Delete %(kr)s") % {"kr": key_result},
        },
    )


def _act(request: HttpRequest, write: Callable[[], Any]) -> bool:
    """Run a one-button action; a refusal becomes an error message on the next page."""
    try:
        write()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    return True


def _back(request: HttpRequest, name: str, *args: Any) -> HttpResponse:
    from django.utils.http import url_has_allowed_host_and_scheme

    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect(name, *args)
