import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.heartbeats.models import PacketRole
from okrs.org.models import Cohort
from okrs.talk import selectors, services
from okrs.talk.models import Notification, Offer
from tests import factories as f


def test_interest_toggles_once_per_person(world):
    assert services.interest_toggle(target=world.objective, person=world.visitor) is True
    assert services.interest_toggle(target=world.objective, person=world.visitor) is False
    assert services.interest_toggle(target=world.objective, person=world.visitor) is True
    services.interest_toggle(target=world.kr, person=world.member)
    assert world.objective.talk_interest.count() == 1


def test_no_interest_on_packets(world):
    with pytest.raises(ValidationError):
        services.interest_toggle(target=world.packet, person=world.visitor)


def test_interest_counts_for_many_objectives_in_one_query(world):
    others = [f.objective(team=world.team, period=world.period) for _ in range(5)]
    people = [f.person() for _ in range(4)]
    for i, objective in enumerate(others):
        for someone in people[: i % 4]:
            services.interest_toggle(target=objective, person=someone)
    services.interest_toggle(target=world.objective, person=people[0])
    services.interest_toggle(target=world.kr, person=people[0])  # same person: counted once
    services.interest_toggle(target=world.kr, person=people[1])
    ids = [world.objective.pk] + [o.pk for o in others]
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.interest_counts(ids)
    assert len(queries) == 1
    assert counts[world.objective.pk] == 2
    assert [counts.get(o.pk, 0) for o in others] == [0, 1, 2, 3, 0]


def test_offer_on_a_packet_accepted_makes_the_person_supporting(world):
    offer = services.offer_make(target=world.packet, person=world.visitor, note="I can help")
    assert Notification.objects.get(kind="offer").recipient == world.lead
    services.offer_accept(offer=offer, lead=world.lead, note="Welcome")
    offer.refresh_from_db()
    assert offer.state == "accepted" and offer.decided_by == world.lead
    assert PacketRole.objects.filter(packet=world.packet, person=world.visitor, role="S").exists()
    accepted = Notification.objects.get(kind="offer_accepted")
    assert accepted.recipient == world.visitor


def test_offer_on_a_kr_naming_a_cohort_joins_it(world):
    cohort = Cohort.objects.create(slug="mobilizers", name="Mobilizers", team=world.team)
    world.kr.measure_params = {"cohort": "mobilizers"}
    world.kr.save()
    offer = services.offer_make(target=world.kr, person=world.visitor, note="count me in")
    services.offer_accept(offer=offer, lead=world.lead)
    assert list(cohort.members.all()) == [world.visitor]
    offer.refresh_from_db()
    assert offer.cohort == cohort


def test_only_leads_decide_and_only_once(world):
    offer = services.offer_make(target=world.objective, person=world.visitor, note="hi")
    with pytest.raises(PermissionDenied):
        services.offer_accept(offer=offer, lead=world.member)
    with pytest.raises(ValidationError, match="note"):
        services.offer_decline(offer=offer, lead=world.lead, note="")
    services.offer_decline(offer=offer, lead=world.lead, note="Not this quarter")
    with pytest.raises(ValidationError, match="already"):
        services.offer_accept(offer=offer, lead=world.lead)
    declined = Notification.objects.get(kind="offer_declined")
    assert "Not this quarter" in declined.summary


def test_offer_needs_a_note_and_is_not_repeated_while_open(world):
    with pytest.raises(ValidationError, match="few words"):
        services.offer_make(target=world.packet, person=world.visitor, note="  ")
    services.offer_make(target=world.packet, person=world.visitor, note="me")
    with pytest.raises(ValidationError, match="already"):
        services.offer_make(target=world.packet, person=world.visitor, note="me again")
    assert Offer.objects.count() == 1


def test_offers_are_rate_limited(world, settings):
    settings.OKRS_TALK_OFFER_PER_WINDOW = 2
    services.offer_make(target=world.packet, person=world.visitor, note="a")
    services.offer_make(target=world.kr, person=world.visitor, note="b")
    with pytest.raises(services.RateLimited, match="offers"):
        services.offer_make(target=world.objective, person=world.visitor, note="c")


def test_follow_toggles(world):
    assert services.follow_toggle(target=world.packet, person=world.visitor) is True
    assert services.follow_toggle(target=world.packet, person=world.visitor) is False
    with pytest.raises(ValidationError):
        services.follow_toggle(target=world.heartbeat, person=world.visitor)
