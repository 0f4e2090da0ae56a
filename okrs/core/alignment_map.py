"""The alignment map: how all goals play together, laid out and drawn as SVG text.

Pure functions, no Django. The organization tree runs left to right: each column holds the
teams of one depth (the top team on the left), each team is a band of objective boxes, and
each box lists its key results as small rows. *Contributes to* links are curves from the
contributing objective to the one it serves, across teams and columns.

The layout is deterministic: the same input gives the same picture. Teams keep their given
order among siblings and appear in tree order (a team's children follow the order of their
parents), objectives and key results keep their given order. Every node is a link, is
coloured by status and also says its grade and status in text (never colour alone).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from okrs.core.charts import ENGLISH, Words, counted, esc, grade2, text_width
from okrs.core.messages import gettext_noop
from okrs.core.pacing import Status

BAND_WIDTH: Final = 420
COLUMN_GAP: Final = 96
MARGIN: Final = 16
HEADER: Final = 40
BAND_HEAD: Final = 30
BAND_PAD: Final = 8
BAND_GAP: Final = 18
BOX_WIDTH: Final = BAND_WIDTH - 2 * BAND_PAD
BOX_LINE: Final = 16
BOX_GAP: Final = 8
KR_ROW: Final = 18
KR_LINE: Final = 14
ROW_GAP: Final = 4
TITLE_FONT: Final = 13
KR_FONT: Final = 11
TITLE_LINES: Final = 6
KR_LINES: Final = 3
TITLE_CHARS: Final = 38
KR_CHARS: Final = 34
MIN_COLUMN_HEIGHT: Final = 2400
"""A depth whose teams need more height than this may be spread over several columns (unless
the layout is asked to fit a width)."""
OUTSIDE_SHOWN: Final = 3
"""Links to objectives outside the view listed per objective and direction; the rest counted."""

STATUS_COLOURS: Final = {
    Status.ON_TRACK: "#1a7f37",
    Status.AT_RISK: "#9a6700",
    Status.OFF_TRACK: "#cf222e",
    Status.NO_DATA: "#6e7781",
    Status.UNCERTAIN: "#8250df",
    Status.ACHIEVED: "#1a7f37",
    Status.MISSED: "#cf222e",
}
STATUS_MARKS: Final = {
    Status.ON_TRACK: "✓",
    Status.AT_RISK: "!",
    Status.OFF_TRACK: "✕",
    Status.NO_DATA: "…",
    Status.UNCERTAIN: "?",
    Status.ACHIEVED: "✓",
    Status.MISSED: "✕",
}


@dataclass(frozen=True, slots=True)
class MapTeam:
    key: int
    name: str
    parent: int | None
    grade: float | None = None
    href: str | None = None
    view_href: str | None = None
    """The map opened at this team (its subtree), when the page has such a link."""


@dataclass(frozen=True, slots=True)
class MapObjective:
    key: int
    team: int
    code: str
    title: str
    grade: float | None
    status: Status
    href: str


@dataclass(frozen=True, slots=True)
class MapKeyResult:
    key: int
    objective: int
    code: str
    title: str
    grade: float | None
    status: Status
    href: str


@dataclass(frozen=True, slots=True)
class MapEdge:
    """``child`` contributes to ``parent`` (both objective keys) with ``weight``."""

    child: int
    parent: int
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class MapOutside:
    """A link from a drawn objective to one outside the view: ``objective`` (drawn)
    contributes to ``other`` (``to``), or ``other`` contributes to it (``from``)."""

    objective: int
    direction: str  # "to" or "from"
    text: str
    href: str


@dataclass(frozen=True, slots=True)
class MapExpand:
    """A drawn team to open: its key results are not drawn, nor its subtree, which holds
    ``teams`` teams with objectives and ``objectives`` objectives below it; a folded team
    (`ViewPlan.folded`) does not draw its own ``own`` objectives either."""

    teams: int
    objectives: int
    own: int = 0


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass(slots=True)
class PlacedKeyResult:
    key_result: MapKeyResult
    box: Box
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PlacedOutside:
    outside: MapOutside
    box: Box
    line: str


@dataclass(slots=True)
class PlacedObjective:
    objective: MapObjective
    box: Box
    column: int
    title_lines: list[str]
    key_results: list[PlacedKeyResult] = field(default_factory=list)
    outside: list[PlacedOutside] = field(default_factory=list)
    more_outside: int = 0


@dataclass(slots=True)
class PlacedTeam:
    team: MapTeam
    box: Box
    column: int
    depth: int
    objectives: list[PlacedObjective] = field(default_factory=list)
    expand: MapExpand | None = None
    expand_box: Box | None = None


@dataclass(frozen=True, slots=True)
class PlacedEdge:
    edge: MapEdge
    path: str
    child_label: str
    parent_label: str


@dataclass(slots=True)
class MapLayout:
    teams: list[PlacedTeam]
    edges: list[PlacedEdge]
    width: float
    height: float
    words: Words = ENGLISH  # the reader's language, which the drawing and the list speak

    @property
    def objectives(self) -> list[PlacedObjective]:
        return [o for team in self.teams for o in team.objectives]


def grade_text(grade: float | None, words: Words = ENGLISH) -> str:
    return "—" if grade is None else grade2(words, grade)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def wrap(text: str, limit: int, lines: int) -> list[str]:
    """``text`` wrapped at word boundaries into at most ``lines`` lines of ``limit`` characters,
    the last one shortened with an ellipsis if the text does not fit."""
    words = text.split()
    result: list[str] = []
    while words and len(result) < lines - 1:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= limit:
            line += " " + words.pop(0)
        result.append(shorten(line, limit))
    if words:
        result.append(shorten(" ".join(words), limit))
    return result or [""]


def wrap_width(text: str, width: float, font: float, lines: int) -> list[str]:
    """``text`` wrapped at word boundaries into lines no wider than ``width`` at font size
    ``font`` (by `text_width`'s generous estimate), at most ``lines`` of them, the last
    shortened with an ellipsis if the text does not fit; a word too long for a line is cut."""
    result: list[str] = []
    line = ""
    for word in text.split():
        while text_width(word, font) > width:  # a word wider than a line: cut it
            cut = len(word)
            while cut > 1 and text_width(word[:cut] + "-", font) > width:
                cut -= 1
            if line:
                result.append(line)
                line = ""
            result.append(word[:cut] + "-")
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, font) <= width:
            line = candidate
        else:
            result.append(line)
            line = word
    if line:
        result.append(line)
    if len(result) > lines:
        last = " ".join(result[lines - 1 :])
        while last and text_width(last + "…", font) > width:
            last = last[:-1]
        result = [*result[: lines - 1], last.rstrip(" ,;:-") + "…"]
    return result or [""]


def label(code: str, title: str) -> str:
    return f"{code} {title}".strip()


def team_depths(teams: Sequence[MapTeam]) -> dict[int, int]:
    """Depth of each team among `teams`: a team whose parent is not among them is a root (0).

    A cycle in the parents (which the database refuses) is broken by treating the first team
    met on it as a root, so the layout never loops.
    """
    parents = {t.key: t.parent for t in teams}
    depths: dict[int, int] = {}
    for team in teams:
        chain: list[int] = []
        node: int | None = team.key
        while node is not None and node in parents and node not in depths and node not in chain:
            chain.append(node)
            node = parents[node]
        base = depths[node] + 1 if node is not None and node in depths else 0
        for offset, key in enumerate(reversed(chain)):
            depths[key] = base + offset
    return depths


def _tree_order(teams: Sequence[MapTeam]) -> list[MapTeam]:
    """Teams in depth-first order, siblings in their given order."""
    keys = {t.key for t in teams}
    children: dict[int | None, list[MapTeam]] = defaultdict(list)
    for team in teams:
        children[team.parent if team.parent in keys else None].append(team)
    ordered: list[MapTeam] = []
    seen: set[int] = set()

    def visit(team: MapTeam) -> None:
        if team.key in seen:
            return
        seen.add(team.key)
        ordered.append(team)
        for child in children[team.key]:
            visit(child)

    for root in children[None]:
        visit(root)
    for team in teams:  # members of a parent cycle, if any
        visit(team)
    return ordered


def _collapsed(teams: Sequence[MapTeam], with_objectives: set[int]) -> list[MapTeam]:
    """The teams that have objectives, each re-parented to its nearest ancestor that has some
    (or made a root): a level of the tree without objectives takes no room."""
    by_key = {t.key: t for t in teams}
    result = []
    for team in teams:
        if team.key not in with_objectives:
            continue
        parent, seen = team.parent, {team.key}
        while parent is not None and parent in by_key and parent not in with_objectives:
            if parent in seen:  # a cycle in the parents: treat as a root
                parent = None
                break
            seen.add(parent)
            parent = by_key[parent].parent
        if parent is not None and parent not in by_key:
            parent = None
        result.append(MapTeam(team.key, team.name, parent, team.grade, team.href, team.view_href))
    return result


def layout(
    *,
    teams: Sequence[MapTeam],
    objectives: Sequence[MapObjective],
    key_results: Sequence[MapKeyResult],
    edges: Iterable[MapEdge],
    outside: Sequence[MapOutside] = (),
    expand: dict[int, MapExpand] | None = None,
    spread: bool = True,
    words: Words = ENGLISH,
) -> MapLayout:
    """Place teams, objectives and key results, and route the links between objectives.

    Objectives of teams not in ``teams`` are left out, key results of objectives not placed
    are left out, and an edge is drawn only when both its objectives are placed: what is not
    given cannot leak through the picture. A team without objectives takes no room: its
    descendants move up a column. ``outside`` adds rows naming objectives outside the view
    to the boxes they link; ``expand`` adds a row to a team's band for its subtree not drawn.
    With ``spread`` a crowded depth may take several columns (a big map then is about as
    wide as it is tall); without, each depth is one column, so the width depends only on
    the number of depths.
    """
    team_keys = {t.key for t in teams}
    placed_objectives = [o for o in objectives if o.team in team_keys]
    expand = expand or {}
    folded = {key for key, more in expand.items() if more.own}  # a band without its objectives
    shown = _tree_order(_collapsed(teams, {o.team for o in placed_objectives} | folded))
    depths = team_depths(shown)
    krs_of: dict[int, list[MapKeyResult]] = defaultdict(list)
    for kr in key_results:
        krs_of[kr.objective].append(kr)
    outside_of: dict[int, list[MapOutside]] = defaultdict(list)
    for link in outside:
        outside_of[link.objective].append(link)
    objectives_of: dict[int, list[MapObjective]] = defaultdict(list)
    for objective in placed_objectives:
        objectives_of[objective.team].append(objective)
    context = _Context(krs_of, outside_of, expand, words)

    # Each depth gets one column, or several side by side when its teams would make a column
    # taller than the limit (a team's band is never split). The limit keeps a big map about as
    # wide as it is tall: with pitch p, depths d and total band height t, the height h with
    # h = p * (d + t / h) columns' width.
    heights = {
        t.key: _place_team(t, objectives_of[t.key], context, 0, 0, 0).box.height + BAND_GAP
        for t in shown
    }
    pitch, depth_count = BAND_WIDTH + COLUMN_GAP, len(set(depths.values()))
    total = sum(heights.values())
    limit = max(
        MIN_COLUMN_HEIGHT,
        (pitch * depth_count + math.sqrt((pitch * depth_count) ** 2 + 4 * pitch * total)) / 2,
    )
    if not spread:
        limit = math.inf
    slots: list[list[MapTeam]] = []
    for depth in sorted(set(depths.values())):
        height = 0.0
        slots.append([])
        for team in (t for t in shown if depths[t.key] == depth):
            if slots[-1] and height + heights[team.key] > limit:
                slots.append([])
                height = 0.0
            slots[-1].append(team)
            height += heights[team.key]
    bottoms: defaultdict[int, float] = defaultdict(lambda: float(HEADER))
    placed_by_key: dict[int, PlacedTeam] = {}
    for column, slot in enumerate(slots):
        x = MARGIN + column * (BAND_WIDTH + COLUMN_GAP)
        for team in slot:
            placed = _place_team(team, objectives_of[team.key], context, x, bottoms[column], column)
            placed.depth = depths[team.key]
            bottoms[column] = placed.box.y + placed.box.height + BAND_GAP
            placed_by_key[team.key] = placed
    placed_teams = [placed_by_key[t.key] for t in shown]

    by_key = {o.objective.key: o for team in placed_teams for o in team.objectives}
    placed_edges = [
        PlacedEdge(
            edge=edge,
            path=_route(by_key[edge.child], by_key[edge.parent]),
            child_label=label(
                by_key[edge.child].objective.code, by_key[edge.child].objective.title
            ),
            parent_label=label(
                by_key[edge.parent].objective.code, by_key[edge.parent].objective.title
            ),
        )
        for edge in edges
        if edge.child in by_key and edge.parent in by_key and edge.child != edge.parent
    ]
    column_count = max(1, len(slots))
    width = 2 * MARGIN + column_count * BAND_WIDTH + (column_count - 1) * COLUMN_GAP
    height = max(bottoms.values(), default=float(HEADER)) + MARGIN
    return MapLayout(
        teams=placed_teams, edges=placed_edges, width=width, height=height, words=words
    )


@dataclass(frozen=True, slots=True)
class _Context:
    krs_of: dict[int, list[MapKeyResult]]
    outside_of: dict[int, list[MapOutside]]
    expand: dict[int, MapExpand]
    words: Words


_TITLE_WIDTH: Final = BOX_WIDTH - 14 - 10
_ROW_WIDTH: Final = BOX_WIDTH - 16 - 20 - 40


_GRADE: Final = gettext_noop("Grade %(grade)s")
_CONTRIBUTES: Final = gettext_noop("Contributes to")
_CONTRIBUTES_TO: Final = gettext_noop("→ contributes to %(objective)s")
_CONTRIBUTED_BY: Final = gettext_noop("← contributed to by %(objective)s")


def _outside_around(link: MapOutside, words: Words) -> tuple[str, str]:
    """The words before and after the linked objective's name in its row."""
    message = _CONTRIBUTES_TO if link.direction == "to" else _CONTRIBUTED_BY
    template = words.gettext(message)
    before, _, after = template.partition("%(objective)s")
    return before, after


def _outside_line(link: MapOutside, words: Words) -> str:
    before, after = _outside_around(link, words)
    return f"{before}{link.text}{after}"


def _place_team(
    team: MapTeam,
    objectives: Sequence[MapObjective],
    context: _Context,
    x: float,
    y: float,
    column: int,
) -> PlacedTeam:
    cursor = y + BAND_HEAD
    placed: list[PlacedObjective] = []
    for objective in objectives:
        lines = wrap_width(  # bold text: a tenth wider than the estimate for regular text
            label(objective.code, objective.title), _TITLE_WIDTH, TITLE_FONT * 1.1, TITLE_LINES
        )
        head = BOX_LINE * (len(lines) + 1) + 10
        item = PlacedObjective(
            objective=objective, box=Box(0, 0, 0, 0), column=column, title_lines=lines
        )
        row_y = cursor + head
        for kr in context.krs_of.get(objective.key, []):
            kr_lines = wrap_width(label(kr.code, kr.title), _ROW_WIDTH, KR_FONT, KR_LINES)
            row_height = KR_ROW + KR_LINE * (len(kr_lines) - 1)
            row = Box(x + BAND_PAD + 8, row_y, BOX_WIDTH - 16, row_height)
            item.key_results.append(PlacedKeyResult(key_result=kr, box=row, lines=kr_lines))
            row_y += row_height + 2
        links = context.outside_of.get(objective.key, [])
        for link in links[:OUTSIDE_SHOWN]:
            line = wrap_width(_outside_line(link, context.words), BOX_WIDTH - 32, KR_FONT, 1)[0]
            item.outside.append(
                PlacedOutside(
                    outside=link,
                    box=Box(x + BAND_PAD + 8, row_y, BOX_WIDTH - 16, KR_ROW),
                    line=line,
                )
            )
            row_y += KR_ROW
        item.more_outside = max(0, len(links) - OUTSIDE_SHOWN)
        if item.more_outside:
            row_y += KR_ROW
        rows = row_y - (cursor + head)
        height = head + rows + (6 if rows else 0)
        item.box = Box(x + BAND_PAD, cursor, BOX_WIDTH, height)
        placed.append(item)
        cursor += height + BOX_GAP
    expand = context.expand.get(team.key)
    expand_box = None
    if expand is not None and team.view_href:
        expand_box = Box(x + BAND_PAD, cursor, BOX_WIDTH, BOX_LINE + 8)
        cursor += BOX_LINE + 8 + BOX_GAP
    if not objectives and expand_box is None:
        cursor += BOX_LINE + BOX_GAP
    band = Box(x, y, BAND_WIDTH, cursor - y + BAND_PAD - BOX_GAP)
    return PlacedTeam(
        team=team,
        box=band,
        column=column,
        depth=0,
        objectives=placed,
        expand=expand if expand_box is not None else None,
        expand_box=expand_box,
    )


def _anchor_y(item: PlacedObjective) -> float:
    return item.box.y + BOX_LINE + 4


def _route(child: PlacedObjective, parent: PlacedObjective) -> str:
    """A cubic curve from the contributing objective to the one it contributes to.

    Between columns it leaves the side facing the other box; within a column it leaves and
    enters on the right and bulges into the gap, further for longer links.
    """
    y1, y2 = _anchor_y(child), _anchor_y(parent)
    if child.column != parent.column:
        rightward = child.column < parent.column
        x1 = child.box.x + (child.box.width if rightward else 0)
        x2 = parent.box.x + (0 if rightward else parent.box.width)
        bend = (x2 - x1) / 2
        c1, c2 = x1 + bend, x2 - bend
    else:
        x1 = x2 = child.box.x + child.box.width
        bulge = min(COLUMN_GAP - 10, 24 + math.sqrt(abs(y2 - y1)) * 1.5)
        c1 = c2 = x1 + min(bulge, MARGIN - 2 + BAND_PAD)
    return f"M{_f(x1)},{_f(y1)} C{_f(c1)},{_f(y1)} {_f(c2)},{_f(y2)} {_f(x2)},{_f(y2)}"


def _f(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _swap(href: str) -> str:
    """htmx attributes that open another view in place (the link works without them)."""
    return (
        f' hx-get="{esc(href)}" hx-target="#map-view" hx-select="#map-view"'
        ' hx-swap="outerHTML" hx-push-url="true"'
    )


def expand_text(team: PlacedTeam, words: Words = ENGLISH) -> str:
    expand = team.expand
    if expand is None:
        return ""
    if expand.own:
        own = counted(
            words,
            expand.own,
            gettext_noop("%(count)s objective"),
            gettext_noop("%(count)s objectives"),
        )
        if not expand.teams:
            return "▸ " + words.say(
                gettext_noop("Open %(team)s: its %(own)s"),
                team=shorten(team.team.name, 36),
                own=own,
            )
        return "▸ " + words.say(
            gettext_noop("Open %(team)s: its %(own)s, %(teams)s below"),
            team=shorten(team.team.name, 28),
            own=own,
            teams=counted(
                words, expand.teams, gettext_noop("%(count)s team"), gettext_noop("%(count)s teams")
            ),
        )
    if not expand.teams:
        return "▸ " + words.say(
            gettext_noop("Open %(team)s with its key results"), team=shorten(team.team.name, 40)
        )
    teams = counted(
        words, expand.teams, gettext_noop("%(count)s team"), gettext_noop("%(count)s teams")
    )
    objectives = counted(
        words,
        expand.objectives,
        gettext_noop("%(count)s objective"),
        gettext_noop("%(count)s objectives"),
    )
    return "▸ " + words.say(
        gettext_noop("Open %(team)s: %(teams)s below, %(objectives)s"),
        team=shorten(team.team.name, 28),
        teams=teams,
        objectives=objectives,
    )


def render_svg(plan: MapLayout, *, title: str, description: str, org_grade: float | None) -> str:
    """The laid-out map as one accessible SVG document (text escaped, links as ``<a href>``).

    Each link is named by the text it shows (no ``aria-label`` that could differ from it);
    the status marks beside that text are hidden from assistive technology, which reads the
    status in words.
    """
    words = plan.words
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="alignment-map" role="group"'
        f' viewBox="0 0 {_f(plan.width)} {_f(plan.height)}" width="{_f(plan.width)}"'
        f' height="{_f(plan.height)}" aria-labelledby="map-title map-desc"'
        f' font-family="system-ui, sans-serif">',
        f'<title id="map-title">{esc(title)}</title>',
        f'<desc id="map-desc">{esc(description)}</desc>',
        "<defs>"
        '<marker id="map-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
        ' markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"'
        ' fill="#57606a"/></marker></defs>',
        f'<text class="map-org" x="{MARGIN}" y="24" font-size="15" font-weight="700"'
        f' fill="#1b1f24">'
        + esc(
            words.say(
                gettext_noop("Organization · grade %(grade)s"), grade=grade_text(org_grade, words)
            )
        )
        + "</text>",
    ]
    for team in plan.teams:  # bands first, then the links, then the boxes on top of both
        parts += _render_team(team, words)
    parts.append('<g class="map-edges">')
    for edge in plan.edges:
        parts.append(
            f'<path class="map-edge" d="{edge.path}" fill="none" stroke="#57606a"'
            f' stroke-width="{_f(1 + min(edge.edge.weight, 3.0))}" stroke-opacity="0.7"'
            f' marker-end="url(#map-arrow)" data-child="{edge.edge.child}"'
            f' data-parent="{edge.edge.parent}"><title>'
            + esc(
                words.say(
                    gettext_noop("%(child)s contributes to %(parent)s (weight %(weight)s)"),
                    child=edge.child_label,
                    parent=edge.parent_label,
                    weight=words.number(edge.edge.weight),
                )
            )
            + "</title></path>"
        )
    parts.append("</g>")
    for team in plan.teams:
        parts.append(f'<g class="map-objectives" data-team="{team.team.key}">')
        for item in team.objectives:
            parts += _render_objective(item, words)
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _render_team(team: PlacedTeam, words: Words) -> list[str]:
    box = team.box
    name = f"{shorten(team.team.name, 40)} · {grade_text(team.team.grade, words)}"
    heading = (
        f'<text class="map-team-name" x="{_f(box.x + 10)}" y="{_f(box.y + 20)}" font-size="14"'
        f' font-weight="700" fill="#1b1f24">{esc(name)}</text>'
    )
    if team.team.href:
        heading = f'<a href="{esc(team.team.href)}">{heading}</a>'
    parts = [
        f'<g class="map-team" data-team="{team.team.key}">',
        f'<rect class="map-band" x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.width)}"'
        f' height="{_f(box.height)}" rx="8" fill="#f6f8fa" stroke="#d0d7de"/>',
        heading,
    ]
    if team.expand_box is not None and team.team.view_href:
        e = team.expand_box
        parts.append(
            f'<a class="map-expand" href="{esc(team.team.view_href)}" data-team="{team.team.key}"'
            f"{_swap(team.team.view_href)}>"
            f'<rect x="{_f(e.x)}" y="{_f(e.y)}" width="{_f(e.width)}" height="{_f(e.height)}"'
            f' rx="5" fill="#ffffff" stroke="#0b5cad" stroke-dasharray="4 3"/>'
            f'<text x="{_f(e.x + 10)}" y="{_f(e.y + 16)}" font-size="12" font-weight="600"'
            f' fill="#0b5cad">{esc(expand_text(team, words))}</text></a>'
        )
    parts.append("</g>")
    return parts


def _render_objective(item: PlacedObjective, words: Words) -> list[str]:
    o, box = item.objective, item.box
    colour = STATUS_COLOURS[o.status]
    grade_y = _f(box.y + BOX_LINE * (len(item.title_lines) + 1) + 2)
    parts = [
        f'<a class="map-node map-objective map-status-{o.status.value}" href="{esc(o.href)}"'
        f' data-objective="{o.key}">',
        f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.width)}" height="{_f(box.height)}"'
        f' rx="6" fill="#ffffff" stroke="{colour}" stroke-width="1.5"/>',
        f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="6" height="{_f(box.height)}" rx="3"'
        f' fill="{colour}"/>',
    ]
    for index, line in enumerate(item.title_lines):
        parts.append(
            f'<text x="{_f(box.x + 14)}" y="{_f(box.y + BOX_LINE * (index + 1))}"'
            f' font-size="{TITLE_FONT}" font-weight="600" fill="#1b1f24">{esc(line)}</text>'
        )
    parts.append(
        f'<text class="map-grade" x="{_f(box.x + 14)}" y="{grade_y}" font-size="12"'
        f' fill="{colour}" font-weight="600">'
        f"{esc(words.say(_GRADE, grade=grade_text(o.grade, words)))} ·"
        f' <tspan aria-hidden="true">{esc(STATUS_MARKS[o.status])} </tspan>'
        f"{esc(words.status(o.status))}</text>"
    )
    parts.append("</a>")
    for row in item.key_results:
        parts += _render_key_result(row, words)
    for link in item.outside:
        parts += _render_outside(link)
    if item.more_outside:
        last = item.outside[-1].box
        parts.append(
            f'<a class="map-more" href="{esc(item.objective.href)}">'
            f'<text x="{_f(last.x + 6)}" y="{_f(last.y + 2 * KR_ROW - 5)}"'
            f' font-size="{KR_FONT}" fill="#0b5cad" text-decoration="underline">'
            + esc(_more_text(item, words))
            + "</text></a>"
        )
    return parts


