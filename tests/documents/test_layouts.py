"""Whole posts in the layouts real OKR pages use import with every objective and KR placed.

The fixture posts in ``posts/`` are short, real-shaped extracts: a handbook's nested numbered
list with bold objective lines and "CEO KR:" / "Team KR:" children and no headings
(Sourcegraph, GitLab), parent bullets whose children are KRs with details below them
(GitLab 2018), a table per objective (IPFS community) and an Objective column (invented)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from okrs.core.docparse import read_document
from okrs.goals.models import KeyResult, Objective

POSTS = Path(__file__).with_name("posts")

pytestmark = pytest.mark.django_db


def _import(name: str, period: str) -> str:
    out = StringIO()
    call_command("import-doc", str(POSTS / name), "--team", "t", "--period", period, stdout=out)
    return out.getvalue()


def _saved() -> list[tuple[str, list[str]]]:
    return [
        (o.title, [k.title for k in o.key_results.order_by("order")])
        for o in Objective.objects.order_by("order")
    ]


def test_handbook_nested_numbered_list_without_headings() -> None:
    output = _import("handbook-nested.md", "2021-Q1")
    assert "imported 3 objectives and 6 key results" in output and "not placed" not in output
    saved = _saved()
    assert [title for title, _ in saved] == [
        "CEO: Make Sourcegraph valuable and accessible to every dev and company",
        "CEO: Build a company that thrives amid rapid growth",
        "CEO: Earn community trust and authority",
    ]
    assert saved[0][1] == [
        "1 post hits top 5 in Hacker News",
        "Our own team can search Sourcegraph private code on Sourcegraph.com",
    ]
    band = KeyResult.objects.get(title__startswith="Final Q1 hiring")
    assert (band.direction, band.target, band.target_high, band.unit) == (
        "range",
        75,
        125,
        "% of plan",
    )
    post = KeyResult.objects.get(title__startswith="1 post")
    assert (post.direction, post.target) == ("increase", 1)


def test_parent_bullets_with_kr_children_and_details() -> None:
    output = _import("parent-bullets.md", "2018-Q4")
    assert "imported 2 objectives and 5 key results" in output
    saved = _saved()
    assert saved[0][0] == "CMO: Marketing achieves the SCLAU plan"
    assert len(saved[0][1]) == 3 and saved[0][1][2].startswith("Content Marketing: Increase")
    assert not KeyResult.objects.filter(title__startswith="October").exists()  # a detail
    relative = KeyResult.objects.get(title__startswith="Content Marketing")
    assert (relative.direction, relative.baseline, relative.target, relative.unit) == (
        "increase",
        100,
        105,
        "% of start",
    )


def test_a_table_per_objective_and_an_objective_column() -> None:
    assert "imported 2 objectives and 3 key results" in _import("table.md", "2019-Q1")
    assert _saved()[1] == (
        "Developers can discover how to solve problems with IPFS.",
        ['"The Protocol" is a public publication with 3+ articles.'],
    )
    Objective.objects.all().delete()
    assert "imported 2 objectives and 3 key results" in _import("objective-column.md", "2019-Q2")
    assert _saved() == [
        (
            "Grow the contributor base",
            [
                "60 unique contributors have merged a pull request",
                "Median first review within 2 days",
            ],
        ),
        ("Make releases boring", ["Zero critical incidents after a release"]),
    ]
    zero = KeyResult.objects.get(title__startswith="Zero")
    assert (zero.direction, zero.target) == ("at_most", 0)


def test_what_cannot_be_placed_is_reported_not_refused(tmp_path: Path) -> None:
    doc = tmp_path / "post.md"
    doc.write_text(
        "- 40 new contributors before the objectives start\n\n"
        "## Grow the community\n\n- 20 meetups run\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import-doc", str(doc), "--team", "t", "--period", "2019-Q1", stdout=out)
    assert "imported 1 objectives and 1 key results" in out.getvalue()
    assert "not placed (line 1): 40 new contributors before the objectives start" in out.getvalue()
    assert read_document(doc.read_text()).unplaced == [
        (1, "40 new contributors before the objectives start")
    ]


def test_a_handbook_cascade_places_every_level_under_its_own_objective() -> None:
    """GitLab's FY21-Q1 page: CEO KRs under a numbered heading, function objectives in bold
    nested below them with "<Role> KR:" children, results written after "=>"."""
    output = _import("handbook-cascade.md", "2020-Q1")
    assert "imported 5 objectives and 9 key results" in output and "not placed" not in output
    saved = _saved()
    assert [title for title, _ in saved] == [
        "CEO: IACV",
        "CRO: Build strong FY21 pipeline.",
        "VP Field Ops: Instrument systems and programs to intended targets.",
        "CRO: Launch New Channel Program",
        "Sr Manager Sales Systems: Build and release SFDC Communities Parter Portal.",
    ]
    assert saved[0][1][1].startswith("Renewal process satisfaction")  # back at the CEO level
    assert saved[3][1][2] == "Deliver at least one new PIO in every region through Partner Portal."
    assert saved[4][1] == ["100% of partner deal registrations received via Partner Portal."]
    ratio = KeyResult.objects.get(title__startswith="FY21-Q2 stage")
    assert (ratio.direction, ratio.target, ratio.unit) == ("increase", 1.8, "x")
