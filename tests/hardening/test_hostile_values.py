"""Hostile values at every entry, on whichever database the suite runs (SQLite and PostgreSQL):
the pages' forms (posted as a lead through the test client), the API's write endpoints, OKRs
files (`okrs import`), dataset imports and the GitHub webhook.

For each entry and each value: no server error; a value `okrs.core.values` refuses is refused,
and then no table gains or loses a row; a value accepted is stored and reads back equal. The
verdict comes from `okrs.core.values`, which knows no database, so both engines give the same.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import hmac
import io
import math
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from okrs.api.services import token_create
from okrs.core import values
from okrs.goals.models import CheckIn, KeyResult, Objective, Period
from okrs.heartbeats.models import ChecklistItem, Heartbeat, WorkPacket
from okrs.measures.imports import import_dataset
from okrs.measures.models import PersonFact, Survey
from okrs.org.models import Team
from okrs.sync.github import sync_state_for
from okrs.sync.models import IssueLink, SyncState
from okrs.talk.models import Comment, Offer
from tests import factories as f
from tests.hardening.hostile import (
    BAD,
    HOSTILE_JSON,
    examples,
    json_refused,
    json_text,
    parsed,
    raw_values,
    refused_by_values,
    row_counts,
)
from tests.limits import clear_rate_limits
from tests.sync.fakes import fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(request: pytest.FixtureRequest, settings: Any) -> dict[str, Any]:
    """A top-level team led by `lead`, a period around today with an objective, a key result
    and a heartbeat; the API's rate limit off (hypothesis sends many requests)."""
    settings.OKRS_API_RATE_LIMIT = 0
    settings.OKRS_TALK_COMMENT_PER_WINDOW = 10**6
    clear_rate_limits(request)
    today = dt.date.today()
    lead, team = f.person("lead"), f.team("reps", name="Mozilla Reps")
    f.membership(lead, team, "lead")
    period = f.period("now", start=today - dt.timedelta(days=30), end=today + dt.timedelta(60))
    objective = f.objective(team=team, period=period, code="O1", state="published")
    kr = f.key_result(objective=objective, code="KR1", owner=lead)
    heartbeat = f.heartbeat(
        team=team,
        period=period,
        name="HB1",
        start=period.start,
        end=period.start + dt.timedelta(20),
    )
    packet = f.packet(team=team, heartbeat=heartbeat, title="Existing")
    client = Client()
    client.force_login(lead)
    return {
        "packet": packet,
        "lead": lead,
        "team": team,
        "period": period,
        "objective": objective,
        "kr": kr,
        "heartbeat": heartbeat,
        "client": client,
        "token": token_create(person=lead, name="hostile")[1],
    }


# --- pages ---------------------------------------------------------------------------------