_MORE: Final = gettext_noop("and %(count)s more on its page")


def _more_text(item: PlacedObjective, words: Words) -> str:
    """The row after the links shown: how many more there are, on the objective's page (which
    lists every link); the map shows a few a box."""
    return words.say(_MORE, count=words.number(item.more_outside))


def _render_key_result(row: PlacedKeyResult, words: Words) -> list[str]:
    kr, box = row.key_result, row.box
    colour = STATUS_COLOURS[kr.status]
    baseline = box.y + KR_ROW - 5
    parts = [
        f'<a class="map-node map-kr map-status-{kr.status.value}" href="{esc(kr.href)}"'
        f' data-key-result="{kr.key}">',
        f"<desc>{esc(words.status(kr.status))}</desc>",
        f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.width)}"'
        f' height="{_f(box.height - 2)}" rx="3" fill="{colour}" fill-opacity="0.08"/>',
        f'<text x="{_f(box.x + 6)}" y="{_f(baseline)}" font-size="{KR_FONT}" fill="{colour}"'
        f' font-weight="700" aria-hidden="true">{esc(STATUS_MARKS[kr.status])}</text>',
    ]
    for index, line in enumerate(row.lines):
        parts.append(
            f'<text x="{_f(box.x + 20)}" y="{_f(baseline + KR_LINE * index)}"'
            f' font-size="{KR_FONT}" fill="#1b1f24">{esc(line)}</text>'
        )
    parts += [
        f'<text class="map-grade" x="{_f(box.x + box.width - 6)}" y="{_f(baseline)}"'
        f' font-size="{KR_FONT}" text-anchor="end" font-weight="600" fill="#1b1f24">'
        f"{esc(grade_text(kr.grade, words))}</text>",
        "</a>",
    ]
    return parts


