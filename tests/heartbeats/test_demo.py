"""The demo's first heartbeat: its board and its review render with the plan and outcomes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from okrs.heartbeats.demo import load_demo_review
from okrs.heartbeats.models import Commitment, Heartbeat, PacketEvent
from okrs.heartbeats.selectors import closure_rates

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():  # type: ignore[no-untyped-def]
    call_command("demo", stdout=io.StringIO())
    return load_demo_review()


def test_demo_review_of_q1hb1_renders_on_the_reps_pages(client, demo) -> None:  # type: ignore[no-untyped-def]
    hb1 = Heartbeat.objects.get(team__slug="cdt", name="Q1HB1")
    board = client.get(f"/teams/reps/heartbeats/{hb1.pk}/")
    html = board.content.decode()
    assert board.status_code == 200
    assert "Ask every Rep to watch the Reps and NDA Discourse categories" in html
    assert "In the calendar of Community Development Team" in html
    review = client.get(f"/teams/reps/heartbeats/{hb1.pk}/review/")
    html = review.content.decode()
    assert review.status_code == 200
    assert "About half of the Reps watch both" in html and "Regional Coaches" in html
    rates = {r.priority: (r.done, r.committed) for r in closure_rates(hb1, demo.team)}
    assert rates["P1"] == (2, 3) and rates["P2"] == (1, 3)


def test_demo_review_is_idempotent(demo) -> None:  # type: ignore[no-untyped-def]
    counts = (Commitment.objects.count(), PacketEvent.objects.count())
    load_demo_review()
    assert (Commitment.objects.count(), PacketEvent.objects.count()) == counts