# (name, url, valid data, the field tried, its kind, the model a success adds a row to, the
# stored attribute read back)
PAGES = [
    ("checkin", "/key-results/{kr}/checkin/", {"value": "3", "note": "n"}, "value", "number",
     CheckIn, "value"),
    ("checkin", "/key-results/{kr}/checkin/", {"value": "3", "note": "n"}, "confidence", "number",
     CheckIn, "confidence"),
    ("checkin", "/key-results/{kr}/checkin/", {"value": "3", "note": "n"}, "note", "text",
     CheckIn, "note"),
    ("heartbeat", "/teams/reps/heartbeats/new/",
     {"name": "HBX", "period": "{period}", "start": "{late}", "end": "{later}"}, "start", "day",
     Heartbeat, "start"),
    ("heartbeat", "/teams/reps/heartbeats/new/",
     {"name": "HBX", "period": "{period}", "start": "{late}", "end": "{later}"}, "name", "text",
     Heartbeat, "name"),
    ("packet", "/teams/reps/packets/new/", {"title": "A packet", "priority": ""}, "due", "day",
     WorkPacket, "due"),
    ("packet", "/teams/reps/packets/new/", {"title": "A packet", "priority": ""}, "description",
     "text", WorkPacket, "description"),
    ("period", "/periods/new/", {"slug": "next-one", "name": "Next", "start": "2030-01-01",
     "end": "2030-03-31"}, "end", "day", Period, "end"),
    ("survey", "/surveys/new/", {"team": "{team}", "title": "Pulse", "question": "How likely?"},
     "opens_at", "moment", Survey, "opens_at"),
    ("survey", "/surveys/new/", {"team": "{team}", "title": "Pulse", "question": "How likely?"},
     "title", "text", Survey, "title"),
    ("objective", "/objectives/new/", {"team": "{team}", "period": "{period}", "title": "Grow",
     "commitment": "committed", "weight": "1", "visibility": "team"}, "weight", "number",
     Objective, "weight"),
    ("objective", "/objectives/new/", {"team": "{team}", "period": "{period}", "title": "Grow",
     "commitment": "committed", "weight": "1", "visibility": "team"}, "title", "text",
     Objective, "title"),
    ("kr", "/objectives/{objective}/key-results/new/", {"title": "More", "direction": "increase",
     "baseline": "0", "target": "10", "weight": "1", "cadence": "weekly",
     "measure_kind": "manual"}, "target", "number", KeyResult, "target"),
    ("kr", "/objectives/{objective}/key-results/new/", {"title": "More", "direction": "increase",
     "baseline": "0", "target": "10", "weight": "1", "cadence": "weekly",
     "measure_kind": "manual"}, "deadline", "day", KeyResult, "deadline"),
    ("comment", "/talk/objective/{objective}/comments/", {"body": "Hello"}, "body", "text",
     Comment, "body"),
    ("offer", "/talk/key_result/{kr}/offers/", {"note": "I can help"}, "note", "text", Offer,
     "note"),
    ("review", "/teams/reps/heartbeats/{heartbeat}/review/", {"demo_notes": "demo"}, "learned",
     "text", WorkPacket, "title"),
    ("packet_edit", "/teams/reps/packets/{packet}/edit/", {"title": "Kept"}, "due", "day",
     WorkPacket, "due"),
    ("checklist", "/teams/reps/packets/{packet}/checklist/", {"text": "a task"}, "text", "text",
     ChecklistItem, "text"),
    ("roles", "/teams/reps/packets/{packet}/roles/", {"role": "R"}, "remove", "int", WorkPacket,
     "title"),
    ("settings", "/teams/reps/settings/", {"section": "repo", "repo": "mozilla/reps",
     "every_minutes": "60"}, "every_minutes", "int", SyncState, "sync_every_minutes"),
    ("settings", "/teams/reps/settings/", {"section": "team", "name": "Reps",
     "visibility": "public"}, "name", "text", Team, "name"),
]  # fmt: skip


def _fill(template: str, world: dict[str, Any]) -> str:
    late = world["period"].start + dt.timedelta(days=40)
    return template.format(
        heartbeat=world["heartbeat"].pk,
        packet=world["packet"].pk,
        kr=world["kr"].pk,
        objective=world["objective"].pk,
        period=world["period"].pk,
        team=world["team"].pk,
        late=late.isoformat(),
        later=(late + dt.timedelta(days=13)).isoformat(),
    )


def _newest(model: type[Any]) -> Any:
    return model.objects.order_by("-pk").first()


@examples(50)
@given(page=st.sampled_from(PAGES), data=st.data())
def test_pages_refuse_hostile_values_beside_the_field(world, page, data) -> None:  # type: ignore[no-untyped-def]
    name, url, base, field, kind, model, attribute = page
    raw = data.draw(raw_values(kind), label=f"{name}.{field}")
    post = {k: _fill(v, world) for k, v in base.items()} | {field: raw}
    before, newest = row_counts(), _newest(model)
    response = world["client"].post(_fill(url, world), post)
    assert response.status_code < 500, (name, field, raw)
    added = _newest(model)
    saved = added is not None and (newest is None or added.pk != newest.pk)
    if refused_by_values(kind, raw):
        assert not saved, f"{name}: {field}={raw!r} was stored"
        assert row_counts() == before, f"{name}: {field}={raw!r} wrote rows"
        shown = response.content.decode()
        if response.status_code == 302:  # views without a form say it on the page they go to
            shown = world["client"].get(response.url).content.decode()
        assert field in shown or response.status_code >= 400, (name, field, raw)
    elif saved:
        stored = getattr(model.objects.get(pk=added.pk), attribute)
        if kind != "text" and not raw.strip():
            assert stored in (None, ""), (name, field, stored)  # left empty
        elif kind == "text":
            assert stored == raw.strip()
            values.check_text(stored)
        elif kind == "day":
            assert stored == parsed(kind, raw)
        elif kind == "moment":
            values.check_moment(stored)
        elif field == "confidence":
            assert math.isclose(stored, float(raw) / 100)
        else:
            assert stored == float(raw)


