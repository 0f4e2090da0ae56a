"""The alignment map page: visible goals only, links and grades as text, constant queries."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web_viz.conftest import World, grow

pytestmark = pytest.mark.django_db
NS = {"svg": "http://www.w3.org/2000/svg"}


def _svg(html: str) -> ET.Element:
    match = re.search(r"<svg .*?</svg>", html, re.S)
    assert match, "the page has no SVG"
    return ET.fromstring(match.group(0))


def _nodes(root: ET.Element, kind: str) -> dict[int, ET.Element]:
    attribute = {"objective": "data-objective", "kr": "data-key-result"}[kind]
    return {
        int(a.attrib[attribute]): a
        for a in root.iter("{http://www.w3.org/2000/svg}a")
        if attribute in a.attrib
    }


def _edges(root: ET.Element) -> set[tuple[int, int]]:
    return {
        (int(p.attrib["data-child"]), int(p.attrib["data-parent"]))
        for p in root.findall(".//svg:path[@class='map-edge']", NS)
    }


def test_map_shows_teams_objectives_krs_with_links_grades_and_status(client, world: World) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/map/", {"period": "2017-Q1"})
    assert response.status_code == 200
    root = _svg(response.content.decode())
    # a group, not an image: an image's children (the links) would be hidden from assistive tech
    assert root.attrib["role"] == "group" and root.attrib["aria-labelledby"] == "map-title map-desc"
    objectives = _nodes(root, "objective")
    assert set(objectives) == {world.parent.pk, world.child.pk, world.aspirational.pk}
    assert objectives[world.child.pk].attrib["href"] == f"/objectives/{world.child.pk}/"
    krs = _nodes(root, "kr")
    assert krs[world.kr_parent.pk].attrib["href"] == f"/key-results/{world.kr_parent.pk}/"
    # the grade and the status are text, not colour only
    # named by the text it shows (no aria-label to differ from it)
    assert "aria-label" not in objectives[world.parent.pk].attrib
    texts = "".join(objectives[world.parent.pk].itertext())
    # its KRs without a value count as 0 (0.62, not 1.00) and the period has ended: final
    assert "Grade 0.62" in texts and "Missed" in texts
    assert "status-missed" in objectives[world.parent.pk].attrib["class"]
    assert _edges(root) == {(world.child.pk, world.parent.pk)}


def test_contributing_team_is_drawn_right_of_its_parent_team(client, world: World) -> None:  # type: ignore[no-untyped-def]
    root = _svg(client.get("/map/").content.decode())
    bands = {int(g.attrib["data-team"]): g for g in root.findall(".//svg:g[@class='map-team']", NS)}
    x = {key: float(g.find("svg:rect", NS).attrib["x"]) for key, g in bands.items()}  # type: ignore[union-attr]
    assert x[world.reps.pk] > x[world.cdt.pk]


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_private_objectives_and_their_links_are_absent_for_outsiders(
    client, world: World, who: str
) -> None:  # type: ignore[no-untyped-def]
    if who == "outsider":
        client.force_login(world.outsider)
    html = client.get("/map/").content.decode()
    assert "Zebra" not in html and "Hush" not in html
    root = _svg(html)
    shown = set(_nodes(root, "objective"))
    assert world.private.pk not in shown and world.secret.pk not in shown
    assert all(
        world.private.pk not in edge and world.secret.pk not in edge for edge in _edges(root)
    )


def test_members_see_their_private_objective_but_not_another_private_team(
    client, world: World
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.member)
    root = _svg(client.get("/map/").content.decode())
    shown = set(_nodes(root, "objective"))
    assert world.private.pk in shown and world.secret.pk not in shown
    assert _edges(root) == {(world.child.pk, world.parent.pk), (world.private.pk, world.parent.pk)}


def test_superuser_sees_every_link(client, world: World) -> None:  # type: ignore[no-untyped-def]
    from tests import factories as f

    client.force_login(f.person("root", is_superuser=True))
    root = _svg(client.get("/map/").content.decode())
    assert (world.secret.pk, world.child.pk) in _edges(root)


def test_text_alternative_lists_the_same_goals(client, world: World) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/map/").content.decode()
    details = html[html.index('<section class="map-list"') :]
    assert (
        "Grow the core community" in details and f'href="/objectives/{world.child.pk}/"' in details
    )
    assert "A unified onboarding approach → O1 Grow the core community" in details


def test_titles_are_escaped(client, world: World) -> None:  # type: ignore[no-untyped-def]
    world.parent.title = '<script>alert("x")</script> & more'
    world.parent.save()
    html = client.get("/map/").content.decode()
    assert "<script>alert" not in html
    _svg(html)  # still well-formed


def test_unknown_period_is_404_and_no_period_explains(client, db) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/map/").status_code == 200
    assert "No period" in client.get("/map/").content.decode()
    from tests import factories as f

    f.period()
    assert client.get("/map/", {"period": "1999-Q9"}).status_code == 404


def test_map_query_count_does_not_grow_with_objectives(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.member)
    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/map/").status_code == 200
    grow(40, team_slug="bulk2")
    with CaptureQueriesContext(connection) as large:
        response = client.get("/map/")
    assert response.status_code == 200
    # the three top teams (cdt and the two bulk teams) are drawn with all their objectives;
    # the program below cdt is one "Open" away
    assert len(_nodes(_svg(response.content.decode()), "objective")) >= 42
    assert len(large) == len(small)


def test_map_opens_a_team_below_with_its_key_results_and_the_way_back(client, world: World) -> None:  # type: ignore[no-untyped-def]
    top = client.get("/map/", {"period": "2017-Q1"}).content.decode()
    expand = f'href="/map/?period=2017-Q1&amp;team={world.reps.slug}"'
    assert (
        expand in top
        and "▸ Open Mozilla Reps with its key results" in top
        and 'hx-target="#map-view"' in top
    )
    # the default view draws the top team's key results, not those of the teams below
    root = _svg(top)
    assert world.kr_parent.pk in _nodes(root, "kr") and world.kr_child.pk not in _nodes(root, "kr")
    response = client.get("/map/", {"period": "2017-Q1", "team": world.reps.slug})
    assert response.status_code == 200
    html = response.content.decode()
    root = _svg(html)
    assert world.kr_child.pk in _nodes(root, "kr") and world.parent.pk not in _nodes(
        root, "objective"
    )
    # the link to the parent team's objective, now outside the view, says where it leads
    assert f'href="/objectives/{world.parent.pk}/"' in html and "→ contributes to" in html
    assert "Top of the organization" in html


def test_a_team_the_reader_may_not_see_is_404_on_the_map(client, world: World) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/map/", {"team": world.secret_team.slug}).status_code == 404
    assert client.get("/map/", {"team": "no-such-team"}).status_code == 404


def test_a_level_too_big_for_one_view_is_drawn_as_bands_to_open(  # type: ignore[no-untyped-def]
    client, world: World, monkeypatch
) -> None:
    """Past `DRAWN_OBJECTIVES` below the anchor, the teams below are bands to open: their
    objectives are neither drawn nor read (only those linked to a drawn one are named in its
    rows), in the same number of queries."""
    from okrs.core import alignment_map

    client.force_login(world.member)
    with CaptureQueriesContext(connection) as drawn:
        whole = client.get("/map/", {"period": "2017-Q1"}).content.decode()
    assert world.aspirational.pk in _nodes(_svg(whole), "objective")
    monkeypatch.setattr(alignment_map, "DRAWN_OBJECTIVES", 2)  # reps has 3 the member may see
    with CaptureQueriesContext(connection) as folded:
        html = client.get("/map/", {"period": "2017-Q1"}).content.decode()
    nodes = _nodes(_svg(html), "objective")
    assert world.parent.pk in nodes and world.child.pk not in nodes
    assert "Reps lead campaigns" not in html  # not linked to a drawn objective: not read
    assert "▸ Open Mozilla Reps: its 3 objectives" in html
    assert f'href="/map/?period=2017-Q1&amp;team={world.reps.slug}"' in html
    # the parent's box names where its contributions come from
    assert f'← contributed to by <a href="/objectives/{world.child.pk}/">Mozilla Reps: O1' in html
    assert len(folded) == len(drawn)
