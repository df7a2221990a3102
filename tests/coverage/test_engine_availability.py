"""Time windows: a place counts when open at least once in the window within 14 days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from aiguillage.coverage.engine.availability import (
    ANY_TIME,
    DEFAULT_WINDOWS,
    EVENING,
    SATURDAY,
    WEEKDAY_DAYTIME,
    TimeWindow,
    open_in_window,
    place_availability,
)
from aiguillage.places.hours import PARIS

# Monday 10 March 2025, a week without public holiday.
START = dt.datetime(2025, 3, 10, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("hours", "weekday", "evening", "saturday"),
    [
        ("Mo-Fr 09:00-12:00,14:00-17:00", True, False, False),
        ("Mo-Fr 09:00-18:00", True, False, False),  # closes when the evening starts
        ("Mo-Fr 17:00-20:00", True, True, False),
        ("Tu,Th 18:30-20:00", False, True, False),
        ("Sa 10:00-12:00", False, False, True),
        ("Mo-Sa 09:00-19:00", True, True, True),
        ("Su 10:00-12:00", False, False, False),
        ("We 14:00-18:00; Sa 10:00-12:00", True, False, True),
        ("Mo-Fr 09:00-12:00; PH off", True, False, False),
    ],
)
def test_place_counts_in_a_window_when_its_hours_overlap_it(hours, weekday, evening, saturday):
    assert open_in_window(hours, WEEKDAY_DAYTIME, START) is weekday
    assert open_in_window(hours, EVENING, START) is evening
    assert open_in_window(hours, SATURDAY, START) is saturday
    assert open_in_window(hours, ANY_TIME, START) is True


def test_opening_every_other_week_counts_within_fourteen_days():
    # Open on Saturdays of even ISO weeks only; 15 March 2025 is in week 11 (odd).
    assert open_in_window("week 02-52/2 Sa 10:00-12:00", SATURDAY, START) is True
    assert open_in_window("week 02-52/2 Sa 10:00-12:00", SATURDAY, START, days=6) is False


def test_unknown_hours_count_apart_and_never_as_open_in_a_time_window():
    hours = ["Mo-Fr 09:00-17:00", "", "n'importe quoi", "Sa 09:00-12:00", "off"]
    availability = place_availability(hours, DEFAULT_WINDOWS, start=START)
    assert availability.unknown_hours.tolist() == [False, True, True, False, False]
    assert availability.is_open[ANY_TIME.code].all()
    assert availability.is_open[WEEKDAY_DAYTIME.code].tolist() == [True, False, False, False, False]
    assert availability.is_open[SATURDAY.code].tolist() == [False, False, False, True, False]
    assert availability.counts() == {
        "tout-moment": {"ouverts": 5, "fermes": 0, "inconnus": 0},
        "semaine-journee": {"ouverts": 1, "fermes": 2, "inconnus": 2},
        "soiree": {"ouverts": 0, "fermes": 3, "inconnus": 2},
        "samedi": {"ouverts": 1, "fermes": 2, "inconnus": 2},
    }


def test_custom_windows_are_plain_opening_hours_expressions():
    lunch = TimeWindow("midi", "Entre midi et deux", "Mo-Fr 12:00-14:00")
    availability = place_availability(
        ["Mo-Fr 09:00-12:00,14:00-17:00", "Mo-Fr 11:00-13:00"], [lunch], start=START
    )
    assert np.array_equal(availability.is_open["midi"], [False, True])