@examples(12)
@given(kind=st.sampled_from(sorted(BAD)), data=st.data())
def test_every_form_field_refuses_what_the_values_refuse(world, kind, data) -> None:  # type: ignore[no-untyped-def]
    """Every field of every okrs form of a checked kind takes the check (bound directly, no
    page), so no form is left out of the pages above."""
    from okrs.security.forms import CheckedValues, validators_for

    raw = data.draw(st.sampled_from(BAD[kind]))
    forms = _all_forms(world)
    assert len(forms) >= 15
    tried = 0
    for form in forms:
        assert isinstance(form, CheckedValues)
        for name, field in form.fields.items():
            checks = validators_for(field)
            if not checks or _kind_of(checks) != kind:
                continue
            tried += 1
            try:
                field.clean(raw)
            except Exception as exc:  # a form error, never another exception
                from django.core.exceptions import ValidationError

                assert isinstance(exc, ValidationError), (type(form).__name__, name, exc)
            else:
                raise AssertionError(f"{type(form).__name__}.{name} took {raw!r}")
    assert tried, kind


@pytest.mark.parametrize(
    ("model_field", "bounds"),
    [
        (None, values.INT32),
        (models.IntegerField(), values.INT32),
        (models.BigIntegerField(), values.INT64),
    ],
)
def test_an_integer_field_takes_its_column_range(model_field, bounds) -> None:  # type: ignore[no-untyped-def]
    from django import forms
    from django.core.exceptions import ValidationError

    from okrs.security.forms import validators_for

    field = forms.IntegerField()
    field.validators = [*field.validators, *validators_for(field, model_field)]
    assert field.clean(str(bounds[1])) == bounds[1]
    for raw in (str(bounds[1] + 1), str(bounds[0] - 1)):
        with pytest.raises(ValidationError):
            field.clean(raw)


def _kind_of(checks: list[Any]) -> str:
    name = checks[0].__qualname__
    return {"_day": "day", "_moment": "moment", "_number": "number", "_text": "text"}.get(
        name.split(".")[0], "int"
    )


def _all_forms(world: dict[str, Any]) -> list[Any]:
    from okrs.accounts.forms import DeleteAccountForm, InvitationForm
    from okrs.api.views import TokenForm
    from okrs.chat.forms import ChannelForm
    from okrs.goals import forms as goals
    from okrs.heartbeats import forms as beats
    from okrs.hooks.views import SubscriptionForm
    from okrs.measures import forms as measures
    from okrs.org.forms import DiscussionForm, RepositoryForm, TeamSettingsForm
    from okrs.web.views.accounts import SettingsForm

    lead, team = world["lead"], world["team"]
    teams = Team.objects.filter(pk=team.pk)
    heartbeats = Heartbeat.objects.filter(team=team)
    made = [
        goals.ObjectiveForm(teams=teams),
        goals.KeyResultForm(objective=world["objective"], user=lead),
        goals.AlignmentForm(candidates=Objective.objects.all()),
        goals.ReviewForm(),
        goals.CheckInForm(),
        goals.PeriodForm(),
        measures.SurveyForm(teams=teams, user=lead),
        measures.AnswerForm(),
        ChannelForm(),
        beats.SplitForm(),
        beats.HeartbeatForm(),
        beats.PacketForm(team=team, heartbeats=heartbeats, user=lead),
        InvitationForm(),
        DeleteAccountForm(user=lead),
        SubscriptionForm(),
        SettingsForm(instance=lead),
        TokenForm(),
        TeamSettingsForm(parents=teams),
        RepositoryForm(),
        DiscussionForm(),
    ]
    return made


# --- API bodies ----------------------------------------------------------------------------

