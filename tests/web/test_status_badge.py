"""A status is shown as a badge: its value as the class the colours hang on, its label in the
reader's language; a board shows one a row, so only that one label is translated."""

from __future__ import annotations

from django.utils import translation

from okrs.core.pacing import Status
from okrs.labels import STATUS_LABELS, status_label
from okrs.web.templatetags.okrs_format import status_badge


def test_a_badge_names_its_status_in_the_readers_language() -> None:
    assert status_badge(Status.AT_RISK) == '<span class="status status-at_risk">At risk</span>'
    assert status_badge("missed") == '<span class="status status-missed">Missed</span>'
    with translation.override("fr"):
        french = status_badge(Status.ON_TRACK)
    assert french.startswith('<span class="status status-on_track">')
    assert "On track" not in french and str(STATUS_LABELS["on_track"]) == "On track"


def test_every_status_has_its_own_label_and_an_unknown_one_is_shown_escaped() -> None:
    labels = {status: status_label(status) for status in Status}
    assert len(set(labels.values())) == len(Status)
    assert labels[Status.NO_DATA] == "No check-in yet"
    assert status_badge("<b>") == '<span class="status status-&lt;b&gt;">&lt;b&gt;</span>'
