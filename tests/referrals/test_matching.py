"""Matching: places that offer the need, are open when the person can come, fit the
constraints, nearest first, with reasons."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aiguillage.referrals.matching import Criteria, check_place, find_matches
from tests import factories
from tests.referrals.conftest import GRENOBLE, north_of_grenoble

PARIS = ZoneInfo("Europe/Paris")
SUNDAY = dt.datetime(2026, 11, 22, 10, 0, tzinfo=PARIS)


@pytest.fixture
def others(territory, organisation):
    def make(name, metres, **fields):
        return factories.PlaceFactory(
            territory=territory,
            organisation=organisation,
            nom=name,
            latitude=north_of_grenoble(metres),
            longitude=GRENOBLE[1],
            **fields,
        )

    return {
        "near_weekdays": make("Proche en semaine", 300, horaires="Mo-Fr 09:00-12:00"),
        "far_tuesday": make("Loin le mardi", 6_000, horaires="Tu 14:00-18:00"),
        "repair": make(
            "Atelier réparation",
            800,
            horaires="Sa 10:00-12:00",
            services=[],
            extra_services=["reparation"],
        ),
        "deaf": make(
            "Lieu surdité",
            1_900,
            horaires="Tu 15:00-19:00",
            prise_en_charge_specifique=["Surdité"],
        ),
    }


def _criteria(**fields) -> Criteria:
    return Criteria(latitude=GRENOBLE[0], longitude=GRENOBLE[1], **fields)


def names(matches) -> list[str]:
    return [match.place.nom for match in matches]


def test_matches_are_nearest_first_with_the_issue_s_reasons(territory, place, others):
    matches = find_matches(
        _criteria(needs=["demarche"], availability="Tu 14:00-18:00", languages=["fr", "ar"]),
        territory=territory,
        now=SUNDAY,
    )
    assert names(matches) == ["Médiathèque Kateb Yacine", "Lieu surdité", "Loin le mardi"]
    assert matches[0].reasons_text == (
        "ouvert mardi 24 novembre, 14 h – 17 h, accompagnement individuel, "
        "aide aux démarches administratives, parle arabe, gratuit, à 1,2 km"
    )
    begin, end = matches[0].first_slot
    assert (begin.astimezone(PARIS).hour, end.astimezone(PARIS).hour) == (14, 17)


def test_availability_keeps_only_places_open_when_the_person_can_come(territory, place, others):
    morning = find_matches(
        _criteria(needs=["demarche"], availability="Mo 09:00-10:00"),
        territory=territory,
        now=SUNDAY,
    )
    assert names(morning) == ["Proche en semaine"]
    anytime = find_matches(_criteria(needs=["demarche"]), territory=territory, now=SUNDAY)
    assert names(anytime)[0] == "Proche en semaine"
    assert len(anytime) == 4


def test_needs_supports_languages_and_distance_filter(territory, place, others):
    repair = find_matches(_criteria(needs=["appareil"]), territory=territory, now=SUNDAY)
    assert names(repair) == ["Atelier réparation"]
    deaf = find_matches(
        _criteria(needs=["demarche"], supports=["surdite"]), territory=territory, now=SUNDAY
    )
    assert names(deaf) == ["Lieu surdité"]
    assert "accompagnement adapté : surdité" in deaf[0].reasons
    arabic_only = find_matches(
        _criteria(needs=["demarche"], languages=["ar"]), territory=territory, now=SUNDAY
    )
    assert names(arabic_only) == ["Médiathèque Kateb Yacine"]
    close = find_matches(
        _criteria(needs=["demarche"], max_distance_km=2), territory=territory, now=SUNDAY
    )
    assert names(close) == ["Proche en semaine", "Médiathèque Kateb Yacine", "Lieu surdité"]


def test_without_a_commune_places_are_listed_by_name(territory, place, others):
    matches = find_matches(Criteria(needs=["demarche"]), territory=territory, now=SUNDAY)
    assert names(matches) == sorted(names(matches))
    assert all(match.distance_m is None for match in matches)


def test_a_place_chosen_beforehand_says_what_does_not_fit(place, others):
    checked = check_place(
        others["repair"],
        _criteria(needs=["demarche"], availability="Tu 14:00-18:00", max_distance_km=1),
        now=SUNDAY,
    )
    assert checked.problems == [
        "ce lieu ne déclare pas ce service",
        "fermé quand la personne est disponible (dans les 14 jours)",
    ]
    fits = check_place(place, _criteria(needs=["demarche"]), now=SUNDAY)
    assert fits.problems == []
    assert fits.can_receive
