"""A key result table's words (its head, and each cell's `data-label`, the heading a phone shows
beside the value) are translated once a table, not once a cell: a board shows hundreds of
rows. What the rows say is unchanged: the target as its reader says it, the check-in's way
back, the screen reader's "on TITLE"."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.utils import translation

from okrs.web.templatetags import okrs_format
from tests import factories as f
from tests.web.conftest import World


def test_the_cell_labels_are_translated_once_a_table_whatever_its_rows(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(2, 6):
        f.key_result(objective=world.objective, code=f"KR{n}", title=f"Result {n}", target=10)
    asked: list[str] = []
    real = okrs_format.gettext

    def counting(message: str) -> str:
        asked.append(message)
        return real(message)

    monkeypatch.setattr(okrs_format, "gettext", counting)
    page = world.client("member").get(f"/?period={world.period.slug}").content.decode()
    assert page.count('class="kr-row"') == 5
    assert asked.count("Value") == 1 and asked.count("Check-in") == 1
    assert page.count('data-label="Value"') == 5 and page.count('data-label="Check-in"') == 5
    # each row still names its own key result to a screen reader, and comes back here
    assert asked.count("on %(kr)s") == 5
    assert "on Result 3</span>" in page
    assert page.count(f"?next=/%3Fperiod%3D{world.period.slug}") == 5


def test_the_labels_are_the_readers_language(world: World) -> None:
    page = (
        world.client("member")
        .get(f"/?period={world.period.slug}", HTTP_ACCEPT_LANGUAGE="es")
        .content.decode()
    )
    with translation.override("es"):
        value, check_in = translation.gettext("Value"), translation.gettext("Check in")
    assert value != "Value"
    assert f'data-label="{value}"' in page
    assert re.search(rf"<summary>{re.escape(check_in)}<span", page)


@pytest.mark.parametrize(
    ("direction", "target", "high", "unit", "text"),
    [
        ("increase", 50, None, "Reps", "50 Reps"),
        ("range", 10, 20, "%", "10–20%"),
        ("milestone", 1, None, "", "done"),
    ],
)
def test_a_target_reads_as_its_direction_says(
    direction: str, target: float, high: float | None, unit: str, text: str
) -> None:
    kr = SimpleNamespace(direction=direction, target=target, target_high=high, unit=unit)
    assert okrs_format.kr_target(kr) == text


def test_a_title_is_escaped_where_the_screen_reader_hears_it(world: World) -> None:
    world.kr.title = "<b>Reps</b> reporting"
    world.kr.save(update_fields=["title"])
    page = world.client("member").get(f"/?period={world.period.slug}").content.decode()
    assert "on &lt;b&gt;Reps&lt;/b&gt; reporting</span>" in page
    assert "<b>Reps</b>" not in page


def test_an_objective_says_its_pace_in_words_and_to_a_screen_reader(world: World) -> None:
    f.checkin(world.kr, 25, "2017-02-10T12:00:00")  # half of the target of 50
    page = world.client("member").get(f"/?period={world.period.slug}").content.decode()
    card = page[page.index(f'id="objective-score-{world.objective.pk}"') :]
    assert re.search(r"Progress 50% · expected \d+%", card)
    assert re.search(r'role="img" aria-label="Progress 50%, expected \d+%"', card)
    assert re.search(r'class="progress-expected" [^>]*title="Expected \d+%"', card)
    spanish = world.client("member").get(f"/?period={world.period.slug}", HTTP_ACCEPT_LANGUAGE="es")
    with translation.override("es"):
        line = translation.gettext("Progress %(progress)s · expected %(expected)s")
    assert line != "Progress %(progress)s · expected %(expected)s"
    before = re.escape(line.split("%(progress)s")[0])
    assert re.search(before + r"50\s?%", spanish.content.decode())
