"""Pure rules of events: dates in words, when attendance opens, and the territory's summary
with small counts masked (``aiguillage.disclosure``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aiguillage.disclosure import MASKED, SECONDARY
from aiguillage.events import rules

PARIS = ZoneInfo("Europe/Paris")


def test_the_date_is_written_in_french_with_its_year():
    start = dt.datetime(2026, 1, 6, 14, tzinfo=PARIS)
    end = dt.datetime(2026, 1, 6, 16, 30, tzinfo=PARIS)
    assert rules.when_text(start, end) == "mardi 6 janvier 2026, 14 h \u2013 16 h 30"


@pytest.mark.parametrize(
    ("day", "today", "is_open"),
    [
        (dt.date(2026, 3, 10), dt.date(2026, 3, 9), False),
        (dt.date(2026, 3, 10), dt.date(2026, 3, 10), True),
        (dt.date(2025, 3, 10), dt.date(2026, 3, 10), True),
    ],
)
def test_attendance_opens_on_the_event_s_day(day, today, is_open):
    assert rules.attendance_open(day, today) is is_open


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (dt.date(2014, 12, 31), "après le 01/01/2015"),
        (dt.date(2015, 1, 1), ""),
        (dt.date(2029, 12, 31), ""),
        (dt.date(2030, 1, 1), "avant la fin de l'année 2029"),
    ],
)
def test_dates_out_of_range_are_explained(day, problem):
    found = rules.date_problem(day, dt.date(2026, 6, 1))
    assert (problem in found) if problem else found == ""


def test_the_summary_shows_counts_of_five_and_more():
    summary = rules.summary(
        {2025: (3, 2), 2026: (1, 1)},
        {(2025, "habitants"): 40, (2025, "parents"): 12, (2026, "habitants"): 25},
    )
    assert summary.years == [2026, 2025]
    assert [(r.year, r.events, r.counted, r.attendance) for r in summary.year_rows] == [
        (2026, 1, 1, "25"),
        (2025, 3, 2, "52"),
    ]
    assert [(r.label, r.cells) for r in summary.audience_rows] == [
        ("Habitants", ["25", "40", "65"]),
        ("Parents", ["0", "12", "12"]),
    ]
    assert summary.total_row.cells == ["25", "52", "77"]


def test_the_summary_masks_small_counts_and_what_would_give_them_away():
    summary = rules.summary(
        {2025: (2, 2), 2026: (1, 1)},
        {(2025, "habitants"): 30, (2025, "elus"): 3, (2026, "habitants"): 20},
    )
    cells = {row.label: row.cells for row in summary.audience_rows}
    # The 3 elected representatives are masked…
    assert cells["Élus"][1] == MASKED
    # …and so is whatever would let them be worked out by subtraction: in their row (their
    # total) and in their year's column (another audience, or the year's total).
    assert cells["Élus"][2] in (MASKED, SECONDARY)
    year_2025 = [cells["Habitants"][1], summary.total_row.cells[1]]
    assert SECONDARY in year_2025
    shown = [
        int(c)
        for row in [*summary.audience_rows, summary.total_row]
        for c in row.cells
        if c.isdigit()
    ]
    assert 3 not in shown


def test_a_summary_with_only_small_counts_hides_everything():
    summary = rules.summary({2026: (1, 1)}, {(2026, "habitants"): 2, (2026, "parents"): 1})
    cells = [c for row in [*summary.audience_rows, summary.total_row] for c in row.cells]
    assert not any(c.isdigit() and c != "0" for c in cells)
    assert summary.year_rows[0].attendance == MASKED


def test_audiences_nobody_was_counted_in_are_left_out():
    summary = rules.summary({2026: (2, 0)}, {})
    assert summary.audience_rows == []
    assert summary.total_row.cells == ["0", "0"]
    assert not summary.is_empty
    assert rules.summary({}, {}).is_empty
