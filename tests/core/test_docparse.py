"""Document parser: the shapes people write OKR posts in, prose ignored."""

from __future__ import annotations

from pathlib import Path

from okrs.core.docparse import parse_document, parse_okrs
from okrs.core.krparse import period_from_slug
from okrs.core.scoring import Direction

SEED = Path(__file__).resolve().parents[1] / "data" / "seed-reps-2017-q1.txt"


def _shape(text: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [
        (o.code, o.title, [(k.code, k.text) for k in o.key_results]) for o in parse_document(text)
    ]


def test_seed_has_two_objectives_and_nine_krs() -> None:
    objectives = parse_okrs(SEED.read_text(encoding="utf-8"), period_from_slug("2017-Q1"))
    assert [o.code for o in objectives] == ["O1", "O2"]
    assert [len(o.key_results) for o in objectives] == [4, 5]
    assert (
        objectives[1].title
        == "We have a strong base in our transformation towards a mobilizer program"
    )
    first_kr, parsed = objectives[0].key_results[0]
    assert first_kr.code == "KR1" and parsed.direction is Direction.MILESTONE


def test_labelled_lines_with_prose_around() -> None:
    text = (
        "Hello all, here are our goals for 3 months.\n\n"
        "Objective 1: Demonstrate value\n"
        "  • KR1: 100 new people contribute\n"
        "  • KR2: Plan agreed\n"
        "O2. Spread the word\n"
        "KR 2.1 - By February we have at least 4 articles published\n"
        "KR: Something is launched\n"
        "Thanks! Join the discussion; 12 people already did.\n"
    )
    assert _shape(text) == [
        ("O1", "Demonstrate value", [("KR1", "100 new people contribute"), ("KR2", "Plan agreed")]),
        (
            "O2",
            "Spread the word",
            [
                ("KR1", "By February we have at least 4 articles published"),
                ("KR2", "Something is launched"),
            ],
        ),
    ]


def test_markdown_headings_with_bullets_and_numbered_lists() -> None:
    text = (
        "# Our Q3 goals\n\nSome intro prose.\n\n"
        "## Grow the contributor base\n\n"
        "- **60** unique Reps have run an event\n"
        "* At least 10 Reps tell us they understand\n\n"
        "## Key activities\n\n- write docs\n- run calls\n\n"
        "### Objective 3. The portal is improved\n"
        "1. The Rust activity is updated\n"
        "2) The website is updated\n"
    )
    assert _shape(text) == [
        (
            "O1",
            "Grow the contributor base",
            [
                ("KR1", "60 unique Reps have run an event"),
                ("KR2", "At least 10 Reps tell us they understand"),
            ],
        ),
        (
            "O3",
            "The portal is improved",
            [("KR1", "The Rust activity is updated"), ("KR2", "The website is updated")],
        ),
    ]


def test_dotted_numbers_and_activity_lists_after_prose() -> None:
    text = (
        "OKR 1: Grow influencer engagement.\n"
        "# Key Results Responsible\n"
        "1.1 500 influencers sharing content. Paul\n"
        "1.2 Approach in place.\n"
        "Key Activities and Deliverables for OKR 1\n"
        "* Communicate the fellows' work\n"
    )
    assert _shape(text) == [
        (
            "O1",
            "Grow influencer engagement.",
            [("KR1", "500 influencers sharing content. Paul"), ("KR2", "Approach in place.")],
        )
    ]


def test_heading_without_krs_is_not_an_objective_and_prose_only_gives_nothing() -> None:
    assert _shape("## Background\n\nWe met in December.\n") == []
    assert _shape("Just a paragraph with 50% and KRs mentioned.\n") == []
