"""The end-of-period review: final grades, committed against aspirational, the distribution."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.core.charts import grade_buckets
from okrs.goals.models import TeamRollup
from okrs.web.views_review import review_figures
from tests import factories as f
from tests.web_viz.conftest import World, grow

pytestmark = pytest.mark.django_db


def _review(client, slug: str = "2017-Q1") -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/periods/{slug}/review/")
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, ident: str) -> str:
    start = html.index(f'id="{ident}"')
    return html[start : html.index("</section>", start)]


def test_review_shows_final_grades_and_commitment_summaries(client, world: World) -> None:  # type: ignore[no-untyped-def]
    html = _review(client)
    # public KRs: parent 11.5 NPS (grade 1.0), child milestone done (1.0), aspirational 8/10 (0.8)
    committed = _section(html, "summary-committed")
    assert "1.00</span> mean grade of 2 key results" in committed
    assert "<strong>2</strong> of 2 reached 1.00" in committed
    aspirational = _section(html, "summary-aspirational")
    assert "0.80</span> mean grade of 1 key result" in aspirational
    assert "<strong>1</strong> of 1 reached 0.70" in aspirational
    assert f'href="/key-results/{world.kr_parent.pk}/"' in html
    assert "Core community sentiment NPS" in html and "11.5 NPS" in html


def test_grades_are_taken_at_the_period_end(client, world: World) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr_parent, 5, "2017-04-15T00:00:00")  # after the period: ignored
    html = _review(client)
    assert "<strong>2</strong> of 2 reached 1.00" in _section(html, "summary-committed")


def test_histogram_counts_the_grade_buckets(client, world: World) -> None:  # type: ignore[no-untyped-def]
    low = f.key_result(objective=world.child, title="Low one", baseline=0, target=10)
    f.checkin(low, 1, "2017-03-01T00:00:00")
    f.key_result(objective=world.child, title="Never checked")
    html = _review(client)
    counts = re.findall(r'<text class="count"[^>]*>(\d+)</text>', html)
    assert counts == ["1", "0", "3"] * 2  # the wide drawing, then the phone's
    assert 'id="grades-title"' in html and 'id="grades-narrow-title"' in html
    assert 'No check-in</th><td data-label="Key results">1<' in html
    assert "Distribution of final key result grades" in html


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_private_key_results_are_left_out(client, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    if who == "outsider":
        client.force_login(world.outsider)
    html = _review(client)
    assert "Zebra" not in html


def test_members_see_their_private_key_results_in_the_review(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.member)
    html = _review(client)
    assert "Zebra budget spent" in html and "Zebra secret" not in html
    assert "mean grade of 3 key results" in _section(html, "summary-committed")


def test_unknown_period_is_404(client, world: World) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/periods/1999-Q9/review/").status_code == 404


def test_review_query_count_does_not_grow(client, world: World) -> None:  # type: ignore[no-untyped-def]
    grow(2)
    with CaptureQueriesContext(connection) as small:
        _review(client)
    grow(40, team_slug="more")
    with CaptureQueriesContext(connection) as large:
        _review(client)
    assert len(large) == len(small)
    # the 40 objectives of the new team are a page of their own
    pages = [
        client.get("/periods/2017-Q1/review/", {"page": n}).content.decode() for n in (1, 2, 3)
    ]
    holding = [n for n, page in enumerate(pages, 1) if "Bulk result 39.1" in page]
    assert len(holding) == 1
    assert "Bulk result 0.0" in pages[holding[0] - 1]
    assert re.search(r"Teams (\d+)–\1 of", pages[holding[0] - 1])  # a page with one team


def test_the_summaries_count_reached_and_ignore_missing_grades_in_sql() -> None:
    """`review_figures` adds up the teams' kept parts in SQL: per commitment the count, the
    graded, the mean and those that reached the expected grade, and the histogram as
    `grade_buckets` counts (the parts are kept by the check-ins)."""
    period = f.period()
    objective = f.objective(team=f.team(), period=period, commitment="aspirational")
    for value in (70, 69, None, 100):
        kr = f.key_result(objective=objective, baseline=0.0, target=100.0)
        if value is not None:
            f.checkin(kr, value, "2017-02-01T00:00:00")
    figures = review_figures(TeamRollup.objects.filter(team=objective.team, period=period))
    committed, aspirational = figures.summaries
    assert (aspirational.count, aspirational.graded, aspirational.ungraded) == (4, 3, 1)
    assert aspirational.reached == 2
    assert aspirational.mean == pytest.approx((0.7 + 0.69 + 1.0) / 3)
    assert committed.count == 0 and committed.mean is None
    assert figures.buckets == grade_buckets([0.7, 0.69, 1.0]) == [0, 1, 2]
    assert (figures.count, figures.graded) == (4, 3)


def test_the_summaries_count_every_team_while_the_table_shows_a_page(client, world: World) -> None:  # type: ignore[no-untyped-def]
    from okrs.web.views_review import REVIEW_TEAMS_PER_PAGE

    for i in range(REVIEW_TEAMS_PER_PAGE + 1):
        team = f.team(f"extra-{i:02}", name=f"Extra {i:02}")
        team.order = 100 + i
        team.save()
        kr = f.key_result(
            objective=f.objective(team=team, period=world.parent.period, commitment="aspirational"),
            title=f"Extra KR {i:02}",
            baseline=0,
            target=10,
        )
        f.checkin(kr, 8, "2017-03-01T00:00:00")
    first = _review(client)
    aspirational = _section(first, "summary-aspirational")
    total = 1 + REVIEW_TEAMS_PER_PAGE + 1
    assert f"mean grade of {total} key results" in aspirational
    assert f"Extra KR {REVIEW_TEAMS_PER_PAGE:02}" not in first and 'rel="next"' in first
    second = client.get("/periods/2017-Q1/review/", {"page": 2}).content.decode()
    assert f"Extra KR {REVIEW_TEAMS_PER_PAGE:02}" in second
    assert f"mean grade of {total} key results" in _section(second, "summary-aspirational")
