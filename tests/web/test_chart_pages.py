"""The pages' charts: a KR's values drawn wide and narrow, grade trends on the objective,
team and review pages, milestones in words, units in the right number."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.web.helpers import html


def test_kr_page_draws_its_chart_twice_with_a_legend(world) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 1, "2017-01-20T00:00:00")
    world.kr.unit = "programs"
    world.kr.save()
    page = html(world.client(None).get(f"/key-results/{world.kr.pk}/"))
    assert 'class="chart-wide"' in page and 'class="chart-narrow"' in page
    assert 'viewBox="0 0 640 300"' in page and 'viewBox="0 0 360 300"' in page
    assert ">Expected</text>" in page and "Deadline " in page
    assert "1 program<" in page and "1 programs" not in page


def test_milestone_reads_done_not_a_number(world) -> None:  # type: ignore[no-untyped-def]
    done = f.key_result(objective=world.objective, code="KR9", direction="milestone")
    f.checkin(done, 1, "2017-01-20T00:00:00")
    page = html(world.client(None).get(f"/key-results/{done.pk}/"))
    assert '<strong class="value">done</strong>' in page
    assert ">Not done</text>" in page and ">Done</text>" in page
    overview = html(world.client(None).get(f"/objectives/{world.objective.pk}/"))
    assert 'data-label="Value">done</td>' in overview


@pytest.mark.parametrize("where", ["objective", "team", "review trend"])
def test_grade_trend_is_drawn_with_its_values_table(world, where: str) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 30, "2017-01-20T00:00:00")
    url = {
        "objective": f"/objectives/{world.objective.pk}/",
        "team": f"/teams/{world.team.slug}/?period={world.period.slug}",
        "review trend": f"/periods/{world.period.slug}/review/trend/",
    }[where]
    page = html(world.client(None).get(url))
    assert 'class="chart trend-chart"' in page
    assert ">Expected grade</text>" in page
    assert '<details class="chart-values">' in page and '<th scope="col">Expected</th>' in page


def _opened_on_demand(client, page_url: str, trend_url: str) -> str:  # type: ignore[no-untyped-def]
    """The page at `page_url` links to the trend (htmx) without drawing it; the trend's htmx
    answer, a fragment rather than a whole page."""
    page = html(client.get(page_url))
    assert f'hx-get="{trend_url}"' in page and 'class="chart trend-chart"' not in page
    fragment = client.get(trend_url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith("<") and "<html" not in fragment
    return fragment


def test_the_review_opens_the_organization_trend_on_demand(world) -> None:  # type: ignore[no-untyped-def]
    """The organization's grade over time is graded from the whole period's history: the review
    links to it (htmx puts the chart in place), so a read of the review does not pay for it."""
    f.checkin(world.kr, 30, "2017-01-20T00:00:00")
    client = world.client(None)
    trend = f"/periods/{world.period.slug}/review/trend/"
    fragment = _opened_on_demand(client, f"/periods/{world.period.slug}/review/", trend)
    assert 'class="chart trend-chart"' in fragment


def test_a_team_with_teams_below_opens_its_trend_on_demand(world) -> None:  # type: ignore[no-untyped-def]
    """A team's grade rolls up the teams below it, whose history grows with the organization:
    the page of a team with child teams links to its trend (htmx puts the chart in place); a
    team without draws it inline."""
    child = f.team("child", name="Child team", parent=world.team)
    f.objective(team=child, period=world.period, title="Below")
    f.checkin(world.kr, 30, "2017-01-20T00:00:00")
    client = world.client(None)
    trend = f"/teams/{world.team.slug}/trend/?period={world.period.slug}"
    fragment = _opened_on_demand(
        client, f"/teams/{world.team.slug}/?period={world.period.slug}", trend
    )
    assert 'class="chart trend-chart"' in fragment and ">Expected grade</text>" in fragment
    whole = html(client.get(trend))
    assert 'class="chart trend-chart"' in whole and "Grade of" in whole
    leaf = html(client.get(f"/teams/child/?period={world.period.slug}"))
    assert (
        'class="chart trend-chart"' in leaf and "hx-get=" not in leaf.split("trend-title")[1][:400]
    )
