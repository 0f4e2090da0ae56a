"""The KR page: its score, chart area, check-in history; access; constant queries."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.web.helpers import html, query_counts


def _url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/key-results/{world.kr.pk}/"


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 200), ("outsider", 200), ("viewer", 200), ("member", 200), ("lead", 200)],
)
def test_published_kr_of_public_team_is_readable_by_all(world, who, status) -> None:  # type: ignore[no-untyped-def]
    assert world.client(who).get(_url(world)).status_code == status


@pytest.mark.parametrize(("who", "status"), [(None, 404), ("outsider", 404), ("viewer", 200)])
def test_private_objective_kr_is_404_for_outsiders(world, who, status) -> None:  # type: ignore[no-untyped-def]
    world.objective.visibility = "private"
    world.objective.save()
    assert world.client(who).get(_url(world)).status_code == status


def test_missing_kr_is_404(world) -> None:  # type: ignore[no-untyped-def]
    assert world.client("admin").get("/key-results/999999/").status_code == 404


def test_page_shows_score_history_breadcrumbs_and_title(world) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 20, "2017-01-20T00:00:00", note="first count", author=world.member)
    f.checkin(world.kr, 30, "2017-02-10T00:00:00", confidence=0.7)
    page = html(world.client(None).get(_url(world)))
    assert "<title>KR1 Reps reporting · okrs</title>" in page
    assert 'aria-label="Breadcrumb"' in page and f'href="/objectives/{world.objective.pk}/"' in page
    assert "30 Reps" in page and "60%" in page and "0.60" in page
    assert page.index("Feb 10, 2017") < page.index("Jan 20, 2017")  # newest first
    assert "first count" in page and "member" in page
    assert 'action="/key-results/' not in page  # anonymous gets no check-in form


def test_chart_is_drawn_when_the_chart_module_is_there(world) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("okrs.core.charts")
    f.checkin(world.kr, 30, "2017-02-10T00:00:00")
    page = html(world.client(None).get(_url(world)))
    assert "<svg" in page and 'role="img"' in page


def test_edit_link_for_leads_only(world) -> None:  # type: ignore[no-untyped-def]
    edit = f'href="/key-results/{world.kr.pk}/edit/"'
    assert edit in html(world.client("lead").get(_url(world)))
    assert edit not in html(world.client("member").get(_url(world)))


def test_query_count_does_not_grow_with_checkins_or_objectives(world) -> None:  # type: ignore[no-untyped-def]
    def grow() -> None:
        for day in range(1, 20):
            author = f.person()
            f.checkin(world.kr, day, f"2017-01-{day:02d}T00:00:00", author=author)
        for _ in range(10):
            f.key_result(objective=f.objective(team=world.team, period=world.period))

    small, large = query_counts(world.client("member"), _url(world), grow)
    assert small == large
