"""Pure rules: the theme mask, durations, the change window, periods, the national shape."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from aiguillage.activities import rules
from aiguillage.shared_data import shared_path

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)


def test_the_nineteen_national_themes_have_one_bit_each_in_their_order():
    assert len(rules.THEMES) == 19
    assert rules.THEME_BITS["equipementInformatique"] == 1
    assert rules.THEME_BITS["autre"] == 1 << 18
    assert rules.ALL_THEMES_MASK == 2**19 - 1
    codes = ["autre", "smartphone", "autre", "sante"]
    assert rules.ordered_themes(codes) == ["smartphone", "sante", "autre"]
    assert rules.themes_from_mask(rules.themes_mask(codes)) == ["smartphone", "sante", "autre"]


def test_the_themes_are_those_of_the_departments_file():
    path = shared_path("data/besoins/conum_cra_par_departement_2024-02.json")
    if not path.is_file():
        pytest.skip("shared data absent")
    departments = json.loads(path.read_text(encoding="utf-8"))
    national = set().union(*(row["themes"] for row in departments))
    assert national == set(rules.THEMES)
    assert set(departments[0]["statut"]) == set(rules.STATUSES) - {rules.NOT_GIVEN}
    assert set(rules.AGE_BRACKETS) - {rules.NOT_GIVEN} <= set(departments[0])


@pytest.mark.parametrize(
    ("minutes", "label"),
    [
        (5, "5 min"),
        (45, "45 min"),
        (60, "1 h"),
        (90, "1 h 30"),
        (120, "2 h et plus"),
        (180, "3 h 00"),
    ],
)
def test_durations_read_as_a_mediator_says_them(minutes, label):
    assert rules.duration_label(minutes) == label


@pytest.mark.parametrize(
    ("recorder", "manager", "age_days", "allowed"),
    [
        (True, False, 0, True),
        (True, False, 6.9, True),
        (True, False, 7.1, False),
        (False, True, 3, True),
        (False, True, 8, False),
        (False, False, 1, False),
    ],
)
def test_the_change_window(recorder, manager, age_days, allowed):
    created = NOW - dt.timedelta(days=age_days)
    assert (
        rules.can_change(is_recorder=recorder, is_manager=manager, created_at=created, now=NOW)
        is allowed
    )


@pytest.mark.parametrize(
    ("preset", "today", "year", "start", "end"),
    [
        ("mois", dt.date(2026, 12, 5), None, dt.date(2026, 12, 1), dt.date(2026, 12, 5)),
        ("12mois", dt.date(2026, 12, 5), None, dt.date(2025, 12, 6), dt.date(2026, 12, 5)),
        ("12mois", dt.date(2024, 2, 29), None, dt.date(2023, 3, 1), dt.date(2024, 2, 29)),
        ("annee", dt.date(2026, 12, 5), 2018, dt.date(2018, 1, 1), dt.date(2018, 12, 31)),
        ("annee", dt.date(2026, 12, 5), None, dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_preset_periods(preset, today, year, start, end):
    assert rules.preset_period(preset, today, year=year) == rules.Period(start, end)


def test_a_national_key_is_read_through_its_dots():
    figures = {"themes": {"sante": 499}, "plus60ans": 18476, "statut": {}}
    assert rules.national_value(figures, "themes.sante") == 499
    assert rules.national_value(figures, "plus60ans") == 18476
    assert rules.national_value(figures, "statut.retraite") is None
    assert rules.national_value(figures, "usagers") is None
