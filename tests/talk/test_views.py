from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from okrs.goals.models import ObjectiveVisibility
from okrs.talk import services
from okrs.talk.models import Comment, Interest, Offer
from tests import factories as f


def _render(rf, user, target):
    request = rf.get("/")
    request.user = user
    return Template("{% load talk %}{% talk_discussion target %}").render(
        Context({"request": request, "target": target})
    )


def test_anonymous_reads_public_discussion_but_may_not_post(world, client):
    services.comment_post(target=world.objective, author=world.member, body="*hello*")
    url = reverse("talk:comment_post", args=["objective", world.objective.pk])
    response = client.post(url, {"body": "anon"})
    # one way in: an anonymous visitor is sent to log in, then back to the page
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Comment.objects.count() == 1


def test_outsider_gets_404_on_a_private_objective(world):
    private = f.objective(
        team=world.team, period=world.period, visibility=ObjectiveVisibility.PRIVATE
    )
    client = world.client("visitor")
    for name in ("comment_post", "interest", "offer", "follow"):
        response = client.post(reverse(f"talk:{name}", args=["objective", private.pk]), {})
        assert response.status_code == 404, name
    assert (
        world.client("member")
        .post(reverse("talk:comment_post", args=["objective", private.pk]), {"body": "ok"})
        .status_code
        == 302
    )


def test_plain_form_post_redirects_back_to_the_discussion(world):
    response = world.client("visitor").post(
        reverse("talk:comment_post", args=["key_result", world.kr.pk]), {"body": "Nice"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/key-results/{world.kr.pk}/#discussion"


def test_htmx_post_returns_the_discussion_partial(world):
    response = world.client("visitor").post(
        reverse("talk:comment_post", args=["packet", world.packet.pk]),
        {"body": "**On it**"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="discussion"' in html and "<strong>On it</strong>" in html


def test_bad_input_says_what_went_wrong(world):
    response = world.client("visitor").post(
        reverse("talk:comment_post", args=["objective", world.objective.pk]), {"body": ""}
    )
    assert response.status_code == 400
    assert "Write something" in response.content.decode()


def test_rate_limit_answers_429_with_a_clear_message(world, settings):
    settings.OKRS_TALK_COMMENT_PER_WINDOW = 1
    client = world.client("visitor")
    url = reverse("talk:comment_post", args=["objective", world.objective.pk])
    assert client.post(url, {"body": "one"}).status_code == 302
    response = client.post(url, {"body": "two"})
    assert response.status_code == 429
    assert "Too many comments" in response.content.decode()


def test_csrf_is_enforced(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.visitor)
    response = client.post(reverse("talk:interest", args=["objective", world.objective.pk]), {})
    assert response.status_code == 403
    assert not Interest.objects.exists()


def test_counts_are_public_names_only_for_members(world, rf):
    from django.contrib.auth.models import AnonymousUser

    services.interest_toggle(target=world.objective, person=world.visitor)
    services.offer_make(target=world.objective, person=world.visitor, note="I write well")
    anonymous = _render(rf, AnonymousUser(), world.objective)
    assert "<strong>1</strong> interested" in anonymous and "1 open offer" in anonymous
    assert "visitor" not in anonymous and "I write well" not in anonymous
    outsider = _render(rf, f.person("stranger"), world.objective)
    assert "visitor" not in outsider and "I write well" not in outsider
    member = _render(rf, world.member, world.objective)
    assert "Interested: visitor" in member and "I write well" in member


def test_hidden_comment_shows_only_to_admins(world, rf):
    comment = services.comment_post(target=world.objective, author=world.visitor, body="SPAMTEXT")
    services.comment_hide(comment=comment, actor=world.lead)
    assert "SPAMTEXT" not in _render(rf, world.lead, world.objective)
    assert "hidden by a lead" in _render(rf, world.member, world.objective)
    assert "SPAMTEXT" in _render(rf, world.admin, world.objective)


def test_discussion_queries_do_not_grow_with_the_talk(world, rf):
    def count():
        with CaptureQueriesContext(connection) as queries:
            _render(rf, world.member, world.objective)
        return len(queries)

    services.comment_post(target=world.objective, author=world.member, body="one")
    small = count()
    for i in range(12):
        someone = f.person()
        services.comment_post(target=world.objective, author=someone, body=f"@member {i}")
        services.interest_toggle(target=world.objective, person=someone)
        services.offer_make(target=world.objective, person=someone, note="help")
    assert count() == small


def test_lead_accepts_from_the_offers_page(world):
    offer = services.offer_make(target=world.packet, person=world.visitor, note="I can help")
    assert world.client("member").get("/teams/reps/offers/").status_code == 403
    page = world.client("lead").get("/teams/reps/offers/")
    assert page.status_code == 200 and "I can help" in page.content.decode()
    response = world.client("lead").post(
        reverse("talk:offer_accept", args=[offer.pk]), {"next": "offers"}
    )
    assert response.status_code == 302
    assert world.packet.roles.filter(person=world.visitor, role="S").exists()


def test_member_may_not_accept(world):
    offer = services.offer_make(target=world.packet, person=world.visitor, note="x")
    response = world.client("member").post(reverse("talk:offer_accept", args=[offer.pk]))
    assert response.status_code == 403
    assert Offer.objects.get().state == "open"


def test_offers_page_query_count_is_constant(world):
    client = world.client("lead")
    services.offer_make(target=world.packet, person=world.visitor, note="x")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/teams/reps/offers/").status_code == 200
        return len(queries)

    small = count()
    for _ in range(8):
        someone = f.person()
        services.offer_make(target=world.kr, person=someone, note="y")
        services.offer_make(target=world.objective, person=someone, note="z")
    assert count() == small


def test_inbox_shows_mentions_and_marks_read(world):
    services.comment_post(target=world.objective, author=world.member, body="hey @visitor")
    client = world.client("visitor")
    page = client.get("/inbox/").content.decode()
    assert "member mentioned you on O1 Grow the community" in page and "1 unread" in page
    client.post("/inbox/")
    assert "0 unread" in client.get("/inbox/").content.decode()
    assert world.client(None).get("/inbox/").status_code == 302


def test_edit_and_delete_through_the_pages(world):
    comment = services.comment_post(target=world.objective, author=world.member, body="tpyo")
    client = world.client("member")
    assert world.client("lead").get(f"/talk/comments/{comment.pk}/edit/").status_code == 403
    assert client.get(f"/talk/comments/{comment.pk}/edit/").status_code == 200
    client.post(f"/talk/comments/{comment.pk}/edit/", {"body": "typo"})
    comment.refresh_from_db()
    assert comment.body == "typo"
    assert world.client("visitor").post(f"/talk/comments/{comment.pk}/delete/").status_code == 403
    client.post(f"/talk/comments/{comment.pk}/delete/")
    comment.refresh_from_db()
    assert comment.deleted_at is not None
