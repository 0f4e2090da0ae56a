"""The lists read rows (`.values()`), not model instances, and the key result's read loads its
latest check-in on its own: each must answer exactly what the single-object read answers, for
every kind of reader, and hide what the reader may not see."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from ninja.renderers import JSONRenderer

from okrs.api.renderer import render_json
from tests import factories as f


def _readers(world: Any) -> dict[str, Any]:
    admin = get_user_model().objects.create_user("root", is_superuser=True)
    return {
        "anonymous": world.api(),
        "outsider": world.api(world.outsider),
        "member": world.api(world.member),
        "admin": world.api(admin),
    }


def _all(api: Any, path: str, **params: Any) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        body = api.get(path, limit=2, **params, **({"cursor": cursor} if cursor else {})).json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_objective_list_items_are_the_objective_reads(world: Any) -> None:
    world.objective.owner = world.lead
    world.objective.save()
    f.objective(team=world.team, period=world.period, code="O3", state="draft")
    for who, api in _readers(world).items():
        items = _all(api, "/objectives", period=world.period.slug)
        assert items, who
        for item in items:
            assert api.get(f"/objectives/{item['id']}").json() == item, who
    codes = {o["code"] for o in _all(world.api(), "/objectives")}
    assert codes == {"O1"}  # private and draft objectives stay hidden from anonymous readers
    assert {o["code"] for o in _all(world.api(world.member), "/objectives")} == {"O1", "O2", "O3"}


def test_team_list_items_are_the_team_reads(world: Any) -> None:
    child = f.team("child", parent=world.team, tracker_url="https://example.org/t")
    f.team("hidden", visibility="private")
    for who, api in _readers(world).items():
        items = _all(api, "/teams")
        slugs = {t["slug"] for t in items}
        assert ("hidden" in slugs) == (who == "admin"), who
        for item in items:
            assert api.get(f"/teams/{item['slug']}").json() == item, who
    assert next(t for t in _all(world.api(), "/teams") if t["slug"] == child.slug)["parent"] == (
        "reps"
    )


def test_check_in_list_items_carry_every_field(world: Any) -> None:
    first = f.checkin(world.kr, 5, "2017-01-10T08:00:00", author=world.member, note="hi")
    second = f.checkin(world.kr, 7, "2017-01-11T09:30:00.123456", confidence=0.5)
    f.checkin(world.private_kr, 1, "2017-01-11T09:30:00")
    items = _all(world.api(), f"/key-results/{world.kr.pk}/checkins")
    assert items == [
        {"id": first.pk, "key_result": world.kr.pk, "value": 5.0, "confidence": None,
         "note": "hi", "author": "member", "at": "2017-01-10T08:00:00Z",
         "recorded_at": _text(first.recorded_at), "source": first.source},
        {"id": second.pk, "key_result": world.kr.pk, "value": 7.0, "confidence": 0.5,
         "note": "", "author": None, "at": "2017-01-11T09:30:00.123Z",
         "recorded_at": _text(second.recorded_at), "source": second.source},
    ]  # fmt: skip
    hidden = world.api().get(f"/key-results/{world.private_kr.pk}/checkins")
    assert hidden.status_code == 404
    member = world.api(world.member).get(f"/key-results/{world.private_kr.pk}/checkins")
    assert [c["value"] for c in member.json()["items"]] == [1.0]


def test_key_result_read_equals_its_list_item(world: Any) -> None:
    """The read loads the latest check-in itself; the list annotates it: the same answer, also
    when two check-ins share a moment (the later id wins) and for a key result without any."""
    f.checkin(world.kr, 10, "2017-01-10T00:00:00")
    f.checkin(world.kr, 30, "2017-01-12T00:00:00", confidence=0.9)
    f.checkin(world.kr, 20, "2017-01-12T00:00:00", confidence=0.4)
    empty = f.key_result(objective=world.objective, title="Nothing yet", code="KR2")
    api = world.api(world.member)
    items = {k["id"]: k for k in _all(api, "/key-results", objective=world.objective.pk)}
    assert set(items) == {world.kr.pk, empty.pk}
    for pk, item in items.items():
        assert api.get(f"/key-results/{pk}").json() == item
    assert items[world.kr.pk]["value"] == 20.0 and items[world.kr.pk]["confidence"] == 0.4
    assert items[empty.pk]["value"] is None and items[empty.pk]["last_checkin_at"] is None


def test_packet_list_items_are_the_packet_reads_with_only_visible_key_results(world: Any) -> None:
    heartbeat = f.heartbeat(
        team=world.team, period=world.period, start="2017-01-02", end="2017-01-20"
    )
    both = f.packet(team=world.team, heartbeat=heartbeat, title="Both", due=dt.date(2017, 1, 9))
    both.key_results.add(world.kr, world.private_kr)
    f.packet(team=world.team, title="None")
    f.packet(team=world.team, title="Private only").key_results.add(world.private_kr)
    # a draft of the team (its members read it) and a published objective of a private team
    draft = f.key_result(objective=f.objective(team=world.team, state="draft"))
    secret_team = f.team("secret", visibility="private")
    secret = f.key_result(objective=f.objective(team=secret_team, period=world.period))
    f.packet(team=world.team, title="Draft and secret").key_results.add(draft, secret)
    for who, api in _readers(world).items():
        items = _all(api, "/packets", team="reps")
        assert len(items) == 4, who
        for item in items:
            assert api.get(f"/packets/{item['id']}").json() == item, who
        sees_private = who in ("member", "admin")
        by_title = {p["title"]: p["key_results"] for p in items}
        assert by_title == {
            "Both": sorted([world.kr.pk, world.private_kr.pk]) if sees_private else [world.kr.pk],
            "None": [],
            "Private only": [world.private_kr.pk] if sees_private else [],
            "Draft and secret": {
                "anonymous": [],
                "outsider": [],
                "member": [draft.pk],
                "admin": sorted([draft.pk, secret.pk]),
            }[who],
        }, who


def _text(value: dt.datetime) -> str:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _rendered(data: Any) -> Any:
    return json.loads(render_json(data))


def test_the_api_renderer_writes_dates_and_times_as_django_does() -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    values = [
        dt.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 2, 3, 4, 5, 999, tzinfo=berlin),
        dt.datetime(2026, 1, 2, 0, 0, 0, 5),
        dt.datetime(2026, 1, 2),
        dt.date(2026, 1, 2),
        dt.time(10, 30),
        dt.timedelta(hours=1),
        Decimal("1.50"),
        gettext_lazy("Done"),
    ]
    assert _rendered(values) == json.loads(json.dumps(values, cls=DjangoJSONEncoder))
    assert _rendered(values[:2]) == ["2026-01-02T03:04:05.123Z", "2026-01-02T03:04:05Z"]


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.datetimes(timezones=st.none() | st.just(dt.UTC))
    | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(document=JSONISH)
def test_the_api_renderer_writes_the_document_ninja_s_renderer_writes(document: Any) -> None:
    ninjas = JSONRenderer().render(None, document, response_status=200)  # type: ignore[arg-type]
    assert _rendered(document) == json.loads(ninjas)
