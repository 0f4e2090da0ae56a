"""A team's settings page: its leads and site admins change what the team is, the GitHub
repository its packets mirror and how often the worker syncs it (the same settings as `okrs sync
github --every`), and whether comments go to the forum; others are refused in the layout."""

from __future__ import annotations

import re

import pytest

from okrs.org.models import Team
from okrs.sync.github import sync_state_for
from okrs.sync.models import SyncState
from okrs.talk.models import TeamTalkSettings
from tests import factories as f
from tests.web.helpers import html, query_counts

pytestmark = pytest.mark.django_db
URL = "/teams/reps/settings/"


def _team_post(**changes: str) -> dict[str, str]:
    data = {"section": "team", "name": "Mozilla Reps", "description": "", "visibility": "public"}
    data |= {"parent": str(Team.objects.get(slug="cdt").pk)}
    return data | changes


def test_the_team_menus_settings_link_leads_to_the_page(world) -> None:  # type: ignore[no-untyped-def]
    menu = re.search(
        r'<nav class="team-menu".*?</nav>',
        html(world.client("lead").get("/teams/reps/")),
        flags=re.S,
    )
    assert menu and f'href="{URL}"' in menu.group(0) and "offers/#settings" not in menu.group(0)
    page = html(world.client("lead").get(URL))
    assert 'value="Mozilla Reps"' in page and 'aria-current="page">Settings' in page
    for link in ("/teams/reps/chat/", "/teams/reps/webhooks/", "/teams/reps/offers/"):
        assert f'href="{link}"' in page, link


def test_only_leads_and_site_admins_open_it(world) -> None:  # type: ignore[no-untyped-def]
    assert world.client("admin").get(URL).status_code == 200
    for who in ("member", "viewer", "outsider", "parent_lead"):
        refused = world.client(who).get(URL)
        assert refused.status_code == 403, who
        assert "you need the lead role in Mozilla Reps" in html(refused)
        assert 'class="site-header"' in html(refused)
    anonymous = world.client(None).get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"] == f"/accounts/login/?next={URL}"
    world.team.visibility = "private"
    world.team.save()
    assert world.client("outsider").get(URL).status_code == 404  # existence not revealed
    before = Team.objects.get(slug="reps").name
    world.client("member").post(URL, _team_post(name="Taken over"))
    assert Team.objects.get(slug="reps").name == before


def test_a_lead_changes_name_description_visibility_and_links(world) -> None:  # type: ignore[no-untyped-def]
    lead = world.client("lead")
    response = lead.post(
        URL,
        _team_post(
            name="Reps program",
            description="Volunteers who mobilize.",
            visibility="private",
            tracker_url="https://github.com/mozilla/reps/issues",
            follows_parent_heartbeats="on",
        ),
    )
    assert response.status_code == 302 and response["Location"] == URL
    team = Team.objects.get(slug="reps")
    assert (team.name, team.description, team.visibility) == (
        "Reps program",
        "Volunteers who mobilize.",
        "private",
    )
    assert team.tracker_url == "https://github.com/mozilla/reps/issues"
    assert team.follows_parent_heartbeats is True
    assert "Settings saved." in html(lead.get(URL))


def test_a_lead_places_the_team_only_under_a_team_they_lead(world) -> None:  # type: ignore[no-untyped-def]
    other = f.team("l10n", name="Localization")
    refused = world.client("lead").post(URL, _team_post(parent=str(other.pk)))
    assert refused.status_code == 400  # not among the choices a lead has
    assert Team.objects.get(slug="reps").parent_id == world.parent.pk
    top = world.client("lead").post(URL, _team_post(parent=""))
    assert top.status_code == 400 and "Only a site admin may make a team top-level." in html(top)
    f.membership(world.lead, other, "lead")
    moved = world.client("lead").post(URL, _team_post(parent=str(other.pk)))
    assert moved.status_code == 302
    assert Team.objects.get(slug="reps").parent_id == other.pk
    # a site admin may make it top-level, never put a team under one of its own descendants
    assert world.client("admin").post(URL, _team_post(parent="")).status_code == 302
    assert Team.objects.get(slug="reps").parent_id is None
    f.team("mobilizers", parent=world.team)
    cycle = world.client("admin").post(
        "/teams/cdt/settings/",
        {"section": "team", "name": "CDT", "visibility": "public", "parent": str(world.team.pk)},
    )
    assert cycle.status_code == 302  # reps is top-level now: cdt may go under it
    under_child = world.client("admin").post(
        URL,
        _team_post(parent=str(Team.objects.get(slug="mobilizers").pk)),
    )
    assert under_child.status_code == 400
    assert Team.objects.get(slug="reps").parent_id is None


def test_the_repository_and_its_interval_are_the_settings_the_cli_and_worker_use(world) -> None:  # type: ignore[no-untyped-def]
    from okrs.sync.tasks import sync_due_repositories

    lead = world.client("lead")
    saved = lead.post(URL, {"section": "repo", "repo": "mozilla/reps", "every_minutes": "15"})
    assert saved.status_code == 302
    state = SyncState.objects.get(repo="mozilla/reps")
    assert (state.team_id, state.sync_every_minutes) == (world.team.pk, 15)
    assert sync_due_repositories.call() == ["mozilla/reps"]  # the worker's next look takes it
    page = html(lead.get(URL))
    assert "synced every 15 minutes" in page and 'value="15"' in page
    # the command line changes the same row, and the page shows it
    sync_state_for(repo="mozilla/reps", team=world.team, every=30)  # as `okrs sync --every 30`
    assert "synced every 30 minutes" in html(lead.get(URL))
    lead.post(
        URL, {"section": "repo", "repo": "https://github.com/mozilla/reps", "every_minutes": "0"}
    )
    state.refresh_from_db()
    assert state.sync_every_minutes == 0 and SyncState.objects.count() == 1
    assert "synced only by hand" in html(lead.get(URL))
    assert sync_due_repositories.call() == []
    bad = lead.post(URL, {"section": "repo", "repo": "not a repo", "every_minutes": "5"})
    assert bad.status_code == 400 and "expected OWNER/REPO" in html(bad)
    SyncState.objects.create(repo="mozilla/cdt", team=world.parent)
    theirs = lead.post(URL, {"section": "repo", "repo": "mozilla/cdt", "every_minutes": "5"})
    assert theirs.status_code == 400 and "already synced for the team cdt" in html(theirs)
    negative = lead.post(URL, {"section": "repo", "repo": "mozilla/reps", "every_minutes": "-1"})
    assert negative.status_code == 400


def test_mirroring_comments_to_the_forum_is_switched_here(world) -> None:  # type: ignore[no-untyped-def]
    world.client("lead").post(URL, {"section": "talk", "mirror": "on"})
    assert TeamTalkSettings.objects.get(team=world.team).mirror_to_forum is True
    world.client("lead").post(URL, {"section": "talk"})
    assert TeamTalkSettings.objects.get(team=world.team).mirror_to_forum is False


def test_settings_page_runs_a_bounded_number_of_queries(world) -> None:  # type: ignore[no-untyped-def]
    def grow() -> None:
        for n in range(5):
            f.team(f"extra{n}", parent=world.team)
            f.membership(world.lead, f.team(f"led{n}"), "lead")
            SyncState.objects.create(repo=f"mozilla/repo{n}", team=world.team)

    for who in ("lead", "admin"):
        small, large = query_counts(world.client(who), URL, grow if who == "lead" else lambda: None)
        assert small == large and large <= 12, (who, small, large)
