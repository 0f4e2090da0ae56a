"""The paste page: a lead pastes an OKR document, reviews the parse beside the text, saves.

Thin: check access (leads only), parse or read the corrected form, call the service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from okrs.core.krparse import period_from_slug
from okrs.core.okrlint import LintKR, LintObjective, lint
from okrs.core.scoring import Direction
from okrs.documents.forms import DIRECTIONS, drafts_from_post, kr_meta
from okrs.documents.services import (
    DocumentError,
    ObjectiveDraft,
    drafts_from_text,
    drafts_save,
    span_of,
)
from okrs.goals.models import Period
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
        "title": f"Import OKRs · {team.name}",
        "directions": DIRECTIONS,
        "errors": [],
    }
    if request.method == "GET":
        return render(request, "documents/paste.html", context)
    if len(text) > MAX_DOCUMENT:  # refused whole: a cut document would import in part
        context["text"] = ""
        context["errors"] = [
            f"The document has {len(text):,} characters; at most {MAX_DOCUMENT:,} are read. "
            "Import it in parts (one team's OKRs at a time)."
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
                return redirect("documents:paste", slug=team.slug)
        context.update(_review(text, drafts, period), errors=errors)
        return render(request, "documents/paste.html", context, status=400)
    drafts = drafts_from_text(text, period)
    if not drafts:
        context["errors"] = ["No objectives found: write 'Objective 1 – …' then its KRs."]
    context.update(_review(text, drafts, period))
    return render(request, "documents/paste.html", context)


def _period(slug: str) -> tuple[Period | None, str]:
    """An existing period, or the not-yet-saved one its name describes."""
    if "\x00" in slug:  # PostgreSQL refuses NUL even in a query
        return None, f"period {slug!r}: expected a name like 2017-Q1, 2017-H2 or 2017"
    existing = Period.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, ""
    try:
        span = period_from_slug(slug)
    except ValueError as exc:
        return None, str(exc)
    return Period(slug=slug, name=slug, start=span.start, end=span.end), ""


def _review(text: str, drafts: list[ObjectiveDraft], period: Period) -> dict[str, Any]:
    """Side by side: the document's lines (recognised / uncertain) and the editable drafts."""
    marks: dict[int, str] = {}
    rows = []
    for i, draft in enumerate(drafts):
        if draft.line:
            marks[draft.line] = "objective"
        krs = []
        for j, kr in enumerate(draft.key_results):
            doubts = {u["field"]: u["reason"] for u in kr.uncertain}
            if kr.line:
                marks[kr.line] = "kr uncertain" if doubts else "kr"
            krs.append({"prefix": f"{i}-{j}", "draft": kr, "doubts": doubts, "meta": kr_meta(kr)})
        rows.append({"index": i, "draft": draft, "krs": krs})
    lines = [
        {"number": n, "text": line, "mark": marks.get(n, "")}
        for n, line in enumerate(text.splitlines(), start=1)
    ]
    return {
        "lines": lines,
        "rows": rows,
        "findings": lint(_lint_inputs(drafts), span_of(period)),
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
