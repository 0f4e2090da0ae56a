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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from okrs.core.charts import esc
from okrs.core.pacing import Status

BAND_WIDTH: Final = 320
COLUMN_GAP: Final = 90
MARGIN: Final = 16
HEADER: Final = 40
BAND_HEAD: Final = 30
BAND_PAD: Final = 8
BAND_GAP: Final = 18
BOX_WIDTH: Final = BAND_WIDTH - 2 * BAND_PAD
BOX_LINE: Final = 16
BOX_GAP: Final = 8
KR_ROW: Final = 18
TITLE_CHARS: Final = 38
KR_CHARS: Final = 34
MIN_COLUMN_HEIGHT: Final = 2400
"""A depth whose teams need more height than this may be spread over several columns."""

STATUS_COLOURS: Final = {
    Status.ON_TRACK: "#1a7f37",
    Status.AT_RISK: "#9a6700",
    Status.OFF_TRACK: "#cf222e",
    Status.NO_DATA: "#6e7781",
}
STATUS_MARKS: Final = {
    Status.ON_TRACK: "✓",
    Status.AT_RISK: "!",
    Status.OFF_TRACK: "✕",
    Status.NO_DATA: "…",
}


@dataclass(frozen=True, slots=True)
class MapTeam:
    key: int
    name: str
    parent: int | None
    grade: float | None = None
    href: str | None = None


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
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass(slots=True)
class PlacedKeyResult:
    key_result: MapKeyResult
    box: Box


@dataclass(slots=True)
class PlacedObjective:
    objective: MapObjective
    box: Box
    column: int
    title_lines: list[str]
    key_results: list[PlacedKeyResult] = field(default_factory=list)


@dataclass(slots=True)
class PlacedTeam:
    team: MapTeam
    box: Box
    column: int
    depth: int
    objectives: list[PlacedObjective] = field(default_factory=list)


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

    @property
    def objectives(self) -> list[PlacedObjective]:
        return [o for team in self.teams for o in team.objectives]


def grade_text(grade: float | None) -> str:
    return "—" if grade is None else f"{grade:.2f}"


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


def _shown_teams(teams: Sequence[MapTeam], with_objectives: set[int]) -> list[MapTeam]:
    """Teams that have objectives, and their ancestors (so the tree stays connected)."""
    by_key = {t.key: t for t in teams}
    keep: set[int] = set()
    for key in with_objectives:
        node: int | None = key
        while node is not None and node in by_key and node not in keep:
            keep.add(node)
            node = by_key[node].parent
    return [t for t in teams if t.key in keep]


def layout(
    *,
    teams: Sequence[MapTeam],
    objectives: Sequence[MapObjective],
    key_results: Sequence[MapKeyResult],
    edges: Iterable[MapEdge],
) -> MapLayout:
    """Place teams, objectives and key results, and route the links between objectives.

    Objectives of teams not in ``teams`` are left out, key results of objectives not placed
    are left out, and an edge is drawn only when both its objectives are placed: what is not
    given cannot leak through the picture.
    """
    team_keys = {t.key for t in teams}
    placed_objectives = [o for o in objectives if o.team in team_keys]
    shown = _tree_order(_shown_teams(teams, {o.team for o in placed_objectives}))
    depths = team_depths(shown)
    krs_of: dict[int, list[MapKeyResult]] = defaultdict(list)
    for kr in key_results:
        krs_of[kr.objective].append(kr)
    objectives_of: dict[int, list[MapObjective]] = defaultdict(list)
    for objective in placed_objectives:
        objectives_of[objective.team].append(objective)

    # Each depth gets one column, or several side by side when its teams would make a column
    # taller than the limit (a team's band is never split). The limit keeps a big map about as
    # wide as it is tall: with pitch p, depths d and total band height t, the height h with
    # h = p * (d + t / h) columns' width.
    heights = {
        t.key: _place_team(t, objectives_of[t.key], krs_of, 0, 0, 0).box.height + BAND_GAP
        for t in shown
    }
    pitch, depth_count = BAND_WIDTH + COLUMN_GAP, len(set(depths.values()))
    total = sum(heights.values())
    limit = max(
        MIN_COLUMN_HEIGHT,
        (pitch * depth_count + math.sqrt((pitch * depth_count) ** 2 + 4 * pitch * total)) / 2,
    )
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
            placed = _place_team(team, objectives_of[team.key], krs_of, x, bottoms[column], column)
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
    width = 2 * MARGIN + column_count * BAND_WIDTH + (column_count - 1) * COLUMN_GAP + 40
    height = max(bottoms.values(), default=float(HEADER)) + MARGIN
    return MapLayout(teams=placed_teams, edges=placed_edges, width=width, height=height)


