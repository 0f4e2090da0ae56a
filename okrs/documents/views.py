"""The paste page: a lead pastes an OKR document, reviews the parse beside the text, saves.

Thin: check access (leads only), parse or read the corrected form, call the service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from okrs.core.okrlint import LintKR, LintObjective, lint
from okrs.core.scoring import Direction
from okrs.documents.forms import DIRECTIONS, drafts_from_post, kr_meta
from okrs.documents.services import (
    DocumentError,
    ObjectiveDraft,
    drafts_from_text,
    drafts_save,
    next_free_code,
    span_of,
    taken_codes,
    unplaced_lines,
)
from okrs.goals.models import Objective, Period
from okrs.goals.selectors import current_period
from okrs.org.access import get_team_for_user

MAX_DOCUMENT = 100_000


@login_required
@require_http_methods(["GET", "POST"])
def paste(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_team_for_user(request.user, slug, write=True)
    period_slug = request.POST.get("period", "").strip()
    if not period_slug:
        period = current_period()
        period_slug = period.slug if period else ""
    text = request.POST.get("text", "")
    context: dict[str, Any] = {
        "team": team,
        "text": text,
        "period_slug": period_slug,
        "periods": list(Period.objects.order_by("-start").only("slug", "name", "start")[:200]),
        "title": gettext("Import OKRs · %(team)s") % {"team": team.name},
        "directions": DIRECTIONS,
        "errors": [],
    }
    if request.method == "GET":
        context["saved"] = _saved(request, team)
        return render(request, "documents/paste.html", context)
    if len(text) > MAX_DOCUMENT:  # refused whole: a cut document would import in part
        context["text"] = ""
        context["errors"] = [
            gettext(
                "The document has %(length)s characters; at most %(most)s are read. Import it in"
                " parts (one team's OKRs at a time)."
            )
            % {
                "length": number_format(len(text), force_grouping=True),
                "most": number_format(MAX_DOCUMENT, force_grouping=True),
            }
        ]
        return render(request, "documents/paste.html", context, status=413)
    period, problem = _period(period_slug)
    if period is None:
        context["errors"] = [problem]
        return render(request, "documents/paste.html", context, status=400)
    if request.POST.get("action") == "save":
        drafts, errors = drafts_from_post(request.POST)
        if not errors:
            try:
                result = drafts_save(
                    team=team,
                    period_slug=period.slug,
                    drafts=drafts,
                    publish=request.POST.get("publish") == "on",
                    author=request.user,
                )
            except DocumentError as exc:
                errors = [str(exc)]
            else:
                messages.success(request, result.summary())
                ids = ",".join(str(o.pk) for o in result.objectives)
                return redirect(f"{reverse('documents:paste', args=[team.slug])}?saved={ids}")
        context.update(_review(text, drafts, period, team), errors=errors)
        return render(request, "documents/paste.html", context, status=400)
    drafts = drafts_from_text(text, period)
    unplaced = unplaced_lines(text)
    if not drafts:
        context["errors"] = [gettext("No objectives found: write 'Objective 1 – …' then its KRs.")]
    context.update(_review(text, drafts, period, team, unplaced))
    return render(request, "documents/paste.html", context)


MAX_SAVED_LINKS = 50


def _saved(request: HttpRequest, team: Any) -> list[Objective]:
    """The drafts just saved (their ids in ``?saved=``), this team's only: links to each."""
    ids = [int(i) for i in request.GET.get("saved", "").split(",") if i.isdigit()]
    if not ids:
        return []
    return list(
        Objective.objects.filter(team=team, pk__in=ids[:MAX_SAVED_LINKS])
        .select_related("period")
        .order_by("order")
    )


def _period(slug: str) -> tuple[Period | None, str]:
    """The period chosen from the list (periods are created on their own page)."""
    period = Period.objects.filter(slug=slug).first() if "\x00" not in slug else None
    if period is None:
        return None, f"period {slug!r}: choose one of the existing periods from the list"
    return period, ""


def _review(
    text: str,
    drafts: list[ObjectiveDraft],
    period: Period,
    team: Any,
    unplaced: list[tuple[int, str]] | None = None,
) -> dict[str, Any]:
    """Side by side: the document's lines (recognised / uncertain / not placed) and the
    editable drafts; a code the team already uses in the period is replaced by the next
    free one, and said so beside it."""
    marks: dict[int, str] = {line: "unplaced" for line, _ in unplaced or []}
    rows = []
    taken = taken_codes(team, period)
    # a suggestion is free in the period and among the post's own codes; a code the post uses
    # twice is a clash too
    used = taken | {draft.code for draft in drafts if draft.code}
    seen: set[str] = set()
    for i, draft in enumerate(drafts):
        clash = ""
        if draft.code in taken or draft.code in seen:
            suggestion = next_free_code(used)
            clash = (
                f"{team.slug} already has an objective {draft.code} in {period.slug}: "
                f"{suggestion} is the next free code"
                if draft.code in taken
                else f"{draft.code} is used twice in the post: {suggestion} is the next free code"
            )
            draft.code = suggestion
            used.add(suggestion)
        seen.add(draft.code)
        if draft.line:
            marks[draft.line] = "objective"
        krs = []
        for j, kr in enumerate(draft.key_results):
            doubts = {u["field"]: u["reason"] for u in kr.uncertain}
            needs_start = kr.fields.get("direction") in {"increase", "decrease"}
            if needs_start and kr.fields.get("baseline") is None and "baseline" not in doubts:
                doubts["baseline"] = "the post states no baseline: enter the current value"
            if kr.line:
                marks[kr.line] = "kr uncertain" if doubts else "kr"
            krs.append({"prefix": f"{i}-{j}", "draft": kr, "doubts": doubts, "meta": kr_meta(kr)})
        rows.append({"index": i, "draft": draft, "krs": krs, "clash": clash})
    lines = [
        {"number": n, "text": line, "mark": marks.get(n, "")}
        for n, line in enumerate(text.splitlines(), start=1)
    ]
    return {
        "lines": lines,
        "rows": rows,
        "findings": lint(_lint_inputs(drafts), span_of(period)),
        "unplaced": unplaced or [],
        "parsed": True,
    }


def _lint_inputs(drafts: list[ObjectiveDraft]) -> list[LintObjective]:
    return [
        LintObjective(
            key=i,
            code=d.code,
            title=d.title,
            key_results=tuple(
                LintKR(
                    key=i * 1000 + j,
                    code=k.code,
                    title=k.title,
                    direction=Direction(k.fields.get("direction", "milestone")),
                    target=k.fields.get("target"),
                    deadline=k.fields.get("deadline"),
                )
                for j, k in enumerate(d.key_results)
            ),
        )
        for i, d in enumerate(drafts)
    ]
