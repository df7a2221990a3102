"""Normalisation shared by the readers: phones, codes, coordinates, contacts, hours."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from aiguillage.places.formats.common import (
    RowCheck,
    one_line,
    parse_date,
    split_address,
    split_values,
    text,
)
from aiguillage.places.formats.hours import parse_day_text, week_to_osm


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("04 76 12 34 56", "+33476123456"),
        ("04.76.12.34.56", "+33476123456"),
        ("+33 4 76 12 34 56", "+33476123456"),
        ("+33 (0)4 76 12 34 56", "+33476123456"),
        ("0033476123456", "+33476123456"),
        ("+33476123456", "+33476123456"),
        ("0590 12 34 56", "+590590123456"),  # Guadeloupe keeps its own code
        ("0262 12 34 56", "+262262123456"),  # La Réunion
        ("08 00 12 34 56", "+33800123456"),
    ],
)
def test_french_phone_formats_become_international_without_spaces(raw, expected):
    check = RowCheck()
    assert check.phone(raw) == expected
    assert check.warnings == []


# Phone-like cells: country codes, Unicode digits and superscripts, separators, "(0)".
phone_cells = st.from_regex(r"\A\+?(33|330|590|262|687|44)?[0-9٤²()\- .]{0,12}\Z") | st.text(
    max_size=16
)


@given(phone_cells)
@example("+33476123456")
@example("+330476123456")
@example("+3347612345")
@example("+33٤٧٦١٢٣٤٥٦")
@example("+33²76123456")
@example("+590590123456")
@example("+687123456")
@example("+33 476123456")
def test_phone_shortcut_gives_what_the_full_repair_gives(cell):
    # Cells already in the standard's form skip the repair: the result and the warnings
    # must be the ones the repair would have given.
    quick, full = RowCheck(), RowCheck()
    assert quick.phone(cell) == full.repaired_phone(text(cell))
    assert quick.warnings == full.warnings


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_one_line_shortcut_gives_what_the_substitution_gives(cell):
    assert one_line(cell) == re.sub(r"\s+", " ", cell.strip())


@pytest.mark.parametrize("raw", ["12", "hello", "+41 22 123 45 67", "04 76 12 34"])
def test_unusable_phone_is_dropped_with_a_warning(raw):
    check = RowCheck()
    assert check.phone(raw) == ""
    assert check.warnings == [f"téléphone « {raw} » non reconnu : ignoré"]


def test_phone_placeholder_dash_means_no_phone():
    check = RowCheck()
    assert check.phone("-") == ""
    assert check.warnings == []


def test_phone_without_leading_zero_is_restored_with_a_warning():
    check = RowCheck()
    assert check.phone("476123456") == "+33476123456"
    assert "sans zéro initial" in check.warnings[0]


def test_only_the_first_of_several_phones_is_kept():
    check = RowCheck()
    assert check.phone("04 76 12 34 56 / 06 12 34 56 78") == "+33476123456"
    assert "seul le premier" in check.warnings[0]


def test_four_digit_postal_code_is_padded_with_a_warning():
    check = RowCheck()
    assert check.postal_code("1200") == "01200"
    assert check.warnings == ["code postal « 1200 » complété en « 01200 »"]
    assert check.errors == []


@pytest.mark.parametrize("raw", ["380", "38 0000", "ABCDE"])
def test_unusable_postal_code_rejects_the_row(raw):
    check = RowCheck()
    check.postal_code(raw)
    assert check.errors and "code postal" in check.errors[0]


def test_missing_postal_code_rejects_the_row():
    check = RowCheck()
    check.postal_code("")
    assert check.errors == ["champ obligatoire « code postal » vide"]


def test_corsican_insee_code_is_valid_and_bad_one_is_dropped():
    check = RowCheck()
    assert check.insee_code("2A004") == "2A004"
    assert check.insee_code("20004") == ""
    assert check.warnings == ["code INSEE « 20004 » invalide : ignoré"]


@pytest.mark.parametrize(
    ("latitude", "longitude", "error"),
    [
        ("95.2", "5.7", "latitude « 95.2 » hors de l'intervalle -90…90"),
        ("45.1", "181", "longitude « 181 » hors de l'intervalle -180…180"),
        ("abc", "5.7", "latitude « abc » n'est pas un nombre"),
        (0, 0, "coordonnées (0, 0) : position manifestement fausse"),
        ("45.1", "", "longitude absente alors que la latitude est renseignée"),
    ],
)
def test_bad_coordinates_reject_the_row(latitude, longitude, error):
    check = RowCheck()
    assert check.coordinates(latitude, longitude) == (None, None)
    assert check.errors == [error]


def test_coordinates_accept_french_decimal_comma_and_absence():
    check = RowCheck()
    assert check.coordinates("45,1885", "5,7245") == (45.1885, 5.7245)
    assert check.coordinates(None, "") == (None, None)
    assert check.errors == []


def test_all_zero_siret_means_unknown():
    check = RowCheck()
    assert check.pivot("00000000000000") == ""
    assert check.pivot("W751234567") == "W751234567"
    assert check.pivot("12 34") == ""
    assert check.warnings == ["SIRET ou RNA « 1234 » invalide : ignoré"]


def test_emails_are_split_and_invalid_ones_dropped():
    check = RowCheck()
    assert check.emails("a@x.fr; b@y.fr|mailto:c@z.fr, pas-un-courriel") == [
        "a@x.fr",
        "b@y.fr",
        "c@z.fr",
    ]
    assert check.warnings == ["courriel « pas-un-courriel » invalide : ignoré"]


def test_urls_get_a_scheme_when_only_the_domain_is_written():
    check = RowCheck()
    assert check.urls("site web", "www.mairie.fr|https://x.org/a") == [
        "https://www.mairie.fr",
        "https://x.org/a",
    ]
    assert check.urls("site web", "pas une adresse") == []
    assert len(check.warnings) == 3  # "pas", "une", "adresse"


def test_invalid_osm_hours_are_dropped_but_kept_in_the_description():
    check = RowCheck()
    assert check.hours("Lundi 9h-12h") == ""
    assert check.warnings == [
        "horaires « Lundi 9h-12h » illisibles au format OpenStreetMap : retirés"
    ]
    assert check.dropped_hours == "Lundi 9h-12h"


def test_unknown_enumeration_value_is_dropped_and_spelling_variants_are_recognised():
    check = RowCheck()
    values = check.choices(
        "services",
        ["Comprehension du monde numerique", "aide aux démarches administratives", "Cuisine"],
    )
    assert values == ["Compréhension du monde numérique", "Aide aux démarches administratives"]
    assert check.warnings == ["valeur inconnue « Cuisine » ignorée (champ « services »)"]


def test_old_pole_emploi_typology_becomes_france_travail():
    check = RowCheck()
    assert check.choices("typologie", ["PE", "bib"]) == ["FT", "BIB"]


def test_multi_values_split_on_pipe_first_then_semicolon():
    assert split_values("A|B;C") == ["A", "B;C"]
    assert split_values("A;B") == ["A", "B"]
    assert split_values(["A", " ", "B"]) == ["A", "B"]
    assert split_values(None) == []


def test_dates_in_iso_or_french_form():
    assert parse_date("2024-04-02") == date(2024, 4, 2)
    assert parse_date("2022-05-09T10:00:00Z") == date(2022, 5, 9)
    assert parse_date("02/04/2024") == date(2024, 4, 2)
    assert parse_date("31/02/2024") is None
    assert parse_date("bientôt") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20 Avenue de Ségur, 75007 Paris", ("20 Avenue de Ségur", "75007", "Paris")),
        (
            "9 place de la Poste \n23800 Dun Le Palestel",
            ("9 place de la Poste", "23800", "Dun Le Palestel"),
        ),
        ("2 AVENUE DES FONTAINES", ("2 AVENUE DES FONTAINES", "", "")),
        ("\n38330 Saint-Ismier", ("", "38330", "Saint-Ismier")),
    ],
)
def test_postal_line_is_split_off_an_address(raw, expected):
    assert split_address(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("09:00 - 12:00 / 13:30 - 17:00", (("09:00", "12:00"), ("13:30", "17:00"))),
        ("9h-12h et 14h-17h30", (("09:00", "12:00"), ("14:00", "17:30"))),
        ("", ()),
        ("Fermé", ()),
        # Real France Services quirks: empty "00:00" slots, repeated and overlapping slots.
        ("00:00 - 00:00 / 09:00 - 12:00", (("09:00", "12:00"),)),
        ("09:00 - 16:30 / 13:30 - 16:30", (("09:00", "16:30"),)),
        ("13:30 - 16:00 / 13:30 - 16:00", (("13:30", "16:00"),)),
    ],
)
def test_day_text_is_read_into_intervals(raw, expected):
    assert parse_day_text(raw) == expected


@pytest.mark.parametrize("raw", ["sur rendez-vous", "12:00 - 09:00", "25:00 - 26:00", "9h"])
def test_unreadable_day_text_gives_none(raw):
    assert parse_day_text(raw) is None


def test_week_groups_days_with_identical_hours():
    morning = (("09:00", "12:00"),)
    full = (("09:00", "12:00"), ("13:30", "17:00"))
    week = {0: full, 1: full, 2: full, 3: full, 4: full, 5: morning, 6: ()}
    assert week_to_osm(week) == "Mo-Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00"
    split_week = {0: full, 1: full, 2: morning, 3: full, 4: full}
    assert week_to_osm(split_week) == "Mo,Tu,Th,Fr 09:00-12:00,13:30-17:00; We 09:00-12:00"
    assert week_to_osm({0: (), 1: ()}) == ""