def _render_outside(row: PlacedOutside) -> list[str]:
    box = row.box
    return [
        f'<a class="map-outside" href="{esc(row.outside.href)}"'
        f' data-objective-outside="{row.outside.objective}">'
        f'<text x="{_f(box.x + 6)}" y="{_f(box.y + KR_ROW - 5)}" font-size="{KR_FONT}"'
        f' fill="#0b5cad" text-decoration="underline">{esc(row.line)}</text></a>'
    ]


def render_list(plan: MapLayout) -> str:
    """The map as nested lists, its text alternative: every team, objective and key result with
    its grade and status, the links to objectives outside the view, the subtrees not drawn,
    then the contributes-to links (text escaped)."""
    words = plan.words

    def graded(grade: float | None) -> str:
        return esc(words.say(gettext_noop("grade %(grade)s"), grade=grade_text(grade, words)))

    parts = ['<ul class="map-tree">']
    for placed in plan.teams:
        team = placed.team
        name = esc(team.name)
        if team.href:
            name = f'<a href="{esc(team.href)}">{name}</a>'
        parts.append(f"<li><strong>{name}</strong> · {graded(team.grade)}<ul>")
        for item in placed.objectives:
            o = item.objective
            parts.append(
                f'<li><a href="{esc(o.href)}">{esc(label(o.code, o.title))}</a>'
                f" · {graded(o.grade)} · {esc(words.status(o.status))}"
            )
            if item.key_results or item.outside:
                parts.append("<ul>")
                for row in item.key_results:
                    kr = row.key_result
                    parts.append(
                        f'<li><a href="{esc(kr.href)}">{esc(label(kr.code, kr.title))}</a>'
                        f" · {graded(kr.grade)} · {esc(words.status(kr.status))}</li>"
                    )
                for link in item.outside:
                    before, after = _outside_around(link.outside, words)
                    parts.append(
                        f'<li class="outside">{esc(before)}<a href="{esc(link.outside.href)}">'
                        f"{esc(link.outside.text)}</a>{esc(after)}</li>"
                    )
                if item.more_outside:
                    parts.append(
                        f'<li class="outside"><a href="{esc(o.href)}">'
                        f"{esc(_more_text(item, words))}</a></li>"
                    )
                parts.append("</ul>")
            parts.append("</li>")
        if placed.expand is not None and team.view_href:
            parts.append(
                f'<li class="expand"><a href="{esc(team.view_href)}"{_swap(team.view_href)}>'
                f"{esc(expand_text(placed, words).removeprefix('▸ '))}</a></li>"
            )
        parts.append("</ul></li>")
    parts.append("</ul>")
    if plan.edges:
        parts.append(f"<h2>{esc(words.gettext(_CONTRIBUTES))}</h2><ul>")
        parts.extend(
            f"<li>{esc(edge.child_label)} → {esc(edge.parent_label)}</li>" for edge in plan.edges
        )
        parts.append("</ul>")
    return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class MapView:
    """What one view of the map draws: the teams with their objectives (key results only for
    the teams in ``full``), the links both of whose ends are drawn, the links leaving the view,
    the subtrees not drawn, and the path of teams above the view."""

    teams: list[MapTeam]
    objectives: list[MapObjective]
    full: set[int]
    edges: list[MapEdge]
    outside: list[MapOutside]
    expand: dict[int, MapExpand]
    path: list[MapTeam]
    anchor: MapTeam | None