def _place_team(
    team: MapTeam,
    objectives: Sequence[MapObjective],
    krs_of: dict[int, list[MapKeyResult]],
    x: float,
    y: float,
    column: int,
) -> PlacedTeam:
    cursor = y + BAND_HEAD
    placed: list[PlacedObjective] = []
    for objective in objectives:
        lines = wrap(label(objective.code, objective.title), TITLE_CHARS, 2)
        rows = krs_of.get(objective.key, [])
        head = BOX_LINE * (len(lines) + 1) + 10
        height = head + KR_ROW * len(rows) + (6 if rows else 0)
        box = Box(x + BAND_PAD, cursor, BOX_WIDTH, height)
        item = PlacedObjective(objective=objective, box=box, column=column, title_lines=lines)
        for index, kr in enumerate(rows):
            row = Box(box.x + 8, cursor + head + KR_ROW * index, BOX_WIDTH - 16, KR_ROW)
            item.key_results.append(PlacedKeyResult(key_result=kr, box=row))
        placed.append(item)
        cursor += height + BOX_GAP
    if not objectives:
        cursor += BOX_LINE + BOX_GAP
    band = Box(x, y, BAND_WIDTH, cursor - y + BAND_PAD - BOX_GAP)
    return PlacedTeam(team=team, box=band, column=column, depth=0, objectives=placed)


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
        c1 = c2 = x1 + bulge + BAND_PAD
    return f"M{_f(x1)},{_f(y1)} C{_f(c1)},{_f(y1)} {_f(c2)},{_f(y2)} {_f(x2)},{_f(y2)}"


def _f(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def render_svg(plan: MapLayout, *, title: str, description: str, org_grade: float | None) -> str:
    """The laid-out map as one accessible SVG document (text escaped, links as ``<a href>``)."""
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
        f' fill="#1b1f24">Organization · grade {esc(grade_text(org_grade))}</text>',
    ]
    for team in plan.teams:  # bands first, then the links, then the boxes on top of both
        parts += _render_team(team)
    parts.append('<g class="map-edges">')
    for edge in plan.edges:
        parts.append(
            f'<path class="map-edge" d="{edge.path}" fill="none" stroke="#57606a"'
            f' stroke-width="{_f(1 + min(edge.edge.weight, 3.0))}" stroke-opacity="0.7"'
            f' marker-end="url(#map-arrow)" data-child="{edge.edge.child}"'
            f' data-parent="{edge.edge.parent}"><title>{esc(edge.child_label)} contributes to'
            f" {esc(edge.parent_label)} (weight {esc(_weight(edge.edge.weight))})</title></path>"
        )
    parts.append("</g>")
    for team in plan.teams:
        parts.append(f'<g class="map-objectives" data-team="{team.team.key}">')
        for item in team.objectives:
            parts += _render_objective(item)
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _weight(weight: float) -> str:
    return f"{weight:g}"


def _render_team(team: PlacedTeam) -> list[str]:
    box = team.box
    name = f"{shorten(team.team.name, 30)} · {grade_text(team.team.grade)}"
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
    if not team.objectives:
        parts.append(
            f'<text x="{_f(box.x + 10)}" y="{_f(box.y + BAND_HEAD + 12)}" font-size="12"'
            f' fill="#57606a">No objectives you may see</text>'
        )
    parts.append("</g>")
    return parts


