"""Search over objectives, key results and work packets, showing only what the reader may see.

Each word must appear (case-insensitive) in one of the searched fields; all words must match.
Every kind runs two queries (a count and one page), whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy

from okrs.goals.models import KeyResult, Objective
from okrs.heartbeats.access import visible_packets
from okrs.org.access import User
from okrs.web.views_map import key_result_href, node_href, objective_href

MAX_WORDS: Final = 8
MAX_QUERY: Final = 200
PER_PAGE: Final = 20
PREVIEW: Final = 5

KINDS: Final = {
    "objectives": "Objectives",
    "key_results": gettext_lazy("Key results"),
    "packets": gettext_lazy("Work packets"),
}

FIELDS: Final = {
    "objectives": ("title", "code", "description"),
    "key_results": ("title", "code"),
    "packets": ("title", "description"),
}


def words_of(query: str) -> list[str]:
    """The distinct words of `query` (at most MAX_WORDS), in order."""
    seen: list[str] = []
    for word in query[:MAX_QUERY].split():
        if word.lower() not in (w.lower() for w in seen):
            seen.append(word)
    return seen[:MAX_WORDS]


def matching(queryset: QuerySet[Any], fields: tuple[str, ...], words: list[str]) -> QuerySet[Any]:
    """Rows where every word occurs in at least one of `fields`."""
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(any_field)
    return queryset


def readable(user: User, kind: str) -> QuerySet[Any]:
    """What `user` may read of `kind`, with the joins its result line needs."""
    if kind == "objectives":
        return (
            Objective.objects.visible_to(user)
            .select_related("team", "period")
            .order_by("-period__start", "team__order", "team__name", "order", "id")
        )
    if kind == "key_results":
        return (
            KeyResult.objects.visible_to(user)
            .select_related("objective__team", "objective__period")
            .order_by("-objective__period__start", "objective__team__name", "order", "id")
        )
    return visible_packets(user).select_related("team", "heartbeat").order_by("-created_at", "-id")


@dataclass
class Section:
    kind: str
    label: str
    page: Page[Any]

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def results(self) -> list[tuple[Any, str]]:
        """The page's rows with the link of each to its page."""
        if self.kind == "objectives":
            return [(o, objective_href(o.pk)) for o in self.page.object_list]
        if self.kind == "key_results":
            return [(kr, key_result_href(kr.pk)) for kr in self.page.object_list]
        return [
            (p, node_href("heartbeats:packet", p.external_url, slug=p.team.slug, pk=p.pk))
            for p in self.page.object_list
        ]


def search_sections(user: User, words: list[str], kind: str, page: str | None) -> list[Section]:
    """One page of results for `kind`, or the first few of every kind when `kind` is empty."""
    kinds = [kind] if kind in KINDS else list(KINDS)
    per_page = PER_PAGE if kind in KINDS else PREVIEW
    sections = []
    for name in kinds:
        rows = matching(readable(user, name), FIELDS[name], words)
        paginator = Paginator(rows, per_page)
        sections.append(Section(kind=name, label=KINDS[name], page=paginator.get_page(page)))
    return sections


def search(request: HttpRequest) -> HttpResponse:
    """`/search/?q=words[&kind=objectives|key_results|packets][&page=N]`."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    kind = request.GET.get("kind", "")
    words = words_of(query)
    sections = search_sections(request.user, words, kind, request.GET.get("page")) if words else []
    return render(
        request,
        "web/search.html",
        {
            "query": query,
            "kind": kind if kind in KINDS else "",
            "kinds": KINDS,
            "kind_label": KINDS.get(kind, ""),
            "words": words,
            "sections": sections,
            "total": sum(section.count for section in sections),
            "title": gettext("Search: %(query)s") % {"query": query}
            if query
            else gettext("Search"),
        },
    )
