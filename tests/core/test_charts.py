"""The SVG charts: accessible, escaped, and with geometry that follows the data."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from okrs.core.charts import (
    BUCKET_FILLS,
    HISTOGRAM_NARROW,
    NARROW,
    Words,
    esc,
    grade_buckets,
    histogram_svg,
    kr_chart_svg,
    nice_ticks,
    quantity,
    text_width,
    trend_chart_svg,
    unit_for,
    values_table,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
START, DEADLINE, END = date(2017, 1, 1), date(2017, 2, 28), date(2017, 3, 31)


def _chart(**overrides: object) -> ET.Element:
    args: dict[str, object] = {
        "points": [(date(2017, 2, 1), 8.25), (date(2017, 1, 15), 6.0), (date(2017, 3, 1), 9.0)],
        "baseline": 5.0,
        "target": 11.5,
        "target_high": None,
        "start": START,
        "deadline": DEADLINE,
        "end": END,
        "unit": "NPS",
        "title": "Core community sentiment > 11.5 NPS",
    }
    args.update(overrides)
    return ET.fromstring(kr_chart_svg(**args))  # type: ignore[arg-type]


def _one(root: ET.Element, selector: str) -> ET.Element:
    found = root.findall(selector, NS)
    assert len(found) == 1, f"{selector}: {len(found)} elements"
    return found[0]


def _num(element: ET.Element, name: str) -> float:
    return float(element.attrib[name])


def _expected(root: ET.Element) -> dict[str, float]:
    """The ends of the dashed expected line (a polyline of two points on a KR chart)."""
    line = _one(root, ".//svg:polyline[@class='expected']")
    (x1, y1), (x2, y2) = (map(float, p.split(",")) for p in line.attrib["points"].split())
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2}


def test_chart_is_an_accessible_image_summarizing_the_latest_value() -> None:
    root = _chart()
    assert root.attrib["role"] == "img"
    title = _one(root, "svg:title")
    desc = _one(root, "svg:desc")
    assert title.text == "Core community sentiment > 11.5 NPS"
    assert desc.text is not None and "Latest value 9 NPS on Mar 1, 2017" in desc.text
    assert "target 11.5 NPS by Feb 28, 2017" in desc.text
    assert root.attrib["aria-labelledby"] == f"{title.attrib['id']} {desc.attrib['id']}"


def test_points_are_drawn_in_date_order_and_higher_values_sit_higher() -> None:
    root = _chart()
    circles = root.findall(".//svg:circle[@class='point']", NS)
    xs = [_num(c, "cx") for c in circles]
    ys = [_num(c, "cy") for c in circles]
    assert xs == sorted(xs) and len(set(xs)) == 3
    # values in date order are 6.0, 8.25, 9.0: rising values have falling y (SVG y grows down)
    assert ys[0] > ys[1] > ys[2]
    polyline = _one(root, ".//svg:polyline[@class='values']")
    coords = [tuple(map(float, pair.split(","))) for pair in polyline.attrib["points"].split()]
    assert coords == list(zip(xs, ys, strict=True))


def test_expected_line_runs_from_baseline_at_start_to_target_at_deadline() -> None:
    root = _chart(points=[(START, 5.0), (END, 11.5)])
    start_point, end_point = root.findall(".//svg:circle[@class='point']", NS)
    line = _expected(root)
    # a check-in at the baseline on the start day lies on the line's first end
    assert line["x1"] == _num(start_point, "cx")
    assert line["y1"] == _num(start_point, "cy")
    # the target value is at the line's second end's height, on the deadline
    assert line["y2"] == _num(end_point, "cy")
    assert line["x1"] < line["x2"] < _num(end_point, "cx")


def test_deadline_marker_is_vertical_at_the_deadline_and_labelled() -> None:
    root = _chart()
    marker = _one(root, ".//svg:line[@class='deadline']")
    assert _num(marker, "x1") == _num(marker, "x2") == _expected(root)["x2"]
    assert _num(marker, "y1") < _num(marker, "y2")
    label = _one(root, ".//svg:text[@class='deadline-label']")
    assert label.text == "Deadline Feb 28"


def test_deadline_position_is_proportional_to_the_days() -> None:
    mid = date(2017, 2, 15)  # 45 of 89 days into the time axis
    root = _chart(deadline=mid, points=[(START, 5.0), (END, 6.0)])
    first, last = (_num(c, "cx") for c in root.findall(".//svg:circle[@class='point']", NS))
    marker = _num(_one(root, ".//svg:line[@class='deadline']"), "x1")
    assert marker == pytest.approx(first + (last - first) * 45 / 89, abs=0.02)


def test_axes_label_dates_and_values_with_the_unit() -> None:
    root = _chart()
    time_labels = [t.text for t in root.findall(".//svg:g[@class='axis axis-time']/svg:text", NS)]
    value_labels = [
        t.text for t in root.findall(".//svg:g[@class='axis axis-values']/svg:text", NS)
    ]
    assert time_labels[0] == "Jan 1" and time_labels[-1] == "Mar 31" and "Feb 1" in time_labels
    assert all(label and label.endswith(" NPS") for label in value_labels)
    numbers = [float(label.removesuffix(" NPS")) for label in value_labels if label]
    assert numbers == sorted(numbers) and numbers[0] <= 5.0 and numbers[-1] >= 11.5


def test_all_text_is_escaped() -> None:
    svg = kr_chart_svg(
        points=[(START, 1.0)],
        baseline=0.0,
        target=2.0,
        target_high=None,
        start=START,
        deadline=END,
        end=END,
        unit='<b>"u"&',
        title="</title><script>alert(1)</script>",
        chart_id='x" onload="evil',
    )
    root = ET.fromstring(svg)  # still well-formed XML
    assert root.find(".//svg:script", NS) is None
    assert _one(root, "svg:title").text == "</title><script>alert(1)</script>"
    assert "onload" not in root.attrib
    assert "<b>" not in svg


def test_no_checkins_says_so_and_draws_no_points() -> None:
    root = _chart(points=[])
    assert root.findall(".//svg:circle", NS) == []
    assert _one(root, ".//svg:text[@class='no-data']").text == "No check-in yet"
    desc = _one(root, "svg:desc").text or ""
    assert desc.startswith("No check-in yet")


def test_range_shades_the_band_between_its_bounds() -> None:
    root = _chart(target=10.0, target_high=12.0, points=[(START, 11.0)])
    band = _one(root, ".//svg:rect[@class='target-band']")
    point = _one(root, ".//svg:circle[@class='point']")
    assert _num(band, "y") < _num(point, "cy") < _num(band, "y") + _num(band, "height")
    assert "between 10 NPS and 12 NPS" in (_one(root, "svg:desc").text or "")


def test_milestone_without_target_has_no_expected_line() -> None:
    root = _chart(target=None, points=[(START, 0.0)], unit="")
    assert root.findall(".//svg:polyline[@class='expected']", NS) == []
    assert len(root.findall(".//svg:line[@class='deadline']", NS)) == 1


def test_checkins_outside_the_period_widen_the_time_axis() -> None:
    root = _chart(points=[(date(2016, 12, 20), 5.0), (date(2017, 4, 10), 7.0)])
    xs = [_num(c, "cx") for c in root.findall(".//svg:circle[@class='point']", NS)]
    line = _expected(root)
    assert xs[0] < line["x1"] and xs[1] > line["x2"]


def test_non_finite_values_are_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        _chart(points=[(START, float("nan"))])


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(-1e6, 1e6, allow_nan=False),
)
def test_ticks_cover_the_range(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert ticks == sorted(ticks)
    assert ticks[0] <= min(low, high) + 1e-6 and ticks[-1] >= max(low, high) - 1e-6
    assert 2 <= len(ticks) <= 12


def test_grade_buckets_count_boundaries_in_the_upper_bucket() -> None:
    assert grade_buckets([0.0, 0.29, 0.3, 0.69, 0.7, 1.0, 1.4, -0.2]) == [3, 2, 3]
    assert grade_buckets([]) == [0, 0, 0]


def test_histogram_bar_heights_follow_the_counts() -> None:
    root = ET.fromstring(
        histogram_svg(bars=[("0–0.3", 2), ("0.3–0.7", 4), ("0.7–1.0", 0)], title="Grades & more")
    )
    assert root.attrib["role"] == "img"
    assert _one(root, "svg:title").text == "Grades & more"
    assert "6 in all" in (_one(root, "svg:desc").text or "")
    bars = [root.find(f".//svg:rect[@class='bar-{i}']", NS) for i in range(3)]
    heights = [_num(bar, "height") for bar in bars if bar is not None]
    assert heights[1] == pytest.approx(2 * heights[0]) and heights[2] == 0
    counts = [t.text for t in root.findall(".//svg:text[@class='count']", NS)]
    assert counts == ["2", "4", "0"]


@pytest.mark.parametrize("size", [None, HISTOGRAM_NARROW])
@given(counts=st.lists(st.integers(0, 100_000), min_size=1, max_size=10))
@example(counts=[100_000] * 10)  # found by CI: the last count ran past the phone drawing's edge
def test_histogram_texts_stay_inside_and_bars_take_their_bucket_colour(
    size: object, counts: list[int]
) -> None:
    """Counts of any size (the left margin follows the widest) and up to ten bars on a phone's
    drawing: every text inside the view box, each bar in its bucket's colour (the status
    colours the stylesheet turns dark), every text with a fill the dark theme maps."""
    bars = [(f"{i / 10:.1f}–{(i + 1) / 10:.1f}", c) for i, c in enumerate(counts)]
    extra = {} if size is None else {"size": size}
    root = ET.fromstring(histogram_svg(bars=bars, title="Grades", **extra))  # type: ignore[arg-type]
    _texts_inside(root)
    rects = root.findall(".//svg:rect", NS)
    fills = [r.attrib["fill"] for r in rects]
    assert fills == [BUCKET_FILLS[min(i, 2)] for i in range(len(counts))]
    assert all(t.attrib.get("fill") for t in root.findall(".//svg:g[@class='bar']/svg:text", NS))


def test_histogram_speaks_the_readers_language() -> None:
    french = Words(
        gettext=lambda m: {"%(total)s in all. %(summary)s.": "%(total)s en tout. %(summary)s."}.get(
            m, m
        ),
        number=lambda v: f"{v:,.0f}".replace(",", "\u202f"),
    )
    root = ET.fromstring(
        histogram_svg(bars=[("0–0,3", 1200), ("0,3–0,7", 3)], title="Notes", words=french)
    )
    assert (_one(root, "svg:desc").text or "").startswith("1\u202f203 en tout. 0–0,3: 1\u202f200")
    assert [t.text for t in root.findall(".//svg:text[@class='count']", NS)] == ["1\u202f200", "3"]


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn"))))
def test_escaped_text_reads_back_the_same_in_content_and_attributes(text: str) -> None:
    """`esc` is what keeps user text (titles, team names) from breaking out of the SVG."""
    element = ET.fromstring(f"<a title=\"{esc(text)}\" alt='{esc(text)}'>{esc(text)}</a>")
    assert (element.text or "") == text
    assert element.get("title") == text and element.get("alt") == text
    assert "<" not in esc(text) and '"' not in esc(text) and "'" not in esc(text)


def _texts_inside(root: ET.Element) -> None:
    """Every text's estimated box (its anchor, `text_width`, the font size) lies inside the
    view box: what the browser tests measure with real fonts, here with the estimate."""
    _, _, width, height = map(float, root.attrib["viewBox"].split())
    for group in root.iter():
        size = float(group.attrib.get("font-size", 0)) or None
        for text in group.findall("svg:text", NS):
            font = float(text.attrib.get("font-size", size or 12))
            x, y = _num(text, "x"), _num(text, "y")
            span = text_width(text.text or "", font)
            anchor = text.attrib.get("text-anchor", "start")
            left = {"start": x, "middle": x - span / 2, "end": x - span}[anchor]
            assert left >= 0 and left + span <= width, (text.text, left, span, width)
            assert y - font >= 0 and y <= height, (text.text, y, height)


@pytest.mark.parametrize("unit", ["programs", "people", "%", "NPS", "Reps", "signed contracts"])
@pytest.mark.parametrize("size", [None, NARROW])
def test_no_label_is_clipped_whatever_the_unit_and_width(unit: str, size: object) -> None:
    extra = {} if size is None else {"size": size}
    root = (
        _chart(
            unit=unit, baseline=0.0, target=125000.0, points=[(START, 3.0)], today=date(2017, 2, 1)
        )
        if not extra
        else _chart(unit=unit, baseline=0.0, target=125000.0, **extra)
    )
    _texts_inside(root)
    labels = [
        t.text or "" for t in root.findall(".//svg:g[@class='axis axis-values']/svg:text", NS)
    ]
    # the longest value label fits left of the plot: the first grid line starts right of it
    grid = root.find(".//svg:line[@class='grid']", NS)
    assert grid is not None
    assert max(text_width(label, 12) for label in labels) < _num(grid, "x1") - 8 + 0.01


def test_a_long_value_label_widens_the_margin() -> None:
    short = _chart(unit="", baseline=0.0, target=10.0)
    long = _chart(unit="programs", baseline=0.0, target=125000.0)
    grid = "svg:g[@class='axis axis-values']/svg:line[@class='grid']"
    assert _num(_one(long, f".//{grid}[1]"), "x1") > _num(_one(short, f".//{grid}[1]"), "x1")


def test_units_are_pluralized() -> None:
    assert quantity(1, "programs") == "1 program"
    assert quantity(3, "programs") == "3 programs"
    assert quantity(3, "program") == "3 programs"
    assert quantity(1, "people") == "1 person" and quantity(125, "person") == "125 people"
    assert quantity(1, "activities") == "1 activity" and quantity(2, "activity") == "2 activities"
    assert quantity(1.5, "hours") == "1.5 hours" and quantity(-1, "days") == "-1 day"
    assert quantity(1, "signed contracts") == "1 signed contract"
    for unit in ("NPS", "%", "ms", "km/h", "USD", "status"):
        assert unit_for(1, unit) == unit
    root = _chart(unit="programs", baseline=0.0, target=4.0, points=[(START, 1.0)])
    labels = [t.text for t in root.findall(".//svg:g[@class='axis axis-values']/svg:text", NS)]
    assert "1 program" in labels and "4 programs" in labels
    point = _one(root, ".//svg:circle[@class='point']/svg:title")
    assert point.text == "Jan 1, 2017: 1 program"


def test_legend_names_the_values_the_expected_line_the_deadline_and_today() -> None:
    root = _chart(today=date(2017, 2, 10))
    legend = _one(root, ".//svg:g[@class='legend']")
    texts = [t.text for t in legend.findall("svg:text", NS)]
    assert texts == ["Values", "Expected", "Deadline Feb 28", "Today Feb 10"]
    # the expected sample is dashed like the expected line
    sample = _one(legend, "svg:line[@class='legend-expected']")
    line = _one(root, ".//svg:polyline[@class='expected']")
    assert sample.attrib["stroke-dasharray"] == line.attrib["stroke-dasharray"]


def test_today_is_marked_where_it_falls_and_not_outside_the_axis() -> None:
    root = _chart(today=date(2017, 2, 15), points=[(START, 5.0), (END, 6.0)])
    first, last = (_num(c, "cx") for c in root.findall(".//svg:circle[@class='point']", NS))
    today = _num(_one(root, ".//svg:line[@class='today']"), "x1")
    assert today == pytest.approx(first + (last - first) * 45 / 89, abs=0.02)
    outside = _chart(today=date(2018, 6, 1))
    assert outside.findall(".//svg:line[@class='today']", NS) == []


def test_years_are_labelled_when_the_axis_spans_a_new_year() -> None:
    root = _chart(start=date(2016, 11, 1), deadline=date(2017, 1, 31), end=date(2017, 1, 31))
    years = [t.text for t in root.findall(".//svg:text[@class='year']", NS)]
    assert years == ["2016", "2017"]
    _texts_inside(root)
    assert _chart().findall(".//svg:text[@class='year']", NS) == []


def test_the_narrow_drawing_keeps_the_text_size_and_fits() -> None:
    wide, narrow = _chart(), _chart(size=NARROW, chart_id="n")
    assert narrow.attrib["viewBox"] == "0 0 360 300" and wide.attrib["viewBox"] == "0 0 640 300"
    sizes = {g.attrib["font-size"] for g in narrow.findall(".//svg:g[@font-size]", NS)}
    assert sizes == {"12"}
    # fewer day ticks on the narrow one, and none too close to the next
    wide_days = wide.findall(".//svg:g[@class='axis axis-time']/svg:text", NS)
    narrow_days = narrow.findall(".//svg:g[@class='axis axis-time']/svg:text", NS)
    assert len(narrow_days) <= len(wide_days)
    xs = [_num(t, "x") for t in narrow_days]
    assert all(b - a >= text_width("Mmm 30", 12) for a, b in itertools.pairwise(xs))
    _texts_inside(narrow)


def test_milestone_reads_done_or_not_done() -> None:
    root = _chart(
        baseline=0.0, target=1.0, unit="", milestone=True, points=[(date(2017, 2, 1), 1.0)]
    )
    labels = [t.text for t in root.findall(".//svg:g[@class='axis axis-values']/svg:text", NS)]
    assert labels == ["Not done", "Done"]
    assert _one(root, ".//svg:circle/svg:title").text == "Feb 1, 2017: done"
    assert "Latest value done" in (_one(root, "svg:desc").text or "")


def test_trend_chart_draws_grades_against_the_expected_line() -> None:
    days = [date(2017, 1, 8), date(2017, 1, 15), date(2017, 1, 22)]
    root = ET.fromstring(
        trend_chart_svg(
            points=[(START, None), *zip(days, [0.1, 0.2, 0.45], strict=True)],
            expected=[(START, 0.0), (date(2017, 3, 31), 1.0)],
            start=START,
            end=END,
            title="Grade over time",
            subject="Mozilla Reps",
            today=date(2017, 1, 22),
        )
    )
    circles = root.findall(".//svg:circle[@class='point']", NS)
    assert len(circles) == 3  # the ungraded first day is not drawn
    assert [c.find("svg:title", NS).text for c in circles][-1] == "Jan 22, 2017: grade 0.45"  # type: ignore[union-attr]
    ys = [_num(c, "cy") for c in circles]
    assert ys[0] > ys[1] > ys[2]
    desc = _one(root, "svg:desc").text or ""
    assert desc.startswith("Grade of Mozilla Reps over time: 0.45 on Jan 22, 2017, expected 0.00")
    assert "3 samples" in desc
    labels = [t.text for t in root.findall(".//svg:g[@class='axis axis-values']/svg:text", NS)]
    assert labels == ["0.00", "0.25", "0.50", "0.75", "1.00"]
    _texts_inside(root)


def test_trend_chart_without_grades_says_so() -> None:
    root = ET.fromstring(
        trend_chart_svg(
            points=[(START, None)], expected=[], start=START, end=END, title="t", subject="x"
        )
    )
    assert _one(root, ".//svg:text[@class='no-data']").text == "No grade yet"
    assert root.findall(".//svg:polyline", NS) == []


def test_values_table_escapes_and_lists_every_row() -> None:
    html = values_table(caption="Values <b>", headings=["Day", "Value"], rows=[["Feb 1", "<3"]])
    root = ET.fromstring(html)
    assert root.tag == "details"
    assert [td.text for td in root.iter("td")] == ["Feb 1", "<3"]
    assert "<b>" not in html


def test_ratings_read_as_a_score_of_their_scale() -> None:
    """A rating's unit is its scale: 4 on "/5" is "4 of 5", in the reader's words."""
    assert quantity(4, "/5") == "4 of 5" and quantity(4.25, "out of 5") == "4.25 of 5"
    assert quantity(7, "/ 10") == "7 of 10" and quantity(4, "km/h") == "4 km/h"
    spanish = Words(gettext=lambda m: {"%(value)s of %(scale)s": "%(value)s de %(scale)s"}[m],
                    number=lambda v: f"{v:g}".replace(".", ","))  # fmt: skip
    assert spanish.quantity(4.5, "/5") == "4,5 de 5"