def _render_objective(item: PlacedObjective) -> list[str]:
    o, box = item.objective, item.box
    colour = STATUS_COLOURS[o.status]
    summary = f"Grade {grade_text(o.grade)} · {STATUS_MARKS[o.status]} {o.status.label}"
    accessible = (
        f"Objective {label(o.code, o.title)}: grade {grade_text(o.grade)}, {o.status.label}"
    )
    parts = [
        f'<a class="map-node map-objective status-{o.status.value}" href="{esc(o.href)}"'
        f' aria-label="{esc(accessible)}" data-objective="{o.key}">',
        f"<title>{esc(accessible)}</title>",
        f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.width)}" height="{_f(box.height)}"'
        f' rx="6" fill="#ffffff" stroke="{colour}" stroke-width="1.5"/>',
        f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="6" height="{_f(box.height)}" rx="3"'
        f' fill="{colour}"/>',
    ]
    for index, line in enumerate(item.title_lines):
        parts.append(
            f'<text x="{_f(box.x + 14)}" y="{_f(box.y + BOX_LINE * (index + 1))}"'
            f' font-size="13" font-weight="600" fill="#1b1f24">{esc(line)}</text>'
        )
    parts.append(
        f'<text class="map-grade" x="{_f(box.x + 14)}"'
        f' y="{_f(box.y + BOX_LINE * (len(item.title_lines) + 1) + 2)}" font-size="12"'
        f' fill="{colour}" font-weight="600">{esc(summary)}</text>'
    )
    parts.append("</a>")
    for row in item.key_results:
        parts += _render_key_result(row)
    return parts


def _render_key_result(row: PlacedKeyResult) -> list[str]:
    kr, box = row.key_result, row.box
    colour = STATUS_COLOURS[kr.status]
    accessible = (
        f"Key result {label(kr.code, kr.title)}: grade {grade_text(kr.grade)}, {kr.status.label}"
    )
    baseline = box.y + KR_ROW - 5
    return [
        f'<a class="map-node map-kr status-{kr.status.value}" href="{esc(kr.href)}"'
        f' aria-label="{esc(accessible)}" data-key-result="{kr.key}">',
        f"<title>{esc(accessible)}</title>",
        f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.width)}" height="{_f(KR_ROW - 2)}"'
        f' rx="3" fill="{colour}" fill-opacity="0.08"/>',
        f'<text x="{_f(box.x + 6)}" y="{_f(baseline)}" font-size="11" fill="{colour}"'
        f' font-weight="700">{esc(STATUS_MARKS[kr.status])}</text>',
        f'<text x="{_f(box.x + 20)}" y="{_f(baseline)}" font-size="11" fill="#1b1f24">'
        f"{esc(shorten(label(kr.code, kr.title), KR_CHARS))}</text>",
        f'<text class="map-grade" x="{_f(box.x + box.width - 6)}" y="{_f(baseline)}"'
        f' font-size="11" text-anchor="end" font-weight="600" fill="#1b1f24">'
        f"{esc(grade_text(kr.grade))}</text>",
        "</a>",
    ]


def render_list(plan: MapLayout) -> str:
    """The map as nested lists, its text alternative: every team, objective and key result with
    its grade and status, then the contributes-to links (text escaped)."""
    parts = ["<ul>"]
    for placed in plan.teams:
        team = placed.team
        parts.append(f"<li><strong>{esc(team.name)}</strong> · grade {grade_text(team.grade)}<ul>")
        for item in placed.objectives:
            o = item.objective
            parts.append(
                f'<li><a href="{esc(o.href)}">{esc(label(o.code, o.title))}</a>'
                f" · grade {grade_text(o.grade)} · {esc(o.status.label)}"
            )
            if item.key_results:
                parts.append("<ul>")
                for row in item.key_results:
                    kr = row.key_result
                    parts.append(
                        f'<li><a href="{esc(kr.href)}">{esc(label(kr.code, kr.title))}</a>'
                        f" · grade {grade_text(kr.grade)} · {esc(kr.status.label)}</li>"
                    )
                parts.append("</ul>")
            parts.append("</li>")
        parts.append("</ul></li>")
    parts.append("</ul>")
    if plan.edges:
        parts.append("<h2>Contributes to</h2><ul>")
        parts.extend(
            f"<li>{esc(edge.child_label)} → {esc(edge.parent_label)}</li>" for edge in plan.edges
        )
        parts.append("</ul>")
    return "\n".join(parts)