@dataclass(frozen=True, slots=True)
class ViewPlan:
    """Which teams one view of the map draws, known from the teams and how many objectives each
    has: the anchor's level (``level0``) and the teams right below it (``level1``), the
    subtrees not drawn (``expand``) and the path of teams above the view."""

    level0: list[MapTeam]
    level1: list[MapTeam]
    expand: dict[int, MapExpand]
    path: list[MapTeam]
    anchor: MapTeam | None
    folded: frozenset[int] = frozenset()
    """Teams of ``level1`` drawn as a band to open, without their objectives: there were more
    below the anchor than one view draws (`DRAWN_OBJECTIVES`)."""

    @property
    def teams(self) -> list[MapTeam]:
        return [*self.level0, *self.level1]

    @property
    def with_objectives(self) -> list[MapTeam]:
        """The teams whose objectives the view draws (and the page reads)."""
        return [t for t in self.teams if t.key not in self.folded]

    @property
    def full(self) -> set[int]:
        """The teams drawn with their key results."""
        if self.level0:
            return {t.key for t in self.level0}
        return {t.key for t in self.level1} if len(self.level1) == 1 else set()


DRAWN_OBJECTIVES: Final = 150
"""At most this many objectives of the teams below the anchor in one view: past it they are
folded (a band per team with a link to open it), so a view costs what one screenful shows
however wide the organization is."""


