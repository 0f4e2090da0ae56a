"""The map, search and review render the demo (the seed's Reps Q1 2017 OKRs) as it ships."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from okrs.goals.access import visible_objectives
from okrs.goals.models import Alignment, KeyResult
from okrs.heartbeats.models import WorkPacket

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def demo(db) -> None:  # type: ignore[no-untyped-def]
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_map_draws_every_public_objective_and_link(client, demo: None) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    public = visible_objectives(AnonymousUser()).filter(period__slug="2017-Q1")
    html = client.get("/map/", {"period": "2017-Q1"}).content.decode()
    root = ET.fromstring(re.search(r"<svg .*?</svg>", html, re.S).group(0))  # type: ignore[union-attr]
    drawn = {
        int(a.attrib["data-objective"])
        for a in root.iter(f"{SVG}a")
        if "data-objective" in a.attrib
    }
    assert drawn == set(public.values_list("pk", flat=True)) and drawn
    links = Alignment.objects.filter(child__in=public, parent__in=public).count()
    assert len(root.findall(f".//{SVG}path[@class='map-edge']")) == links > 0


def test_demo_review_and_search_render(client, demo: None) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/periods/2017-Q1/review/").content.decode()
    assert "Distribution of grades" in html
    assert (
        html.count('<td data-label="Grade">')
        == KeyResult.objects.filter(
            objective__period__slug="2017-Q1", objective__state="published"
        ).count()
    )
    packet = WorkPacket.objects.filter(team__visibility="public").first()
    if packet is not None:
        word = max(packet.title.split(), key=len)
        assert packet.title in client.get("/search/", {"q": word}).content.decode()
    response = client.get("/search/", {"q": "reps"})
    assert response.status_code == 200 and "result" in response.content.decode()