# (method, path, a valid body, the fields tried)
ENDPOINTS = [
    ("POST", "/objectives", {"team": "reps", "period": "now", "title": "Grow"},
     ["title", "description", "weight", "code"]),
    ("PATCH", "/objectives/{objective}", {"title": "Grow more"}, ["title", "weight"]),
    ("POST", "/key-results", {"objective": "{objective:int}", "title": "More", "target": 5},
     ["baseline", "target", "deadline", "title", "unit"]),
    ("PATCH", "/key-results/{kr}", {"title": "More"}, ["target", "deadline", "weight"]),
    ("POST", "/key-results/{kr}/checkins", {"value": 3}, ["value", "confidence", "note", "at"]),
    ("POST", "/alignments", {"child": "{objective:int}", "parent": "{parent:int}"},
     ["weight", "child"]),
    ("POST", "/packets", {"team": "reps", "title": "Work"},
     ["title", "due", "heartbeat", "description", "key_results"]),
    ("PATCH", "/packets/{packet}", {"title": "Work more"}, ["due", "title", "key_results"]),
    ("POST", "/tokens", {"name": "sheet"}, ["name", "read_only"]),
    ("POST", "/teams/reps/webhooks", {"url": "https://example.org/hook",
     "events": ["checkin.recorded"]}, ["url", "events"]),
    ("PUT", "/key-results/{kr}/measure", {"kind": "activity_count", "params": {}},
     ["params", "kind"]),
]  # fmt: skip