def plan_view(
    *,
    teams: Sequence[MapTeam],
    counts: Mapping[int, int],
    focus: int | None,
    budget: int | None = None,
) -> ViewPlan:
    """One screenful of the organization: the team ``focus`` (None: the top of the
    organization) and the teams right below it; deeper teams are not drawn but counted
    (`MapExpand`), a link to open each. ``counts`` gives each team's number of objectives.
    Levels without objectives collapse: a team without any is skipped and its children take
    its place (the top of an organization is often such a team). When the teams below hold
    more than ``budget`` (`DRAWN_OBJECTIVES`) objectives, all of them are folded (drawn as
    bands to open, their objectives counted): the same level reads the same way, never half
    drawn."""
    by_key = {t.key: t for t in teams}
    own = {key: counts.get(key, 0) for key in by_key}
    children: dict[int | None, list[MapTeam]] = defaultdict(list)
    for team in _tree_order(teams):
        parent = team.parent if team.parent in by_key and team.parent != team.key else None
        children[parent].append(team)

    def below(key: int | None) -> list[MapTeam]:
        """The nearest teams with objectives under ``key``, skipping levels without any."""
        found: list[MapTeam] = []
        stack = list(reversed(children[key]))
        seen: set[int] = set()
        while stack:
            team = stack.pop()
            if team.key in seen:
                continue
            seen.add(team.key)
            if own[team.key]:
                found.append(team)
            else:
                stack.extend(reversed(children[team.key]))
        return found

    def subtree(key: int) -> MapExpand:
        teams_below = objectives_below = 0
        stack, seen = list(children[key]), {key}
        while stack:
            team = stack.pop()
            if team.key in seen:
                continue
            seen.add(team.key)
            if own[team.key]:
                teams_below += 1
                objectives_below += own[team.key]
            stack.extend(children[team.key])
        return MapExpand(teams_below, objectives_below)

    anchor = by_key.get(focus) if focus is not None else None
    if anchor is None:
        tops = below(None)
        if len(tops) == 1:
            anchor = tops[0]
    if anchor is not None and own[anchor.key]:
        level0, level1 = [anchor], below(anchor.key)
    elif anchor is not None:
        level0, level1 = [], below(anchor.key)
    else:
        level0, level1 = [], below(None)
    path = []
    node = anchor.parent if anchor is not None else None
    seen_path: set[int] = set()
    while node is not None and node in by_key and node not in seen_path:
        seen_path.add(node)
        path.append(by_key[node])
        node = by_key[node].parent
    fold = sum(own[t.key] for t in level1) > (DRAWN_OBJECTIVES if budget is None else budget)
    return ViewPlan(
        level0=level0,
        level1=level1,
        # each team below opens to its key results and, if any, its teams below
        expand={
            team.key: replace(subtree(team.key), own=own[team.key] if fold else 0)
            for team in level1
        },
        path=list(reversed(path)),
        anchor=anchor,
        folded=frozenset(t.key for t in level1) if fold else frozenset(),
    )


