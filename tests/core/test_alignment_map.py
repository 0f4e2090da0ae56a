"""The alignment map layout: deterministic, tree-shaped, no overlaps, nothing unseen drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from okrs.core.alignment_map import (
    Box,
    MapEdge,
    MapExpand,
    MapKeyResult,
    MapObjective,
    MapOutside,
    MapTeam,
    layout,
    render_list,
    render_svg,
    select_view,
    shorten,
    team_depths,
    wrap,
    wrap_width,
)
from okrs.core.charts import text_width
from okrs.core.pacing import Status

NS = {"svg": "http://www.w3.org/2000/svg"}


def _objective(
    key: int, team: int, title: str = "", status: Status = Status.ON_TRACK
) -> MapObjective:
    return MapObjective(
        key=key,
        team=team,
        code=f"O{key}",
        title=title or f"Objective {key}",
        grade=0.5,
        status=status,
        href=f"/objectives/{key}/",
    )


def _kr(key: int, objective: int) -> MapKeyResult:
    return MapKeyResult(
        key=key,
        objective=objective,
        code="KR1",
        title=f"Result {key}",
        grade=None,
        status=Status.NO_DATA,
        href=f"/key-results/{key}/",
    )


TEAMS = [
    MapTeam(key=1, name="Mozilla", parent=None),
    MapTeam(key=2, name="Community Development", parent=1),
    MapTeam(key=3, name="Reps", parent=2),
    MapTeam(key=4, name="Open Innovation", parent=1),
    MapTeam(key=5, name="Empty", parent=1),
]
OBJECTIVES = [_objective(10, 2), _objective(11, 2), _objective(20, 3), _objective(30, 4)]
KRS = [_kr(100, 10), _kr(101, 10), _kr(200, 20)]
EDGES = [MapEdge(20, 10), MapEdge(30, 11, 2.0), MapEdge(20, 99), MapEdge(98, 10)]


def _plan():  # type: ignore[no-untyped-def]
    return layout(teams=TEAMS, objectives=OBJECTIVES, key_results=KRS, edges=EDGES)


def _overlap(a: Box, b: Box) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def _inside(inner: Box, outer: Box) -> bool:
    return (
        outer.x <= inner.x
        and inner.x + inner.width <= outer.x + outer.width
        and outer.y <= inner.y
        and inner.y + inner.height <= outer.y + outer.height
    )


def test_depths_follow_the_tree_and_orphans_are_roots() -> None:
    assert team_depths(TEAMS) == {1: 0, 2: 1, 3: 2, 4: 1, 5: 1}
    assert team_depths([MapTeam(3, "Reps", parent=2)]) == {3: 0}
    assert team_depths([MapTeam(1, "a", parent=2), MapTeam(2, "b", parent=1)]).keys() == {1, 2}


def test_teams_are_columns_by_depth_in_tree_order() -> None:
    plan = _plan()
    names = [t.team.name for t in plan.teams]
    # levels without objectives collapse: Mozilla (above teams with objectives) and "Empty"
    # take no room, Mozilla's teams are the first column
    assert names == ["Community Development", "Reps", "Open Innovation"]
    x = {t.team.name: t.box.x for t in plan.teams}
    assert x["Community Development"] == x["Open Innovation"] < x["Reps"]
    assert {t.team.name: t.depth for t in plan.teams}["Reps"] == 1


def test_nothing_overlaps_and_everything_nests() -> None:
    plan = _plan()
    bands = [t.box for t in plan.teams]
    assert not any(_overlap(a, b) for i, a in enumerate(bands) for b in bands[i + 1 :])
    for team in plan.teams:
        boxes = [o.box for o in team.objectives]
        assert all(_inside(box, team.box) for box in boxes)
        assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
        for placed in team.objectives:
            assert all(_inside(kr.box, placed.box) for kr in placed.key_results)
        assert (
            team.box.x + team.box.width <= plan.width
            and team.box.y + team.box.height <= plan.height
        )


def test_only_edges_between_placed_objectives_are_drawn() -> None:
    plan = _plan()
    assert [(e.edge.child, e.edge.parent) for e in plan.edges] == [(20, 10), (30, 11)]


def test_edges_run_from_the_contributor_to_the_box_it_serves() -> None:
    plan = _plan()
    boxes = {o.objective.key: o.box for o in plan.objectives}
    across = plan.edges[0].path  # Reps (right) -> Community Development (left)
    start, end = across.split()[0], across.split()[-1]
    assert float(start[1:].split(",")[0]) == boxes[20].x
    assert float(end.split(",")[0]) == boxes[10].x + boxes[10].width


def test_layout_is_deterministic() -> None:
    first = render_svg(_plan(), title="t", description="d", org_grade=0.5)
    second = render_svg(_plan(), title="t", description="d", org_grade=0.5)
    assert first == second


def test_svg_links_every_node_and_says_grade_and_status_in_text() -> None:
    svg = render_svg(_plan(), title="Map", description="All goals", org_grade=None)
    root = ET.fromstring(svg)
    links = {a.attrib["href"] for a in root.iter("{http://www.w3.org/2000/svg}a")}
    assert {f"/objectives/{o.key}/" for o in OBJECTIVES} <= links
    assert {f"/key-results/{k.key}/" for k in KRS} <= links
    objective = root.find(".//svg:a[@data-objective='10']", NS)
    assert objective is not None
    assert "Grade 0.50 · ✓ On track" in "".join(objective.itertext())
    # a link is named by the text it shows: no aria-label that could say something else
    assert all("aria-label" not in a.attrib for a in root.iter("{http://www.w3.org/2000/svg}a"))
    kr = root.find(".//svg:a[@data-key-result='100']", NS)
    assert kr is not None and kr.findtext("svg:desc", namespaces=NS) == "No check-in yet"
    assert "KR1 Result 100" in "".join(kr.itertext()) and "—" in "".join(kr.itertext())


def test_svg_escapes_text_and_links() -> None:
    bad = MapObjective(
        key=1,
        team=1,
        code="<O1>",
        title='"quoted" & <b>bold</b>',
        grade=None,
        status=Status.AT_RISK,
        href='/x/?a=1&b="2"',
    )
    plan = layout(teams=[MapTeam(1, "<Team>", None)], objectives=[bad], key_results=[], edges=[])
    svg = render_svg(plan, title="</title>", description="<desc>", org_grade=None)
    root = ET.fromstring(svg)
    assert root.find(".//svg:b", NS) is None
    node = root.find(".//svg:a[@data-objective='1']", NS)
    assert node is not None and node.attrib["href"] == '/x/?a=1&b="2"'


def test_the_list_names_every_node_with_grade_and_status_escaped() -> None:
    bad = MapObjective(1, 1, "<O1>", '"q" & <b>bold</b>', 0.25, Status.AT_RISK, '/x/?a=1&b="2"')
    kr = MapKeyResult(7, 1, "KR1", "Reps <i>reporting</i>", None, Status.NO_DATA, "/k/7/")
    other = _objective(2, 1, "Other")
    plan = layout(
        teams=[MapTeam(1, "<Team>", None, grade=0.5)],
        objectives=[bad, other],
        key_results=[kr],
        edges=[MapEdge(child=2, parent=1)],
    )
    root = ET.fromstring(f"<div>{render_list(plan)}</div>")
    assert root.find(".//b") is None and root.find(".//i") is None
    links = {a.attrib["href"]: "".join(a.itertext()) for a in root.iter("a")}
    assert links['/x/?a=1&b="2"'] == '<O1> "q" & <b>bold</b>'
    assert links["/k/7/"] == "KR1 Reps <i>reporting</i>"
    text = "".join(root.itertext())
    assert "<Team> · grade 0.50" in text and "grade 0.25 · At risk" in text
    assert "grade — · No check-in" in text or "grade — · No data" in text
    assert "→" in text.split("Contributes to")[1]


def test_long_titles_are_wrapped_and_shortened() -> None:
    assert shorten("word " * 20, 20).endswith("…") and len(shorten("word " * 20, 20)) <= 20
    lines = wrap("Shared onboarding framework and tools are identified across all the Reps", 30, 2)
    assert len(lines) == 2 and all(len(line) <= 30 for line in lines) and lines[1].endswith("…")
    assert wrap("short", 30, 2) == ["short"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4)), max_size=40),
    st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)), max_size=40),
)
def test_random_organizations_lay_out_without_overlap(
    shape: list[tuple[int, int]], links: list[tuple[int, int]]
) -> None:
    teams = [MapTeam(key=t, name=f"T{t}", parent=(t - 1 if t else None)) for t in range(6)]
    objectives = [_objective(i, team) for i, (team, _) in enumerate(shape)]
    krs = [_kr(1000 + i * 10 + n, i) for i, (_, count) in enumerate(shape) for n in range(count)]
    plan = layout(
        teams=teams, objectives=objectives, key_results=krs, edges=[MapEdge(c, p) for c, p in links]
    )
    boxes = [o.box for o in plan.objectives]
    assert len(boxes) == len(objectives)
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    placed = {o.objective.key for o in plan.objectives}
    assert all(e.edge.child in placed and e.edge.parent in placed for e in plan.edges)
    ET.fromstring(render_svg(plan, title="t", description="d", org_grade=None))


def test_a_crowded_level_is_spread_over_columns_of_similar_height() -> None:
    teams = [MapTeam(key=0, name="Root", parent=None)]
    teams += [MapTeam(key=t, name=f"Program {t}", parent=0) for t in range(1, 21)]
    objectives = [_objective(1, 0)]
    objectives += [_objective(t * 100 + i, t) for t in range(1, 21) for i in range(10)]
    krs = [_kr(o.key * 10 + n, o.key) for o in objectives for n in range(3)]
    plan = layout(teams=teams, objectives=objectives, key_results=krs, edges=[])
    programs = [t for t in plan.teams if t.depth == 1]
    assert len({t.column for t in programs}) > 1
    assert 0.5 < plan.width / plan.height < 2
    bands = [t.box for t in plan.teams]
    assert not any(_overlap(a, b) for i, a in enumerate(bands) for b in bands[i + 1 :])
    # tree order is kept: reading the programs' columns left to right, top to bottom
    ordered = sorted(programs, key=lambda t: (t.column, t.box.y))
    assert [t.team.key for t in ordered] == list(range(1, 21))
    assert min(t.column for t in programs) > max(t.column for t in plan.teams if t.depth == 0)


def test_the_top_view_skips_empty_levels_and_counts_the_subtrees_below() -> None:
    view = select_view(teams=TEAMS, objectives=OBJECTIVES, edges=EDGES, focus=None)
    # Mozilla has no objectives: its teams with objectives are the view, Reps one level down
    assert [t.name for t in view.teams] == ["Community Development", "Open Innovation"]
    assert view.anchor is None and view.full == set()
    assert view.expand == {2: MapExpand(teams=1, objectives=1), 4: MapExpand(0, 0)}
    assert [(e.child, e.parent) for e in view.edges] == [(30, 11)]
    # Reps' objective 20 contributes to 10 from outside the view: 10 says where it comes from
    assert [(o.objective, o.direction, o.text) for o in view.outside] == [
        (10, "from", "Reps: O20 Objective 20")
    ]


def test_a_focused_team_shows_its_key_results_its_teams_below_and_the_way_up() -> None:
    view = select_view(teams=TEAMS, objectives=OBJECTIVES, edges=EDGES, focus=2)
    assert [t.name for t in view.teams] == ["Community Development", "Reps"]
    assert view.full == {2} and [t.name for t in view.path] == ["Mozilla"]
    assert [(e.child, e.parent) for e in view.edges] == [(20, 10)]
    assert [(o.objective, o.direction) for o in view.outside] == [(11, "from")]
    plan = layout(
        teams=view.teams,
        objectives=view.objectives,
        key_results=[k for k in KRS if k.objective in {o.key for o in view.objectives}],
        edges=view.edges,
        outside=view.outside,
        expand=view.expand,
        spread=False,
    )
    assert len({t.column for t in plan.teams}) == 2
    # the link leaving the view is a row of the box it belongs to, inside it
    box = next(o for o in plan.objectives if o.objective.key == 11)
    assert [r.outside.text for r in box.outside] == ["Open Innovation: O30 Objective 30"]
    assert _inside(box.outside[0].box, box.box)


def test_a_view_fits_a_desktop_page_whatever_the_number_of_teams() -> None:
    teams = [MapTeam(key=0, name="Root", parent=None)]
    teams += [MapTeam(key=t, name=f"Department {t}", parent=0) for t in range(1, 51)]
    teams += [MapTeam(key=100 + t, name=f"Team {t}", parent=1 + t % 50) for t in range(400)]
    objectives = [_objective(t * 10, t) for t in range(1, 51)] + [_objective(1, 0)]
    objectives += [_objective(100_000 + t, 100 + t) for t in range(400)]
    view = select_view(teams=teams, objectives=objectives, edges=[], focus=None)
    assert len(view.teams) == 51 and view.anchor is not None and view.anchor.key == 0
    plan = layout(
        teams=view.teams, objectives=view.objectives, key_results=[], edges=[], spread=False
    )
    assert plan.width <= 1100  # a 1366 px screen's page holds it without scrolling sideways


def test_a_level_with_more_objectives_than_a_view_draws_is_folded_whole() -> None:
    """100 departments of 10 objectives under the root: the root's objectives are drawn, each
    department is a band to open that counts its own objectives and teams below (none half
    drawn), and a link from a folded department's objective is a row saying where it leads."""
    teams = [MapTeam(key=0, name="Root", parent=None, view_href="/map/?team=root")]
    teams += [
        MapTeam(key=d, name=f"Department {d}", parent=0, view_href=f"/map/?team=d{d}")
        for d in range(1, 101)
    ]
    teams += [MapTeam(key=1000 + d, name=f"Team {d}", parent=d) for d in range(1, 101)]
    objectives = [_objective(1, 0)]
    objectives += [_objective(d * 100 + i, d) for d in range(1, 101) for i in range(10)]
    objectives += [_objective(500_000 + d, 1000 + d) for d in range(1, 101)]
    edges = [MapEdge(child=100, parent=1)]  # Department 1's first objective serves the root's
    view = select_view(teams=teams, objectives=objectives, edges=edges, focus=None)
    assert view.anchor is not None and view.anchor.key == 0
    assert [o.key for o in view.objectives] == [1]  # the departments' 1,000 are not drawn
    assert view.expand[7] == MapExpand(teams=1, objectives=1, own=10)
    assert [(o.objective, o.direction) for o in view.outside] == [(1, "from")]
    plan = layout(
        teams=view.teams,
        objectives=view.objectives,
        key_results=[],
        edges=view.edges,
        outside=view.outside,
        expand=view.expand,
        spread=False,
    )
    assert len(plan.teams) == 101 and all(t.expand_box for t in plan.teams[1:])
    svg = render_svg(plan, title="t", description="d", org_grade=None)
    assert "▸ Open Department 7: its 10 objectives, 1 team below" in svg
    assert len(svg) < 100_000  # a band a department: the view costs what it shows
    # under the budget, the same level is drawn with its objectives
    few = select_view(teams=teams[:11], objectives=objectives[:101], edges=[], focus=None)
    assert len(few.objectives) == 101 and few.expand[7].own == 0


