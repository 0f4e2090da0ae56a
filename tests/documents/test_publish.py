"""`okrs publish`: the quarter as a post in the seed's shape, that reads back into the same OKRs."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.documents.publish import build_post, render
from okrs.goals.models import KeyResult, Objective, Period
from okrs.org.models import Team
from tests import factories as f

SEED = Path(__file__).resolve().parents[1] / "data" / "seed-reps-2017-q1.txt"

pytestmark = pytest.mark.django_db


def _run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def _okrs(team: str) -> list[tuple[str, list[tuple[str, str, float | None, str, object]]]]:
    return [
        (
            o.title,
            [
                (k.title, k.direction, k.target, k.unit, k.deadline)
                for k in o.key_results.order_by("order")
            ],
        )
        for o in Objective.objects.filter(team__slug=team).order_by("order")
    ]


@pytest.fixture
def reps() -> Team:
    _run("import-doc", str(SEED), "--team", "reps", "--period", "2017-Q1", "--publish")
    team = Team.objects.get(slug="reps")
    team.tracker_url = "https://github.com/mozilla/Reps/issues"
    team.discussion_url = "https://discourse.mozilla.org/c/reps"
    team.save()
    return team


def test_mid_quarter_post_has_grades_heartbeat_tracker_and_questions(reps: Team) -> None:
    q1 = Period.objects.get(slug="2017-Q1")
    feedback = KeyResult.objects.get(title__startswith="At least 50 Reps")
    f.checkin(feedback, 25, "2017-02-01T12:00:00")
    heartbeat = f.heartbeat(
        team=reps, period=q1, name="Q1HB1", start=dt.date(2017, 1, 23), end=dt.date(2017, 2, 11)
    )
    f.packet(team=reps, heartbeat=heartbeat, title="Draft the onboarding framework")
    f.packet(team=reps, heartbeat=heartbeat, title="Dropped idea", status="dropped")
    post = _run("publish", "--period", "2017-Q1", "--on", "2017-02-10")
    assert post.startswith("# Reps OKRs for 2017-Q1\n")
    assert "## Objective 2 – We have a strong base in our transformation" in post
    assert "- KR 3 – Core community sentiment > 11.5 NPS (Net Promoter Score)" in post
    assert "- KR 5 – At least 50 Reps have given feedback" in post
    assert "*Status: grade 0.50," in post  # 25 of 50 from a baseline of 0
    assert "For the heartbeat Q1HB1 (ends February 11) we have defined our work packets:" in post
    assert "* Draft the onboarding framework" in post and "Dropped idea" not in post
    assert "issue tracker: <https://github.com/mozilla/Reps/issues>" in post
    assert "Which of the above objectives are you most interested in?" in post
    assert "Join the discussion: <https://discourse.mozilla.org/c/reps>" in post


def test_post_links_back_to_the_forum_threads(reps: Team) -> None:
    from okrs.talk.models import ForumTopic

    q1 = Period.objects.get(slug="2017-Q1")
    objective = Objective.objects.get(team=reps, title__startswith="We have a strong base")
    ForumTopic.objects.create(
        period=q1, url="https://discourse.mozilla.org/t/reps-q1/11", topic_id=11
    )
    ForumTopic.objects.create(
        objective=objective, url="https://discourse.mozilla.org/t/strong-base/12", topic_id=12
    )
    post = _run("publish", "--period", "2017-Q1", "--on", "2017-02-10")
    assert "Join the discussion: <https://discourse.mozilla.org/t/reps-q1/11>" in post
    assert "Discuss this objective: <https://discourse.mozilla.org/t/strong-base/12>" in post
    assert post.index("strong-base/12") > post.index("## Objective 2")


def test_before_the_quarter_no_grades(reps: Team) -> None:
    post = _run("publish", "--period", "2017-Q1", "--on", "2016-12-20")
    assert "Status:" not in post and "KR 1 – Shared onboarding" in post


def test_private_and_draft_objectives_never_appear(reps: Team) -> None:
    q1 = Period.objects.get(slug="2017-Q1")
    f.objective(team=reps, period=q1, title="Secret team plan", visibility="private")
    f.objective(team=reps, period=q1, title="Unfinished draft", state="draft")
    hidden = f.team("hidden", visibility="private")
    f.objective(team=hidden, period=q1, title="Hidden team goal")
    for fmt in ("markdown", "discourse", "html"):
        post = _run("publish", "--period", "2017-Q1", "--format", fmt)
        assert "We start to have a unified approach" in post
        for secret in ("Secret team plan", "Unfinished draft", "Hidden team goal"):
            assert secret not in post


@pytest.mark.parametrize("fmt", ["markdown", "discourse", "html"])
def test_round_trip_of_the_seed(reps: Team, fmt: str, tmp_path: Path) -> None:
    f.checkin(KeyResult.objects.get(title__startswith="50% of Reps"), 20, "2017-02-01T12:00:00")
    path = tmp_path / f"post.{fmt}"
    _run("publish", "--period", "2017-Q1", "--format", fmt, "--on", "2017-02-15", "-o", str(path))
    _run("import-doc", str(path), "--team", "copy", "--period", "2017-Q1")
    original = _okrs("reps")
    assert len(original) == 2 and sum(len(krs) for _, krs in original) == 9
    assert _okrs("copy") == original


def test_html_escapes_user_text(reps: Team) -> None:
    objective = Objective.objects.get(code="O1")
    f.key_result(objective=objective, title="<script>alert(1)</script> 10 new clubs", target=10)
    post = _run("publish", "--period", "2017-Q1", "--format", "html")
    assert "<script>" not in post and "&lt;script&gt;" in post


def test_unknown_period_or_team() -> None:
    with pytest.raises(CommandError, match="unknown period"):
        _run("publish", "--period", "2099-Q1")
    f.period("2017-Q1")
    with pytest.raises(CommandError, match="unknown team"):
        _run("publish", "--period", "2017-Q1", "--team", "nobody")


def test_post_runs_a_fixed_number_of_queries() -> None:
    q1 = f.period("2017-Q1")
    team = f.team("reps")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            render(build_post(q1, on=dt.date(2017, 2, 1)), "markdown")
        return len(ctx.captured_queries)

    f.key_result(objective=f.objective(team=team, period=q1))
    f.heartbeat(
        team=team, period=q1, name="HB1", start=dt.date(2017, 1, 2), end=dt.date(2017, 1, 20)
    )
    small = count()
    for n in range(5):
        other = f.team(f"t{n}")
        objective = f.objective(team=other, period=q1)
        for _ in range(3):
            f.checkin(f.key_result(objective=objective), 5, "2017-01-15T00:00:00")
        hb = f.heartbeat(
            team=other,
            period=q1,
            name=f"HB{n}",
            start=dt.date(2017, 1, 2),
            end=dt.date(2017, 1, 20),
        )
        f.packet(team=other, heartbeat=hb)
    assert count() == small


HOSTILE = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) *bold* `code` & [/poll] |a|"


@pytest.mark.parametrize("fmt", ["markdown", "discourse"])
def test_markdown_escapes_user_text(reps: Team, fmt: str) -> None:
    objective = Objective.objects.get(code="O1")
    objective.title = HOSTILE
    objective.save(update_fields=["title"])
    post = _run("publish", "--period", "2017-Q1", "--format", fmt)
    for raw in ("<img", "[click", "*bold", "`code", "& ", "[/poll] ", "|a"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), post), raw  # each one escaped
    assert r"\<img src=x onerror=alert(1)> \[click\](javascript:alert(1)) \*bold\*" in post
    if fmt == "discourse":  # the poll's option is escaped too, and the poll closes once
        assert post.count("[/poll]") == 1


@pytest.mark.parametrize("fmt", ["markdown", "discourse"])
def test_escaped_text_reads_back_as_written(reps: Team, fmt: str, tmp_path: Path) -> None:
    objective = Objective.objects.get(code="O1")
    objective.title = HOSTILE
    objective.save(update_fields=["title"])
    path = tmp_path / f"post.{fmt}"
    _run("publish", "--period", "2017-Q1", "--format", fmt, "-o", str(path))
    _run("import-doc", str(path), "--team", "copy", "--period", "2017-Q1")
    assert Objective.objects.filter(team__slug="copy", title=HOSTILE).exists()
