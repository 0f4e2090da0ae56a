"""The period overview: filters, period switch, visibility and a constant number of queries."""

from __future__ import annotations

from tests import factories as f
from tests.web.helpers import html, query_counts


def test_anonymous_sees_public_objectives_of_public_teams_only(world) -> None:  # type: ignore[no-untyped-def]
    secret_team = f.team("secret", visibility="private")
    f.objective(team=secret_team, period=world.period, title="Secret team goal")
    f.objective(team=world.team, period=world.period, title="Private goal", visibility="private")
    f.objective(team=world.team, period=world.period, title="Draft goal", state="draft")
    page = html(world.client(None).get("/"))
    assert "Grow the community" in page
    assert "Secret team goal" not in page
    assert "Private goal" not in page and "Draft goal" not in page


def test_member_sees_the_teams_drafts_and_private_objectives_outsider_does_not(world) -> None:  # type: ignore[no-untyped-def]
    f.objective(team=world.team, period=world.period, title="Private goal", visibility="private")
    f.objective(team=world.team, period=world.period, title="Draft goal", state="draft")
    member = html(world.client("viewer").get("/"))
    assert "Private goal" in member and "Draft goal" in member
    outsider = html(world.client("outsider").get("/"))
    assert "Private goal" not in outsider and "Draft goal" not in outsider


def test_filter_by_team_owner_and_status(world) -> None:  # type: ignore[no-untyped-def]
    other = f.team("mobilizers", name="Mobilizers")
    f.objective(team=other, period=world.period, title="Run campus events", owner=world.member)
    client = world.client(None)
    by_team = html(client.get("/", {"team": "mobilizers"}))
    assert "Run campus events" in by_team and "Grow the community" not in by_team
    by_owner = html(client.get("/", {"owner": world.member.username}))
    assert "Run campus events" in by_owner and "Grow the community" not in by_owner
    f.checkin(world.kr, 50, "2017-02-10T00:00:00")  # target reached: on track
    on_track = html(client.get("/", {"status": "on_track"}))
    assert "Grow the community" in on_track and "Run campus events" not in on_track
    no_data = html(client.get("/", {"status": "no_data"}))
    assert "Run campus events" in no_data and "Grow the community" not in no_data


def test_period_switch_shows_that_periods_objectives(world) -> None:  # type: ignore[no-untyped-def]
    q2 = f.period("2017-Q2", start="2017-04-01", end="2017-06-30")
    f.objective(team=world.team, period=q2, title="Second quarter goal")
    page = html(world.client(None).get("/", {"period": "2017-Q2"}))
    assert "Second quarter goal" in page and "Grow the community" not in page
    assert html(world.client(None).get("/", {"period": "2017-Q1"})).count("Second quarter") == 0


def test_archived_objectives_are_left_out_unless_asked(world) -> None:  # type: ignore[no-untyped-def]
    f.objective(team=world.team, period=world.period, title="Old goal", state="archived")
    client = world.client(None)
    assert "Old goal" not in html(client.get("/"))
    assert "Old goal" in html(client.get("/", {"archived": "1"}))


def test_inline_checkin_only_for_those_who_may_check_in(world) -> None:  # type: ignore[no-untyped-def]
    # the row offers a check-in, whose form is fetched when it is opened
    fetch = f'hx-get="/key-results/{world.kr.pk}/checkin/?next='
    member = html(world.client("member").get("/"))
    assert fetch in member
    assert 'class="checkin-form"' not in member  # no form is sent until a row asks for it
    assert fetch not in html(world.client("viewer").get("/"))
    assert fetch not in html(world.client(None).get("/"))


def test_overview_links_to_team_objective_and_key_result_pages(world) -> None:  # type: ignore[no-untyped-def]
    page = html(world.client(None).get("/"))
    assert 'href="/teams/reps/' in page
    assert f'href="/objectives/{world.objective.pk}/"' in page
    assert f'href="/key-results/{world.kr.pk}/"' in page


def test_query_count_does_not_grow_with_objectives(world) -> None:  # type: ignore[no-untyped-def]
    def grow() -> None:
        for i in range(15):
            team = f.team(parent=world.team) if i % 3 == 0 else world.team
            objective = f.objective(team=team, period=world.period, owner=world.member)
            kr = f.key_result(objective=objective)
            f.checkin(kr, 10, "2017-02-01T00:00:00", confidence=0.5)

    for who in (None, "member", "admin"):
        small, large = query_counts(world.client(who), "/", grow)
        assert small == large, who


