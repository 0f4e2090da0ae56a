"""The four webhook formats, with everything okrs writes escaped and mentions defused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrs.core.chat import KINDS, LIMITS, Note, render

NOTE = Note(
    text="KR1 <b>50 Reps</b> & friends @channel [x](javascript:1) is now at risk",
    link="https://okrs.example.org/key-results/7/",
    link_label="See | it",
    lines=("O1 Grow: 0.50, on track",),
)


def test_slack_escapes_and_links() -> None:
    text = render("slack", NOTE)["text"]
    assert "&lt;b&gt;50 Reps&lt;/b&gt; &amp; friends" in text
    assert "@\u200bchannel" in text and "@channel" not in text
    assert text.endswith("<https://okrs.example.org/key-results/7/|See ¦ it>")
    assert "• O1 Grow: 0.50, on track" in text


def test_mattermost_and_discord_escape_markdown() -> None:
    mm = render("mattermost", NOTE)["text"]
    assert (
        r"\[x\]\(javascript:1\)" in mm
        and "[See \\| it](https://okrs.example.org/key-results/7/)" in mm
    )
    discord = render("discord", NOTE)
    assert discord["allowed_mentions"] == {"parse": []}  # no @everyone, whatever the text
    assert "(<https://okrs.example.org/key-results/7/>)" in discord["content"]


def test_matrix_has_plain_text_and_escaped_html() -> None:
    body = render("matrix", NOTE)
    assert "<b>" in body["text"] and "&lt;b&gt;" in body["html"]
    assert '<a href="https://okrs.example.org/key-results/7/">See | it</a>' in body["html"]
    assert "<li>O1 Grow: 0.50, on track</li>" in body["html"]


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown chat kind 'teams'"):
        render("teams", NOTE)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    text=st.text(max_size=5000),
    lines=st.lists(st.text(max_size=80), max_size=40),
)
def test_any_text_stays_within_the_limit_and_pings_nobody(
    kind: str, text: str, lines: list[str]
) -> None:
    body = render(kind, Note(text=text, lines=tuple(lines)))
    shown = body["content"] if kind == "discord" else body["text"]
    assert len(shown) <= LIMITS[kind]
    if kind != "matrix":
        assert "@everyone" not in shown and "@here" not in shown and "<!" not in shown
