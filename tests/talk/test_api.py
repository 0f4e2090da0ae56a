from django.test import Client

from okrs.api.services import token_create
from okrs.goals.models import ObjectiveVisibility
from okrs.talk import services
from tests import factories as f


def _get(path, user=None):
    client = Client()
    headers = {}
    if user is not None:
        _, secret = token_create(person=user, name="t")
        headers = {"Authorization": f"Bearer {secret}"}
    return client.get("/api/v1" + path, headers=headers)


def test_counts_are_public_names_for_members(world):
    services.interest_toggle(target=world.objective, person=world.visitor)
    services.interest_toggle(target=world.objective, person=world.viewer)
    offer = services.offer_make(target=world.objective, person=world.visitor, note="x")
    services.offer_make(target=world.objective, person=world.viewer, note="y")
    services.offer_accept(offer=offer, lead=world.lead)
    anonymous = _get(f"/objectives/{world.objective.pk}/engagement").json()
    assert anonymous == {
        "interest_count": 2,
        "open_offers": 1,
        "accepted_offers": 1,
        "interested": None,
    }
    member = _get(f"/objectives/{world.objective.pk}/engagement", world.member).json()
    assert member["interested"] == ["visitor", "viewer"]


def test_kr_engagement_and_private_objectives(world):
    services.interest_toggle(target=world.kr, person=world.visitor)
    assert _get(f"/key-results/{world.kr.pk}/engagement").json()["interest_count"] == 1
    private = f.objective(
        team=world.team, period=world.period, visibility=ObjectiveVisibility.PRIVATE
    )
    assert _get(f"/objectives/{private.pk}/engagement", world.visitor).status_code == 404


def test_team_offers_for_members_only(world):
    services.offer_make(target=world.packet, person=world.visitor, note="I can help")
    assert _get("/teams/reps/offers", world.visitor).status_code == 403
    body = _get("/teams/reps/offers", world.member).json()
    assert [(o["person"], o["target"], o["target_id"], o["state"]) for o in body["items"]] == [
        ("visitor", "packet", world.packet.pk, "open")
    ]
    assert _get("/teams/reps/offers?state=accepted", world.member).json()["items"] == []
