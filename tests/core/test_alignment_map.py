"""The alignment map layout: deterministic, tree-shaped, no overlaps, nothing unseen drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from okrs.core.alignment_map import (
    Box,
    MapEdge,
    MapKeyResult,
    MapObjective,
    MapTeam,
    layout,
    render_list,
    render_svg,
    shorten,
    team_depths,
    wrap,
)
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
    # Mozilla is kept as the ancestor of teams with objectives; "Empty" is left out
    assert names == ["Mozilla", "Community Development", "Reps", "Open Innovation"]
    x = {t.team.name: t.box.x for t in plan.teams}
    assert x["Mozilla"] < x["Community Development"] == x["Open Innovation"] < x["Reps"]


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
    kr = root.find(".//svg:a[@data-key-result='100']", NS)
    assert kr is not None and "No check-in yet" in kr.attrib["aria-label"]
    assert "grade —" in kr.attrib["aria-label"]


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
    objectives = [_objective(t * 100 + i, t) for t in range(1, 21) for i in range(10)]
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