def test_links_past_the_few_a_box_shows_are_counted_with_a_way_to_all_of_them() -> None:
    """Five objectives outside the view contribute to one drawn: three rows name theirs, then
    "and 2 more" links to the objective's page (which lists them all), in the drawing and in
    the text list alike."""
    teams = [MapTeam(key=0, name="Root", parent=None)]
    drawn = _objective(1, 0)
    outside = [MapOutside(1, "from", f"Other: O{n} Objective {n}", f"/o/{n}/") for n in range(5)]
    plan = layout(teams=teams, objectives=[drawn], key_results=[], edges=[], outside=outside)
    svg = render_svg(plan, title="t", description="d", org_grade=None)
    text = render_list(plan)
    for page in (svg, text):
        assert page.count("contributed to by") == 3
        assert f'<a class="map-more" href="{drawn.href}">' in page or (
            f'<a href="{drawn.href}">and 2 more on its page</a>' in page
        )
        assert "and 2 more on its page" in page
    ET.fromstring(svg)


def test_titles_wrap_to_the_box_instead_of_being_cut() -> None:
    title = "A unified approach to onboarding mobilizers across every region of the program"
    lines = wrap_width(title, 200, 13, 6)
    assert " ".join(lines) == title and all(text_width(line, 13) <= 200 for line in lines)
    long = wrap_width("word " * 100, 200, 13, 3)
    assert len(long) == 3 and long[-1].endswith("…")
    assert all(text_width(line, 13) <= 200 for line in wrap_width("x" * 80, 200, 13, 6))
