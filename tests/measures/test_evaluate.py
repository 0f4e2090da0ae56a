"""Each seed KR computed from hand-made data whose answer is known, as of any date."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from okrs.goals.models import Change, CheckIn
from okrs.measures.imports import import_dataset
from okrs.measures.models import Measurement
from okrs.measures.services import (
    import_and_measure,
    key_result_set_measure,
    measure_key_result,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def _load(kind: str, text: str) -> None:
    report = import_dataset(kind=kind, stream=io.BytesIO(text.encode()), filename="x.csv")
    assert report.ok, report.problems


def _people(cohort, count: int, prefix: str = "rep") -> list[str]:  # type: ignore[no-untyped-def]
    names = [f"{prefix}{i}" for i in range(count)]
    cohort.members.add(*[f.person(name) for name in names])
    return names


def test_core_community_nps_with_interval_and_verdict(seed) -> None:  # type: ignore[no-untyped-def]
    # 10 promoters, 5 passives, 5 detractors by 15 February: NPS = (10 - 5) / 20 = +25
    rows = ["survey,score,submitted_at"]
    rows += [f"core,{s},2017-02-0{1 + i % 9}T10:00:00Z" for i, s in enumerate([9, 10] * 5)]
    rows += [f"core,{s},2017-02-10T10:0{i}:00Z" for i, s in enumerate([7, 8, 7, 8, 7])]
    rows += [f"core,{s},2017-02-11T10:0{i}:00Z" for i, s in enumerate([0, 3, 6, 6, 5])]
    rows += [f"core,0,2017-03-20T10:0{i}:00Z" for i in range(4)]  # later: 4 more detractors
    # (rows without an external id that are identical in every column count once)
    _load("responses", "\n".join(rows))
    key_result_set_measure(key_result=seed.nps, kind="nps", params={"survey": "core"})
    outcome = measure_key_result(key_result=seed.nps, as_of=_at("2017-02-15T00:00:00"))
    assert outcome.result is not None and outcome.result.value == 25.0
    assert outcome.result.sample == 20
    detail = outcome.result.detail
    assert (detail["promoters"], detail["passives"], detail["detractors"]) == (10, 5, 5)
    assert detail["comparator"] == ">" and detail["verdict"] == "undecided"
    assert detail["warning"] and "20 answers" in detail["warning"]
    low, high = detail["interval"]
    assert low < 11.5 < high
    later = measure_key_result(key_result=seed.nps, as_of=_at("2017-03-31T00:00:00"))
    assert later.result is not None and later.result.value == round(100 * (10 - 9) / 24, 2)
    assert list(seed.nps.checkins.values_list("value", flat=True)) == [25.0, 4.17]


def test_activity_share_counts_the_cohort_in_the_period(seed) -> None:  # type: ignore[no-untyped-def]
    reps = _people(seed.cohort, 2)
    f.person("outsider")
    rows = ["person,date,type,tags"]
    rows += [f"{reps[0]},2017-01-1{i},talk,Activate;campus" for i in range(3)]  # 3 tagged
    rows += [f"{reps[1]},2017-02-0{i + 1},event," for i in range(5)]  # 5 untagged
    rows += ["outsider,2017-01-05,talk,activate"] * 1  # not a Rep
    rows += [f"{reps[1]},2016-12-30,talk,activate"]  # before the period
    rows += [f"{reps[0]},2017-03-05,talk,activate"]  # after the as-of day below
    _load("activities", "\n".join(rows))
    key_result_set_measure(
        key_result=seed.activity_share,
        kind="activity_share",
        params={"filter": {"tag": "ACTIVATE "}, "cohort": "reps"},
    )
    assert seed.activity_share.measure_params == {"filter": {"tag": "activate"}, "cohort": "reps"}
    outcome = measure_key_result(key_result=seed.activity_share, as_of=_at("2017-02-28T12:00"))
    assert outcome.result is not None
    assert (outcome.result.value, outcome.result.sample) == (37.5, 8)  # 3 of 8
    final = measure_key_result(key_result=seed.activity_share, as_of=_at("2017-03-31T12:00"))
    assert final.result is not None and final.result.value == round(100 * 4 / 9, 2)


def test_cohort_watching_both_categories_uses_latest_facts_as_of_the_deadline(seed) -> None:  # type: ignore[no-untyped-def]
    reps = _people(seed.cohort, 4)
    facts = ["person,key,value,observed_at"]
    for who in reps[:3]:  # three watch both from January
        facts += [f"{who},discourse.watching.reps,true,2017-01-10T00:00:00Z",
                  f"{who},discourse.watching.nda,true,2017-01-10T00:00:00Z"]  # fmt: skip
    facts += [f"{reps[3]},discourse.watching.reps,true,2017-01-10T00:00:00Z"]  # only one
    facts += [f"{reps[0]},discourse.watching.nda,false,2017-02-20T00:00:00Z"]  # stops in Feb
    facts += [f"{reps[3]},discourse.watching.nda,true,2017-03-10T00:00:00Z"]  # too late
    _load("facts", "\n".join(facts))
    key_result_set_measure(
        key_result=seed.watching,
        kind="cohort_fact_share",
        params={"cohort": "reps", "conditions": [
            {"key": "discourse.watching.reps", "value": "true"},
            {"key": "discourse.watching.nda", "value": "true"}]},
    )  # fmt: skip
    early = measure_key_result(key_result=seed.watching, as_of=_at("2017-02-01T00:00"))
    assert early.result is not None and early.result.value == 75.0  # 3 of 4
    # measured "now" (long after): capped at the deadline, 28 February
    final = measure_key_result(key_result=seed.watching)
    assert final.result is not None and final.result.value == 50.0  # reps[0] stopped, reps[3] late
    assert final.checkin is not None and final.checkin.at.date() == dt.date(2017, 2, 28)


def test_distinct_reps_who_gave_feedback(seed) -> None:  # type: ignore[no-untyped-def]
    reps = _people(seed.cohort, 6)
    f.person("friend")
    rows = ["person,kind,subject,at"]
    rows += [
        f"{who},feedback,cpg-draft,2017-02-0{i + 1}T12:00:00Z" for i, who in enumerate(reps[:4])
    ]
    rows += [f"{reps[0]},feedback,cpg-draft,2017-02-09T12:00:00Z"]  # twice: counts once
    rows += ["friend,feedback,cpg-draft,2017-02-03T12:00:00Z"]  # not a Rep
    rows += [f"{reps[5]},feedback,other-draft,2017-02-03T12:00:00Z"]  # other subject
    rows += [f"{reps[4]},attended,cpg-draft,2017-02-03T12:00:00Z"]  # other kind
    _load("events", "\n".join(rows))
    key_result_set_measure(
        key_result=seed.feedback,
        kind="distinct_people",
        params={"event": "feedback", "subject": "cpg-draft", "cohort": "reps"},
    )
    outcome = measure_key_result(key_result=seed.feedback, as_of=_at("2017-03-01T00:00"))
    assert outcome.result is not None
    assert (outcome.result.value, outcome.result.sample) == (4.0, 5)


def test_activity_count(seed) -> None:  # type: ignore[no-untyped-def]
    _people(seed.cohort, 1)
    _load("activities", "person,date,type\nrep0,2017-01-02,talk\nrep0,2017-01-03,event\n")
    key_result_set_measure(
        key_result=seed.feedback, kind="activity_count", params={"filter": {"type": "talk"}}
    )
    outcome = measure_key_result(key_result=seed.feedback, as_of=_at("2017-03-01T00:00"))
    assert outcome.result is not None and outcome.result.value == 1.0


def test_check_in_only_when_the_value_changed(seed) -> None:  # type: ignore[no-untyped-def]
    _people(seed.cohort, 2)
    _load("events", "person,kind,subject,at\nrep0,feedback,cpg-draft,2017-01-10T00:00:00Z\n")
    key_result_set_measure(
        key_result=seed.feedback, kind="distinct_people",
        params={"event": "feedback", "subject": "cpg-draft"},
    )  # fmt: skip
    first = measure_key_result(key_result=seed.feedback)
    again = measure_key_result(key_result=seed.feedback)
    assert first.checkin is not None and again.checkin is None
    assert CheckIn.objects.filter(key_result=seed.feedback, source="computed").count() == 1
    report, outcomes = import_and_measure(
        kind="events",
        stream=io.BytesIO(b"person,kind,subject,at\nrep1,feedback,cpg-draft,2017-01-11\n"),
        filename="e.csv",
    )
    assert report.added == 1
    # 2017-Q1 has closed and was measured as of its deadline: a late import changes nothing
    assert [o.frozen for o in outcomes] == [True] and not any(o.checkin for o in outcomes)
    assert Measurement.objects.get(key_result=seed.feedback).value == 1.0
    admin = f.person("root", is_superuser=True)
    with pytest.raises(PermissionDenied):
        measure_key_result(key_result=seed.feedback, remeasure_by=f.person("someone"))
    again = measure_key_result(key_result=seed.feedback, remeasure_by=admin)  # on purpose
    assert again.checkin is not None and again.checkin.value == 2.0
    measurement = Measurement.objects.get(key_result=seed.feedback)
    assert measurement.value == 2.0 and measurement.sample == 2
    [recorded] = Change.objects.filter(key_result=seed.feedback, action="remeasured")
    assert recorded.actor == admin and recorded.diff["value"] == [None, 2.0]


def test_unknown_survey_is_recorded_as_a_problem_not_a_crash(seed) -> None:  # type: ignore[no-untyped-def]
    key_result_set_measure(key_result=seed.nps, kind="nps", params={"survey": "nope"})
    outcome = measure_key_result(key_result=seed.nps)
    assert outcome.error == "no survey 'nope'" and outcome.checkin is None
    assert Measurement.objects.get(key_result=seed.nps).error == "no survey 'nope'"


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("nps", {}, "survey"),
        ("nps", {"survey": "a b"}, "survey"),
        ("activity_share", {"filter": {}}, "filter"),
        ("activity_share", {"filter": {"colour": "red"}}, "filter.colour"),
        ("cohort_fact_share", {"cohort": "reps", "conditions": []}, "conditions"),
        ("cohort_fact_share", {"cohort": "reps", "conditions": [{"key": "k"}]},
         "conditions.0.value"),
        ("distinct_people", {"event": "feedback", "since": "x"}, "since"),
        ("sql", {}, "measure_kind"),
        ("manual", {"survey": "x"}, "measure_params"),
    ],
)  # fmt: skip
def test_bad_measure_parameters_are_refused_naming_the_field(seed, kind, params, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as raised:
        key_result_set_measure(key_result=seed.nps, kind=kind, params=params)
    messages = raised.value.message_dict["measure_params"]
    assert any(m.startswith(f"{field}:") for m in messages), messages
    seed.nps.refresh_from_db()
    assert seed.nps.measure_kind == "manual"


def test_measure_command_recomputes_all_computed_krs(seed, capsys) -> None:  # type: ignore[no-untyped-def]
    _people(seed.cohort, 1)
    _load("events", "person,kind,subject,at\nrep0,feedback,cpg-draft,2017-01-10T00:00:00Z\n")
    key_result_set_measure(
        key_result=seed.feedback, kind="distinct_people", params={"event": "feedback"}
    )
    call_command("measure", "--period", "2017-Q1")
    assert "new" in capsys.readouterr().out
    call_command("measure")
    assert "frozen" in capsys.readouterr().out  # 2017-Q1 has closed: measured once, frozen
    assert seed.feedback.checkins.count() == 1


def test_cohort_fact_share_of_an_empty_or_unknown_cohort(seed) -> None:  # type: ignore[no-untyped-def]
    from okrs.core.measures import parse_measure
    from okrs.measures.evaluate import MeasureError, evaluate

    def share(cohort: str):  # type: ignore[no-untyped-def]
        params = parse_measure(
            "cohort_fact_share",
            {"cohort": cohort, "conditions": [{"key": "k", "value": "true"}]},
        )
        return evaluate(
            params, period=seed.watching.objective.period, as_of=_at("2017-02-01T00:00")
        )

    empty = share("reps")  # the seed's cohort has no members yet
    assert (empty.value, empty.sample) == (None, 0)
    with pytest.raises(MeasureError, match="no cohort 'nobody'"):
        share("nobody")


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("activity_share", {"cohort": "{}", "filter": {"type": "event"}}),
        ("activity_count", {"cohort": "{}"}),
        ("distinct_people", {"cohort": "{}", "event": "feedback"}),
    ],
)
def test_a_cohort_is_matched_by_slug_and_an_unknown_one_is_named(seed, kind, params) -> None:  # type: ignore[no-untyped-def]
    from okrs.core.measures import parse_measure
    from okrs.measures.evaluate import MeasureError, evaluate

    def measured(cohort: str):  # type: ignore[no-untyped-def]
        given = {k: (v.format(cohort) if k == "cohort" else v) for k, v in params.items()}
        period = seed.watching.objective.period
        return evaluate(parse_measure(kind, given), period=period, as_of=_at("2017-02-01T00:00"))

    assert measured("reps").sample == 0  # the seed's cohort, no members yet: nothing, no error
    with pytest.raises(MeasureError, match="no cohort 'nobody'"):
        measured("nobody")
