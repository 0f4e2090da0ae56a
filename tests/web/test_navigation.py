"""Finding everything by links: the top bar, the team menu, the teams, periods and surveys
indexes, the personal home, and one way in (anonymous → login and back; a role that is not
allowed → 403 in the site's layout saying which role is needed)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from okrs.goals.models import ObjectiveState, Period
from okrs.heartbeats.models import PacketStatus
from okrs.measures.models import Survey, SurveyResponse
from okrs.talk.models import Follow, Notification, Offer
from tests import factories as f
from tests.web.helpers import html, query_counts

pytestmark = pytest.mark.django_db


def _bar(page: str) -> str:
    return page[page.index('<header class="site-header">') : page.index("</header>")]


def test_top_bar_for_anonymous_people_members_and_site_admins(world) -> None:  # type: ignore[no-untyped-def]
    bar = _bar(html(world.client(None).get("/teams/")))
    for label in ("Overview", "Teams", "Periods", "Map", "Search", "Log in"):
        assert f">{label}<" in bar, label
    assert "Inbox" not in bar and "Admin" not in bar and ">Home<" not in bar
    for n in range(2):
        Notification.objects.create(recipient=world.member, kind="mention", summary=f"n{n}")
    Notification.objects.create(
        recipient=world.member, kind="mention", summary="read", read_at=timezone.now()
    )
    Notification.objects.create(recipient=world.lead, kind="mention", summary="not theirs")
    bar = _bar(html(world.client("member").get("/teams/")))
    assert 'aria-label="Inbox, 2 unread"' in bar and '<span class="count">2</span>' in bar
    assert ">Home<" in bar and ">API tokens<" in bar and "Log out" in bar
    assert "/admin/" not in bar
    assert 'href="/admin/"' in _bar(html(world.client("admin").get("/teams/")))


def test_team_menu_on_team_pages_shows_each_link_to_those_who_may_use_it(world) -> None:  # type: ignore[no-untyped-def]
    Offer.objects.create(objective=world.objective, team=world.team, person=world.member, note="x")
    today = timezone.localdate()
    now = f.period("now", start=today - dt.timedelta(days=10), end=today + dt.timedelta(days=50))
    beat = f.heartbeat(
        team=world.team,
        period=now,
        start=today - dt.timedelta(days=2),
        end=today + dt.timedelta(days=10),
    )
    lead_menu = _menu(html(world.client("lead").get("/teams/reps/")))
    assert "/teams/reps/offers/" in lead_menu and '<span class="count">1</span>' in lead_menu
    for path in ("/teams/reps/webhooks/", "/teams/reps/import/", "/surveys/?team=reps"):
        assert path in lead_menu, path
    assert f"/teams/reps/heartbeats/{beat.pk}/" in lead_menu  # the board of today's heartbeat
    member_menu = _menu(html(world.client("member").get("/teams/reps/heartbeats/")))
    assert "/teams/reps/packets/" in member_menu and "/teams/reps/heartbeats/" in member_menu
    assert 'aria-current="page"' in member_menu
    for path in ("webhooks", "offers", "import"):
        assert f"/teams/reps/{path}/" not in member_menu, path
    # a page that is not about one team has no team menu
    assert 'class="team-menu"' not in html(
        world.client("lead").get(f"/objectives/{world.objective.pk}/")
    )


def _menu(page: str) -> str:
    match = re.search(r'<nav class="team-menu".*?</nav>', page, flags=re.S)
    assert match, "no team menu"
    return match.group(0)


def test_teams_index_is_a_tree_of_readable_teams_in_bounded_queries(world) -> None:  # type: ignore[no-untyped-def]
    f.team("hidden", name="Hidden circle", visibility="private")
    page = html(world.client("outsider").get("/teams/"))
    assert page.index("Community Development") < page.index("Mozilla Reps")
    assert "Hidden circle" not in page
    assert "you: team lead" in html(world.client("lead").get("/teams/"))
    assert "Hidden circle" in html(world.client("admin").get("/teams/"))

    def grow() -> None:
        for n in range(5):
            team = f.team(f"extra{n}", parent=world.team)
            f.objective(team=team, period=world.period)

    small, large = query_counts(world.client("lead"), "/teams/", grow)
    assert small == large and large <= 8


def test_periods_index_and_who_may_create_periods(world) -> None:  # type: ignore[no-untyped-def]
    f.period("2017-Q2", start=dt.date(2017, 4, 1), end=dt.date(2017, 6, 30))
    page = html(world.client(None).get("/periods/"))
    assert page.index("2017-Q2") < page.index("2017-Q1") and "New period" not in page
    assert "/periods/2017-Q1/review/" in page
    # the leads of a top-level team and site admins set periods up; a program's lead does not
    assert "New period" in html(world.client("parent_lead").get("/periods/"))
    assert "New period" in html(world.client("admin").get("/periods/"))
    assert "New period" not in html(world.client("lead").get("/periods/"))

    def grow() -> None:
        for n in range(5):
            f.period(f"2018-Q{n}", start=dt.date(2018, 1, 1 + n), end=dt.date(2018, 2, 1))

    small, large = query_counts(world.client("member"), "/periods/", grow)
    assert small == large and large <= 6


def test_period_create_takes_dates_from_a_quarter_name_and_says_what_is_wrong(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("parent_lead")
    form = html(client.get("/periods/new/"))
    assert 'value="2017-Q2"' in form  # the quarter after the latest one is suggested
    response = client.post("/periods/new/", {"slug": "2017-Q2", "name": "Q2 2017"})
    assert response.status_code == 302
    made = Period.objects.get(slug="2017-Q2")
    assert (made.start, made.end) == (dt.date(2017, 4, 1), dt.date(2017, 6, 30))
    bad = client.post(
        "/periods/new/", {"slug": "spring", "start": "2017-05-01", "end": "2017-04-01"}
    )
    assert bad.status_code == 400
    assert "must come after the start" in html(bad)
    assert not Period.objects.filter(slug="spring").exists()
    nodates = client.post("/periods/new/", {"slug": "spring"})
    assert html(nodates).count("Give the date") == 2  # both errors at once, beside their fields
    for who in ("lead", "member"):
        refused = world.client(who).post("/periods/new/", {"slug": "2019-Q1"})
        assert refused.status_code == 403
        assert "leads of a top-level team" in html(refused)
        assert 'class="site-header"' in html(refused)  # the site's layout
    assert not Period.objects.filter(slug="2019-Q1").exists()


def test_period_edit_refuses_dates_that_leave_a_heartbeat_outside(world) -> None:  # type: ignore[no-untyped-def]
    f.heartbeat(
        team=world.team, period=world.period, start=dt.date(2017, 3, 1), end=dt.date(2017, 3, 20)
    )
    client = world.client("admin")
    response = client.post(
        "/periods/2017-Q1/edit/", {"slug": "2017-Q1", "start": "2017-01-01", "end": "2017-02-28"}
    )
    assert response.status_code == 400 and "would lie outside" in html(response)
    world.period.refresh_from_db()
    assert world.period.end == dt.date(2017, 3, 31)
    ok = client.post(
        "/periods/2017-Q1/edit/",
        {"slug": "2017-Q1", "name": "First quarter", "start": "2017-01-01", "end": "2017-03-31"},
    )
    assert ok.status_code == 302
    world.period.refresh_from_db()
    assert world.period.name == "First quarter"


def test_surveys_list_of_a_lead(world) -> None:  # type: ignore[no-untyped-def]
    mine = Survey.objects.create(team=world.team, slug="reps-nps", title="Reps NPS", hosted=True)
    Survey.objects.create(team=f.team("else"), slug="other-nps", title="Other NPS", hosted=True)
    for n in range(3):
        SurveyResponse.objects.create(
            survey=mine, score=9, submitted_at=timezone.now(), content_key=f"k{n}"
        )
    page = html(world.client("lead").get("/surveys/"))
    assert "Reps NPS" in page and "Other NPS" not in page
    assert re.search(r"<td>3</td>", page)
    refused = world.client("member").get("/surveys/")
    assert refused.status_code == 403 and "lead role" in html(refused)
    anonymous = world.client(None).get("/surveys/")
    assert (
        anonymous.status_code == 302 and anonymous["Location"] == "/accounts/login/?next=/surveys/"
    )

    def grow() -> None:
        for n in range(5):
            Survey.objects.create(team=world.team, slug=f"s{n}", title=f"S{n}", hosted=True)

    small, large = query_counts(world.client("lead"), "/surveys/", grow)
    assert small == large and large <= 8


def test_one_way_in_anonymous_to_login_and_back_and_403_says_the_role(world) -> None:  # type: ignore[no-untyped-def]
    anonymous = world.client(None)
    response = anonymous.get("/objectives/new/?team=reps")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/objectives/new/%3Fteam%3Dreps"
    # a form posted by an anonymous visitor comes back to the page the form was on
    posted = anonymous.post(
        f"/objectives/{world.objective.pk}/state/",
        {"action": "archive"},
        HTTP_REFERER=f"http://testserver/objectives/{world.objective.pk}/",
    )
    assert posted["Location"] == f"/accounts/login/?next=/objectives/{world.objective.pk}/"
    world.objective.refresh_from_db()
    assert world.objective.state == ObjectiveState.PUBLISHED
    refused = world.client("viewer").get("/objectives/new/")
    assert refused.status_code == 403
    page = html(refused)
    assert "you need the lead role" in page and "signed in as viewer" in page
    assert 'class="site-header"' in page
    # the API keeps answering in JSON
    api = anonymous.post("/api/v1/key-results/1/checkins", {}, content_type="application/json")
    assert api.status_code != 302 and api["Content-Type"].startswith("application/json")


def test_login_lands_on_the_personal_home(world) -> None:  # type: ignore[no-untyped-def]
    world.member.set_password("a long enough passphrase")
    world.member.save()
    response = world.client(None).post(
        "/accounts/login/", {"username": "member", "password": "a long enough passphrase"}
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    back = world.client(None).post(
        "/accounts/login/?next=/teams/reps/",
        {"username": "member", "password": "a long enough passphrase"},
    )
    assert back["Location"] == "/teams/reps/"


def test_personal_home_lists_what_asks_for_the_person(world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    now = f.period("now", start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=60))
    mine = f.objective(team=world.team, period=now, code="O1", title="Run the quarter")
    due = f.key_result(objective=mine, code="KR1", title="Checked long ago", owner=world.member)
    f.checkin(due, 5, timezone.now() - dt.timedelta(days=20))
    fresh = f.key_result(objective=mine, code="KR2", title="Checked today", owner=world.member)
    f.checkin(fresh, 5, timezone.now())
    f.key_result(objective=mine, code="KR3", title="Never checked", owner=world.member)
    other_team = f.objective(team=f.team("far"), period=now, title="Not theirs")
    f.key_result(objective=other_team, title="Someone else's KR")
    beat = f.heartbeat(
        team=world.team,
        period=now,
        name="NowHB1",
        start=today - dt.timedelta(days=3),
        end=today + dt.timedelta(days=10),
    )
    page = html(world.client("member").get("/me/"))
    assert page.index("Checked long ago") < page.index("Checked today")
    assert page.count("Check-in due") == 1  # KR3 was created today: not due yet
    # each with its latest value (the kept one, as every page reads it)
    assert page.count("last 5 on") == 2 and page.count("no check-in yet") == 1
    assert "Someone else" not in page
    assert f"/teams/reps/heartbeats/{beat.pk}/" in page

    proposed = f.objective(team=world.team, period=now, title="Please review me", state="in_review")
    Offer.objects.create(objective=mine, team=world.team, person=world.member, note="I can help")
    parent_page = html(world.client("parent_lead").get("/me/"))
    assert "Please review me" in parent_page
    assert "Please review me" not in html(world.client("member").get("/me/"))
    assert "I can help" not in parent_page  # offers go to the team's own leads
    lead_page = html(world.client("lead").get("/me/"))
    assert (
        "Offers waiting for your decision" in lead_page and f"/objectives/{mine.pk}/" in lead_page
    )

    Follow.objects.create(person=world.viewer, objective=mine)
    from okrs.goals import services

    services.objective_update(objective=mine, actor=world.lead, changes={"title": "Run it well"})
    assert "Run it well" in html(world.client("viewer").get("/me/"))
    assert world.client(None).get("/me/").status_code == 302
    del proposed

    def grow() -> None:
        for n in range(4):
            objective = f.objective(team=world.team, period=now, title=f"More {n}")
            kr = f.key_result(objective=objective, owner=world.lead)
            f.checkin(kr, 1, timezone.now())
            f.objective(team=world.team, period=now, title=f"Review {n}", state="in_review")
            Offer.objects.create(
                objective=objective, team=world.team, person=world.member, note="n"
            )
            Follow.objects.create(person=world.lead, objective=objective)
            services.objective_update(
                objective=objective, actor=world.member, changes={"code": f"X{n}"}
            )

    small, large = query_counts(world.client("lead"), "/me/", grow)
    assert small == large and large <= 16


def test_team_packets_list_for_readers(world) -> None:  # type: ignore[no-untyped-def]
    f.packet(team=world.team, title="Write the guide", status=PacketStatus.DONE)
    f.packet(team=world.team, title="Plan the meetup")
    page = html(world.client(None).get("/teams/reps/packets/"))
    assert "Write the guide" in page and "Plan the meetup" in page
    done = html(world.client(None).get("/teams/reps/packets/?status=done"))
    assert "Write the guide" in done and "Plan the meetup" not in done
    secret = f.team("secret", visibility="private")
    f.packet(team=secret, title="Hidden work")
    assert world.client("outsider").get("/teams/secret/packets/").status_code == 404

    def grow() -> None:
        for n in range(5):
            f.packet(
                team=world.team, title=f"P{n}", key_results=[world.kr], responsible=[world.member]
            )

    small, large = query_counts(world.client("member"), "/teams/reps/packets/", grow)
    assert small == large and large <= 12


def test_personal_home_shows_the_first_key_results_and_all_on_request(world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    now = f.period("now", start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=60))
    objective = f.objective(team=world.team, period=now, code="O1", title="Many")
    for n in range(32):
        f.key_result(objective=objective, code=f"KR{n}", title=f"Measure {n:02d}", order=n)
    client = world.client("member")
    page = html(client.get("/me/"))
    assert page.count("Measure ") == 30 and 'href="?krs=all#krs-title"' in page
    every = html(client.get("/me/?krs=all"))
    assert every.count("Measure ") == 32 and "Show all your key results" not in every
    assert "Show the first 30 only" in every

    def grow() -> None:
        for n in range(5):
            f.key_result(objective=objective, code=f"More{n}", title=f"Measure more {n}")

    small, large = query_counts(client, "/me/?krs=all", grow)
    assert small == large
