"""Drafting together: a lead proposes, the parent team's leads comment, request changes or
approve; approval publishes; every step is in the history."""

from __future__ import annotations

import pytest

from okrs.goals.models import ReviewComment
from tests import factories as f
from tests.web.helpers import html


@pytest.fixture
def draft(world):  # type: ignore[no-untyped-def]
    return f.objective(team=world.team, period=world.period, title="Drafted goal", state="draft")


def _state(objective) -> str:  # type: ignore[no-untyped-def]
    objective.refresh_from_db()
    return objective.state


def test_full_review_cycle(world, draft) -> None:  # type: ignore[no-untyped-def]
    lead, reviewer = world.client("lead"), world.client("parent_lead")
    state_url, review_url = f"/objectives/{draft.pk}/state/", f"/objectives/{draft.pk}/review/"
    assert reviewer.get(f"/objectives/{draft.pk}/").status_code == 404  # draft: team only
    assert "Drafted goal" not in html(world.client(None).get("/"))

    lead.post(state_url, {"action": "propose"})
    assert _state(draft) == "in_review"
    page = html(reviewer.get(f"/objectives/{draft.pk}/"))
    assert "Request changes" in page and "Approve and publish" in page
    assert "Drafted goal" in html(reviewer.get("/"))  # reviewers see it in the overview
    assert "Drafted goal" not in html(world.client("outsider").get("/"))

    reviewer.post(review_url, {"verdict": "request_changes", "body": "Make KR2 measurable"})
    assert _state(draft) == "draft"
    assert reviewer.get(f"/objectives/{draft.pk}/").status_code == 404
    assert "Make KR2 measurable" in html(lead.get(f"/objectives/{draft.pk}/"))

    lead.post(review_url, {"verdict": "", "body": "Done, see KR2"})
    lead.post(state_url, {"action": "propose"})
    reviewer.post(review_url, {"verdict": "approve", "body": "Looks good"})
    assert _state(draft) == "published"
    assert "Drafted goal" in html(world.client(None).get("/"))

    actions = list(draft.changes.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["proposed", "changes_requested", "commented", "proposed", "approved"]
    assert list(ReviewComment.objects.values_list("verdict", flat=True)) == [
        "changes_requested",
        "",
        "approved",
    ]
    history = html(lead.get(f"/objectives/{draft.pk}/"))
    assert "Changes requested" in history and "Approved" in history and "parent_lead" in history


def test_published_objective_of_private_team_stays_members_only(world, draft) -> None:  # type: ignore[no-untyped-def]
    world.team.visibility = "private"
    world.team.save()
    world.client("lead").post(f"/objectives/{draft.pk}/state/", {"action": "propose"})
    world.client("parent_lead").post(f"/objectives/{draft.pk}/review/", {"verdict": "approve"})
    assert _state(draft) == "published"
    assert world.client("outsider").get(f"/objectives/{draft.pk}/").status_code == 404
    assert world.client("viewer").get(f"/objectives/{draft.pk}/").status_code == 200


def test_only_parent_leads_give_verdicts(world, draft) -> None:  # type: ignore[no-untyped-def]
    world.client("lead").post(f"/objectives/{draft.pk}/state/", {"action": "propose"})
    url = f"/objectives/{draft.pk}/review/"
    assert world.client("lead").post(url, {"verdict": "approve"}).status_code == 403
    assert world.client("member").post(url, {"verdict": "approve"}).status_code == 403
    assert world.client("outsider").post(url, {"verdict": "approve"}).status_code == 404
    assert _state(draft) == "in_review"


def test_request_changes_needs_a_comment(world, draft) -> None:  # type: ignore[no-untyped-def]
    world.client("lead").post(f"/objectives/{draft.pk}/state/", {"action": "propose"})
    client = world.client("parent_lead")
    response = client.post(
        f"/objectives/{draft.pk}/review/", {"verdict": "request_changes"}, follow=True
    )
    assert "Say what should change." in html(response)
    assert _state(draft) == "in_review"


def test_members_may_propose_nothing_and_leads_cannot_publish_under_a_parent(world, draft) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{draft.pk}/state/"
    assert world.client("member").post(url, {"action": "propose"}).status_code == 403
    response = world.client("lead").post(url, {"action": "publish"}, follow=True)
    assert "propose it for review" in html(response)
    assert _state(draft) == "draft"


def test_top_level_team_publishes_directly(world) -> None:  # type: ignore[no-untyped-def]
    top = f.objective(team=world.parent, period=world.period, title="Top goal", state="draft")
    world.client("parent_lead").post(f"/objectives/{top.pk}/state/", {"action": "publish"})
    assert _state(top) == "published"
    assert top.changes.get().action == "published"


def test_outsider_cannot_comment(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{world.objective.pk}/review/"
    assert world.client("outsider").post(url, {"body": "spam"}).status_code == 403
    assert world.client("viewer").post(url, {"body": "a question"}).status_code == 302
    assert list(ReviewComment.objects.values_list("body", flat=True)) == ["a question"]
