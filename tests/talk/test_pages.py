"""The discussion on the objective, KR and packet pages, and talk on the period overview."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.talk import services
from tests import factories as f


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2017, 2, 15))


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("page", ["objective", "kr", "packet"])
def test_pages_show_the_discussion_with_constant_queries(world, page):
    target = {"objective": world.objective, "kr": world.kr, "packet": world.packet}[page]
    url = {
        "objective": f"/objectives/{world.objective.pk}/",
        "kr": f"/key-results/{world.kr.pk}/",
        "packet": f"/teams/reps/packets/{world.packet.pk}/",
    }[page]
    client = world.client("member")
    services.comment_post(target=target, author=world.visitor, body="first **comment**")
    small, html = _queries(client, url)
    assert 'id="discussion"' in html and "<strong>comment</strong>" in html
    for i in range(10):
        someone = f.person()
        services.comment_post(target=target, author=someone, body=f"more {i}")
        services.offer_make(target=target, person=someone, note="help")
        if page != "packet":
            services.interest_toggle(target=target, person=someone)
    large, html = _queries(client, url)
    assert "more 9" in html
    assert large == small


def test_overview_shows_newest_talk_and_interest_with_constant_queries(world):
    client = world.client("visitor")
    services.comment_post(target=world.objective, author=world.member, body="kick-off")
    small, html = _queries(client, "/?period=2017-Q1")
    assert "Newest discussion" in html and "Nobody has marked interest yet" in html
    for i in range(6):
        objective = f.objective(team=world.team, period=world.period, title=f"Extra {i}")
        f.key_result(objective=objective)
        someone = f.person()
        services.interest_toggle(target=objective, person=someone)
        services.comment_post(target=objective, author=someone, body=f"talk {i}")
    services.interest_toggle(target=world.objective, person=world.visitor)
    large, html = _queries(client, "/?period=2017-Q1")
    assert f'data-interest="{world.objective.pk}">1 interested' in html
    assert large == small


def test_overview_hides_talk_on_private_objectives(world):
    from okrs.goals.models import ObjectiveVisibility

    private = f.objective(
        team=world.team, period=world.period, visibility=ObjectiveVisibility.PRIVATE
    )
    services.comment_post(target=private, author=world.member, body="secret")
    html = world.client("visitor").get("/?period=2017-Q1").content.decode()
    assert private.title not in html
    assert private.title in world.client("member").get("/?period=2017-Q1").content.decode()


def test_overview_interest_counts_the_whole_period_not_only_the_page_shown(world):
    from okrs.web.selectors import TEAMS_PER_PAGE

    last = None
    for i in range(TEAMS_PER_PAGE + 1):
        team = f.team(f"later-{i}", name=f"Later {i}")
        team.order = 50 + i
        team.save()
        last = f.objective(team=team, period=world.period, title=f"Later goal {i}")
    for _ in range(2):
        services.interest_toggle(target=last, person=f.person())
    html = world.client("visitor").get("/?period=2017-Q1").content.decode()
    assert f'id="objective-{last.pk}"' not in html  # its team is on a later page
    assert f'data-interest="{last.pk}">2 interested' in html