def _body(template: dict[str, Any], refs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in template.items():
        if isinstance(value, str) and value.startswith("{") and value.endswith(":int}"):
            value = refs[value[1:-5]]
        out[key] = value
    return out


@examples(150)
@given(endpoint=st.sampled_from(ENDPOINTS), data=st.data())
def test_api_bodies_refuse_hostile_values_naming_the_field(world, endpoint, data) -> None:  # type: ignore[no-untyped-def]
    method, path, base, fields = endpoint
    if "parent" not in world:  # made once for all examples
        world["parent"] = f.objective(team=f.team("cdt"), period=world["period"], code="O1")
    parent, packet = world["parent"], world["packet"]
    refs = {"objective": world["objective"].pk, "parent": parent.pk, "kr": world["kr"].pk,
            "packet": packet.pk}  # fmt: skip
    field = data.draw(st.sampled_from(fields), label="field")
    value = data.draw(st.sampled_from(HOSTILE_JSON), label="value")
    body = _body(base, refs) | {field: value}
    before = row_counts()
    response = world["client"].generic(
        method,
        "/api/v1" + path.format(**refs),
        json_text(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world['token']}"},
    )
    assert response.status_code < 500, (method, path, field, value, response.content[:300])
    if json_refused(value):
        assert response.status_code in (400, 422), (method, path, field, response.status_code)
        assert row_counts() == before, (method, path, field, value)
        if response.status_code == 422:
            assert response.json()["field"], response.json()
    elif response.status_code >= 400:
        assert row_counts() == before, (method, path, field, value)


# --- files (`okrs import`) -------------------------------------------------------------------

FILE = """\
version: 1
teams:
  - {{slug: fileteam, name: File team}}
periods:
  - {{slug: 2017-Q1, name: Q1 2017, start: 2017-01-01, end: 2017-03-31}}
objectives:
  - team: fileteam
    period: 2017-Q1
    code: O1
    title: {title}
    order: {order}
    key_results:
      - code: KR1
        title: Count
        baseline: {baseline}
        target: 10
        deadline: {deadline}
        checkins:
          - {{at: {at}, value: 3}}
"""
FILE_FIELDS = {
    "title": ("text", '"Fine"'),
    "order": ("int", "1"),
    "baseline": ("number", "0"),
    "deadline": ("day", "2017-03-01"),
    "at": ("moment", "2017-02-01T10:00:00Z"),
}
FILE_VALUES = {
    "text": ['"a\\0b"', '"\\x00"', '"plain"'],
    "int": ["2147483648", str(2**70), "-2147483649", "7"],
    "number": [".nan", ".inf", "-.inf", "1e309", "1.5"],
    "day": ["0001-01-01", "1899-12-31", "2017-03-15"],
    "moment": ["0001-01-01T00:00:00+05:00", "9999-12-31T23:30:00-05:00", "2017-02-02T10:00:00Z"],
}
FILE_GOOD = {'"plain"', "7", "1.5", "2017-03-15", "2017-02-02T10:00:00Z"}


@examples(40)
@given(field=st.sampled_from(sorted(FILE_FIELDS)), data=st.data())
def test_files_refuse_hostile_values_with_file_and_line(world, tmp_path_factory, field, data):  # type: ignore[no-untyped-def]
    kind, _ = FILE_FIELDS[field]
    raw = data.draw(st.sampled_from(FILE_VALUES[kind]), label=field)
    fill = {name: default for name, (_, default) in FILE_FIELDS.items()} | {field: raw}
    path = Path(tmp_path_factory.mktemp("file")) / "okrs.yaml"
    path.write_text(FILE.format(**fill))
    before = row_counts()
    try:
        call_command("import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as exc:
        assert raw not in FILE_GOOD, (field, raw, str(exc))
        assert f"{path}:" in str(exc), str(exc)  # FILE:LINE
        assert row_counts() == before, (field, raw)
    else:
        assert raw in FILE_GOOD, f"{field}={raw} was imported"
        kr = KeyResult.objects.get(objective__team__slug="fileteam", code="KR1")
        stored = {
            "title": kr.objective.title,
            "order": kr.objective.order,
            "baseline": kr.baseline,
            "deadline": kr.deadline,
            "at": kr.checkins.order_by("-at").first().at,  # type: ignore[union-attr]
        }[field]
        expected = {
            "text": "plain",
            "int": 7,
            "number": 1.5,
            "day": dt.date(2017, 3, 15),
            "moment": dt.datetime(2017, 2, 2, 10, tzinfo=dt.UTC),
        }[kind]
        assert stored == expected


# --- datasets ------------------------------------------------------------------------------


@examples(40)
@given(raw=st.one_of(st.sampled_from(BAD["moment"] + BAD["text"]), raw_values("moment")))
def test_datasets_refuse_hostile_times_and_text(world, raw) -> None:  # type: ignore[no-untyped-def]
    """A fact (CSV) whose time or value is hostile: the file is refused whole, naming line 2."""
    row = {"person": "lead", "key": "k", "value": "v", "observed_at": raw}
    if "\x00" in raw:
        row = {"person": "lead", "key": "k", "value": raw, "observed_at": "2017-01-05T10:00:00Z"}
    before, facts = row_counts(), PersonFact.objects.count()
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    stream = io.BytesIO(text.getvalue().encode())
    report = import_dataset(kind="facts", stream=stream, filename="facts.csv")
    if refused_by_values("moment", raw) or "\x00" in raw:
        assert not report.ok, raw
        assert row_counts() == before
        assert any(problem.line == 2 for problem in report.problems), report.problems
    elif report.ok and PersonFact.objects.count() > facts:
        stored = PersonFact.objects.order_by("-pk").first()
        values.check_moment(stored.observed_at)  # type: ignore[union-attr]


# --- syncs (the GitHub webhook) -------------------------------------------------------------

SECRET = "It's a Secret to Everybody"
WEBHOOK_FIELDS = ["title", "body", "number", "updated_at", "created_at", "labels", "state"]


@examples(80)
@given(field=st.sampled_from(WEBHOOK_FIELDS), value=st.sampled_from(HOSTILE_JSON))
def test_the_github_webhook_refuses_hostile_payloads(world, settings, field, value) -> None:  # type: ignore[no-untyped-def]
    settings.OKRS_GITHUB_WEBHOOK_SECRET = SECRET
    state = world.get("state") or sync_state_for(repo="Codertocat/Hello-World", team=world["team"])
    world["state"] = state
    payload = copy.deepcopy(fixture("github_issues_opened.json"))
    payload["issue"][field] = value
    body = json_text(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    links = IssueLink.objects.count()
    before = row_counts()
    response = Client().generic(
        "POST",
        "/sync/github/webhook/",
        body,
        content_type="application/json",
        HTTP_X_GITHUB_EVENT="issues",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )
    assert response.status_code < 500, (field, value, response.content[:300])
    if json_refused(value):
        assert response.status_code in (400, 422), (field, value, response.status_code)
        assert IssueLink.objects.count() == links
        # only the run's own record (what failed and why) is written
        assert sum(row_counts()) - sum(before) <= 1
    if response.status_code == 200 and field == "title" and isinstance(value, str):
        packet = IssueLink.objects.get(repo=state, number=payload["issue"]["number"]).packet
        assert packet.title == (value or f"Issue #{payload['issue']['number']}")[:500]


# --- syncs through the stand-ins (GitHub's REST listing, Discourse's users) -------------------

ISSUE_FIELDS = ["title", "body", "number", "updated_at", "state", "labels", "milestone", "id"]


@pytest.fixture
def github_standin():  # type: ignore[no-untyped-def]
    """One GitHub stand-in for all of a test's examples (each sets its issues)."""
    from tests.sync.fakes import FakeGitHub

    fake = FakeGitHub()
    with fake.server.running():
        yield fake


@pytest.fixture
def discourse_standin():  # type: ignore[no-untyped-def]
    from tests.sync.fakes import FakeDiscourse

    fake = FakeDiscourse({})
    fake.throttle_once = False
    with fake.server.running():
        yield fake


@examples(40)
@given(field=st.sampled_from(ISSUE_FIELDS), value=st.sampled_from(HOSTILE_JSON))
def test_the_github_sync_refuses_a_hostile_issue_and_keeps_the_others(  # type: ignore[no-untyped-def]
    world, github_standin, field, value
):
    """One issue of the listing carries the hostile value: the run ends (failed, naming it, or
    ok), never with an exception; nothing of the hostile issue is written when
    `okrs.core.values` refuses it or it is not of GitHub's shape."""
    from okrs.sync.github import github_client, sync_github
    from tests.sync.fakes import CLOCK, REPO, gh_issue

    if isinstance(value, str) and value.startswith("__raw__"):
        return  # the stand-in cannot send a number past a float; the webhook test sends it
    state = world.get("repo_state") or sync_state_for(repo=REPO, team=world["team"])
    world["repo_state"] = state
    IssueLink.objects.filter(repo=state).delete()
    state.last_synced_at, state.etags = None, {}
    state.save(update_fields=["last_synced_at", "etags"])
    hostile = gh_issue(7, "Hostile", updated_at="2017-01-21T10:00:00Z") | {field: value}
    github_standin.issues = [gh_issue(6, "Plain", updated_at="2017-01-20T10:00:00Z"), hostile]
    client = github_client(
        base_url=github_standin.server.url, token="t", sleep=[].append, clock=lambda: CLOCK
    )
    try:
        run = sync_github(state=state, client=client)
    finally:
        client.close()
    assert run.status in ("ok", "failed")
    numbers = set(IssueLink.objects.filter(repo=state).values_list("number", flat=True))
    if field != "updated_at":  # (the stand-in sorts the listing by it: it needs a text)
        assert 6 in numbers  # the plain issue is synced whatever the other holds
    if json_refused(value) or (field == "number" and value != 7):
        assert 7 not in numbers, (field, value)
        if field != "updated_at":
            assert run.status == "failed" and "#" in run.error, run.error


@examples(30)
@given(value=st.sampled_from(HOSTILE_JSON))
def test_the_discourse_sync_records_nothing_of_a_hostile_answer(  # type: ignore[no-untyped-def]
    world, discourse_standin, value
):
    """A member's `watched_category_ids` (as Discourse's staff key sees it) is hostile: the run
    ends, and facts are only ever `true` or `false`, written all at once or not at all."""
    from okrs.org.models import Cohort
    from okrs.sync.discourse import discourse_client, sync_discourse

    if isinstance(value, str) and value.startswith("__raw__"):
        return
    cohort = Cohort.objects.filter(slug="dc").first()
    if cohort is None:
        cohort = Cohort.objects.create(slug="dc", name="DC", team=world["team"])
        for name in ("ann", "ben"):
            person = f.person(name)
            f.profile(person, discourse_username=name)
            cohort.members.add(person)
    PersonFact.objects.all().delete()
    discourse_standin.users = {"ann": [5], "ben": value}
    client = discourse_client(
        base_url=discourse_standin.server.url, api_key="dc-key", api_username="system"
    )
    try:
        run = sync_discourse(client=client, cohort=cohort, slugs=["reps"])
    finally:
        client.close()
    assert run.status in ("ok", "failed")
    stored = set(PersonFact.objects.values_list("value", flat=True))
    assert stored <= {"true", "false"}
    if run.status == "failed":
        assert not stored, "a failed run wrote facts"
    else:
        assert PersonFact.objects.count() == 2