def finish_view(
    plan: ViewPlan,
    *,
    objectives: Sequence[MapObjective],
    edges: Iterable[MapEdge],
    team_names: Mapping[int, str],
) -> MapView:
    """The view `plan` draws, with ``objectives`` (those of its teams, and any other an edge
    leads to) and the ``edges`` between them: a link both of whose ends are drawn is drawn, a
    link to an objective not drawn becomes a `MapOutside` row naming it and its team."""
    drawn_teams = plan.teams
    own = defaultdict(list)
    for objective in objectives:
        if objective.team not in plan.folded:
            own[objective.team].append(objective)
    drawn = {o.key for t in drawn_teams for o in own[t.key]}
    objective_of = {o.key: o for o in objectives}
    inside, outside = [], []
    for edge in edges:
        if edge.child == edge.parent:
            continue
        if edge.child in drawn and edge.parent in drawn:
            inside.append(edge)
            continue
        for mine, other, direction in (
            (edge.child, edge.parent, "to"),
            (edge.parent, edge.child, "from"),
        ):
            if mine in drawn and other in objective_of:
                target = objective_of[other]
                text = f"{team_names.get(target.team, '')}: {label(target.code, target.title)}"
                outside.append(MapOutside(mine, direction, text, target.href))
    return MapView(
        teams=drawn_teams,
        objectives=[o for t in drawn_teams for o in own[t.key]],
        full=plan.full,
        edges=inside,
        outside=outside,
        expand=plan.expand,
        path=plan.path,
        anchor=plan.anchor,
    )


def select_view(
    *,
    teams: Sequence[MapTeam],
    objectives: Sequence[MapObjective],
    edges: Iterable[MapEdge],
    focus: int | None,
) -> MapView:
    """`plan_view` then `finish_view` of all the objectives and edges given: the view of a
    map whose objectives are all at hand."""
    by_key = {t.key for t in teams}
    counts: dict[int, int] = defaultdict(int)
    for objective in objectives:
        if objective.team in by_key:
            counts[objective.team] += 1
    plan = plan_view(teams=teams, counts=counts, focus=focus)
    return finish_view(
        plan,
        objectives=objectives,
        edges=edges,
        team_names={t.key: t.name for t in teams},
    )
