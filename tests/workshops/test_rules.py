"""Pure rules: completion, recurring dates, wall-clock times, age brackets, SMS in GSM 7-bit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aiguillage.places.vocabulary import SERVICE_CODES
from aiguillage.sms import is_gsm7
from aiguillage.workshops import rules

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("attended", "held", "threshold", "expected"),
    [
        (8, 10, 80, True),  # exactly the threshold
        (7, 10, 80, False),
        (10, 10, 80, True),
        (4, 5, 80, True),
        (3, 5, 80, False),
        (1, 1, 100, True),  # a stand-alone session: being there
        (0, 1, 100, False),
        (0, 0, 80, False),  # nothing held yet: nothing completed
        (2, 3, 67, False),  # 66.7 % < 67 %
        (2, 3, 66, True),
    ],
)
def test_completion_is_attended_over_held_against_the_threshold(
    attended, held, threshold, expected
):
    assert (
        rules.has_completed(attended=attended, held=held, threshold_percent=threshold) is expected
    )


def test_attendance_percent_is_none_before_the_first_session():
    assert rules.attendance_percent(attended=0, held=0) is None
    assert rules.attendance_percent(attended=2, held=3) == 67


def test_every_monday_of_a_school_half_year_without_public_holidays():
    days = rules.series_days(
        weekdays=[0],
        first_day=dt.date(2026, 1, 5),
        last_day=dt.date(2026, 6, 29),
        skip_public_holidays=True,
    )
    assert len(days) == 24  # 26 Mondays less Easter Monday and Whit Monday
    assert dt.date(2026, 4, 6) not in days and dt.date(2026, 5, 25) not in days
    assert all(day.weekday() == 0 for day in days)
    kept = rules.series_days(
        weekdays=[0],
        first_day=dt.date(2026, 1, 5),
        last_day=dt.date(2026, 6, 29),
        skip_public_holidays=False,
    )
    assert len(kept) == 26


def test_several_weekdays_and_empty_ranges():
    days = rules.series_days(
        weekdays=[1, 3], first_day=dt.date(2026, 1, 5), last_day=dt.date(2026, 1, 11),
        skip_public_holidays=False,
    )  # fmt: skip
    assert days == [dt.date(2026, 1, 6), dt.date(2026, 1, 8)]
    assert rules.series_days(
        weekdays=[1], first_day=dt.date(2026, 2, 1), last_day=dt.date(2026, 1, 1),
        skip_public_holidays=False,
    ) == []  # fmt: skip


def test_wall_clock_hours_hold_across_the_daylight_saving_change():
    winter = rules.local_moment(dt.date(2026, 3, 24), dt.time(14), PARIS)
    summer = rules.local_moment(dt.date(2026, 3, 31), dt.time(14), PARIS)
    assert winter.astimezone(dt.UTC).hour == 13
    assert summer.astimezone(dt.UTC).hour == 12


def test_an_hour_skipped_by_the_clocks_is_refused_in_french():
    with pytest.raises(rules.DateProblem, match="n'existe pas le dimanche 29 mars"):
        rules.local_moment(dt.date(2026, 3, 29), dt.time(2, 30), PARIS)


def test_when_text_reads_like_a_french_agenda():
    start = dt.datetime(2026, 1, 6, 14, 0, tzinfo=PARIS)
    assert rules.when_text(start, start + dt.timedelta(hours=2, minutes=30)) == (
        "mardi 6 janvier, 14 h \u2013 16 h 30"
    )


@pytest.mark.parametrize(
    ("birth_year", "expected"),
    [
        (None, "non_communique"),
        (2020, "moins_de_douze"),
        (2010, "douze_dix_huit"),
        (2005, "dix_huit_vingt_quatre"),
        (1990, "vingt_cinq_trente_neuf"),
        (1970, "quarante_cinquante_neuf"),
        (1960, "soixante_soixante_neuf"),
        (1940, "soixante_dix_plus"),
    ],
)
def test_age_brackets_are_la_coop_s(birth_year, expected):
    assert rules.age_bracket(birth_year, year=2026) == expected


def test_the_default_catalogue_maps_to_known_services_and_themes():
    assert len(rules.DEFAULT_CATALOGUE) == 8
    for spec in rules.DEFAULT_CATALOGUE.values():
        assert spec.services and set(spec.services) <= set(SERVICE_CODES)
        assert spec.themes and set(spec.themes) <= set(rules.COOP_THEMES)


def test_gsm7_replaces_french_typography_and_missing_accents():
    text = rules.to_gsm7("« Cœur » – l’été à Saint-Égrève, ça coûte 5 € ; ô")
    assert text == '"Coeur" - l\'été à Saint-Égrève, ca coute 5 € ; o'
    assert is_gsm7(text)
    assert rules.septets("5 €") == 4  # the euro sign is in the extension table


def test_sms_text_fits_two_sms_keeps_what_changed_and_the_phone():
    text = rules.sms_text(
        first_name="Fatima",
        title="Atelier très long " * 20,
        change="La séance du mardi 6 janvier est déplacée au jeudi 8 janvier, 14 h – 16 h.",
        when="jeudi 8 janvier, 14 h – 16 h",
        place="Médiathèque Kateb Yacine, " * 10,
        phone="04 76 00 00 00",
    )
    assert rules.septets(text) <= rules.SMS_MAX_SEPTETS
    assert is_gsm7(text)
    assert text.startswith("Bonjour Fatima.")
    assert "deplacee au jeudi 8 janvier" in text.replace("é", "e")
    assert text.endswith("Tél. 04 76 00 00 00")


def test_a_short_sms_keeps_everything():
    text = rules.sms_text(
        first_name="",
        title="Ordi'Pratique",
        change="",
        when="mardi 6 janvier, 14 h – 16 h",
        place="Médiathèque, 1 place de la République, 38000 Grenoble",
        phone="04 76 00 00 00",
    )
    assert text == (
        "Bonjour. Atelier : Ordi'Pratique. Prochaine séance : mardi 6 janvier, 14 h - 16 h. "
        "Lieu : Médiathèque, 1 place de la République, 38000 Grenoble. Tél. 04 76 00 00 00"
    )