def test_owners_are_shown_by_display_name(world) -> None:  # type: ignore[no-untyped-def]
    from okrs.org.models import Profile

    Profile.objects.create(person=world.lead, display_name="Lee Lead")
    world.objective.owner = world.lead
    world.objective.save()
    for url in ("/", "/teams/reps/", f"/objectives/{world.objective.pk}/"):
        assert "Lee Lead" in html(world.client(None).get(url)), url


def test_overview_shows_a_page_of_teams_and_links_to_the_next(world) -> None:  # type: ignore[no-untyped-def]
    from okrs.web.selectors import TEAMS_PER_PAGE

    titles = []
    for i in range(TEAMS_PER_PAGE + 2):
        team = f.team(f"team-{i:02}", name=f"Team {i:02}", parent=world.team)
        team.order = i + 1
        team.save()
        titles.append(f"Goal of team {i:02}")
        f.objective(team=team, period=world.period, title=titles[-1])
    client = world.client(None)
    first = html(client.get("/"))
    teams_shown = TEAMS_PER_PAGE - 1  # "Mozilla Reps" (order 0) comes first
    assert all(t in first for t in titles[:teams_shown])
    assert not any(t in first for t in titles[teams_shown:])
    assert 'rel="next"' in first and "page=2" in first
    second = html(client.get("/", {"page": 2}))
    assert all(t in second for t in titles[teams_shown:])
    assert "Grow the community" not in second and 'rel="prev"' in second
    # a page past the end shows the last page; the filters stay in the links
    assert titles[-1] in html(client.get("/", {"page": 99}))
    filtered = html(client.get("/", {"status": "no_data", "page": 1}))
    assert "status=no_data&amp;page=2" in filtered


def test_a_page_holds_whole_teams_up_to_the_objective_budget(world) -> None:  # type: ignore[no-untyped-def]
    from okrs.web.selectors import OBJECTIVES_PER_PAGE

    per_team = OBJECTIVES_PER_PAGE // 2  # Reps (1) + two such teams fill the first page
    for i in range(3):
        team = f.team(f"big-{i}", name=f"Big {i}")
        team.order = i + 1
        team.save()
        for j in range(per_team):
            f.objective(team=team, period=world.period, title=f"Goal {i}.{j:02}")
    client = world.client(None)
    first = html(client.get("/"))
    assert "Grow the community" in first and "Goal 1.00" in first
    assert f"Goal 1.{per_team - 1:02}" in first  # a team is never split
    assert "Goal 2.00" not in first
    assert "Teams 1–3 of 4 (page 1 of 2)" in first
    second = html(client.get("/", {"page": 2}))
    assert "Goal 2.00" in second and "Goal 1.00" not in second
    assert "Teams 4–4 of 4 (page 2 of 2)" in second


def test_grades_do_not_change_with_the_filters(world) -> None:  # type: ignore[no-untyped-def]
    """A team's grade rolls up its objectives' contributors even when a filter hides them."""
    helper = f.team("helpers", name="Helpers")
    child = f.objective(team=helper, period=world.period, title="Help the Reps")
    f.checkin(f.key_result(objective=child, target=100), 100, "2017-02-01T00:00:00")
    f.checkin(world.kr, 0, "2017-02-01T00:00:00")
    f.align(child, world.objective, weight=1.0)
    client = world.client(None)
    everything = html(client.get("/"))
    only_reps = html(client.get("/", {"team": "reps"}))
    team_page = html(client.get("/teams/reps/"))
    objective_page = html(client.get(f"/objectives/{world.objective.pk}/"))
    # the Reps objective: its own KR at 0 % and its contributor at 100 %: grade 0.5
    for page in (everything, only_reps, team_page, objective_page):
        assert "Grade 0.50" in page


def test_the_team_filter_is_a_list_up_to_its_size_then_a_field(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A list of every team costs each request what the organization holds: beyond
    TEAM_CHOICES teams the filter is a field taking the team's name or slug."""
    from okrs.web import selectors

    other = f.team("mobilizers", name="Mobilizers")
    f.objective(team=other, period=world.period, title="Run campus events")
    client = world.client(None)
    listed = html(client.get("/"))
    assert '<select id="filter-team"' in listed and 'value="mobilizers"' in listed
    monkeypatch.setattr(selectors, "TEAM_CHOICES", 1)
    typed = html(client.get("/", {"team": "mobilizers"}))
    assert '<select id="filter-team"' not in typed
    assert '<input id="filter-team" name="team" value="mobilizers"' in typed
    assert "Run campus events" in typed and "Grow the community" not in typed
    by_name = html(client.get("/", {"team": "MOBILIZERS"}))
    assert "Run campus events" in by_name and "Grow the community" not in by_name
