"""The same matching in public: GET /api/v1/lieux?disponibilites=… and the search page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from tests.referrals.conftest import GRENOBLE, north_of_grenoble

URL = "/api/v1/lieux"


@pytest.fixture
def places(territory):
    def make(name, metres, horaires, **fields):
        return factories.PlaceFactory(
            territory=territory,
            nom=name,
            latitude=north_of_grenoble(metres),
            longitude=GRENOBLE[1],
            horaires=horaires,
            **fields,
        )

    return [
        make("Samedi matin", 500, "Sa 09:00-12:00", languages=["fr", "ar"]),
        make("Soirs de semaine", 1_500, "Tu,Th 17:00-20:00"),
        make("Lundi seulement", 300, "Mo 09:00-12:00", prise_en_charge_specifique=["Surdité"]),
        make("Sans horaires", 100, ""),
    ]


def test_disponibilites_keeps_places_open_once_in_two_weeks_and_says_when(client, places):
    response = client.get(
        URL,
        {
            "latitude": GRENOBLE[0],
            "longitude": GRENOBLE[1],
            "disponibilites": "Sa 09:00-12:00; Tu,Th 17:30-19:00",
            "ouvert_a": "2026-11-23T10:00:00+01:00",
        },
    )
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    # Monday 23rd at 10:00 is not a time the person gave: no place is open "then",
    # so ``ouvert_a`` is only the start of the two weeks here.
    assert results == []


def test_each_result_gives_the_first_common_slot(client, places):
    response = client.get(
        URL,
        {
            "latitude": GRENOBLE[0],
            "longitude": GRENOBLE[1],
            "disponibilites": "Sa 09:00-12:00; Tu,Th 17:30-19:00",
        },
    )
    results = response.json()["results"]
    assert [r["nom"] for r in results] == ["Samedi matin", "Soirs de semaine"]
    first = results[1]["premier_creneau_commun"]
    begin = dt.datetime.fromisoformat(first["debut"])
    end = dt.datetime.fromisoformat(first["fin"])
    assert begin.strftime("%a") in ("Tue", "Thu") and end.hour == 19
    assert begin.time() == _slot_start(begin, dt.time(17, 30), dt.time(19))
    saturday = dt.datetime.fromisoformat(results[0]["premier_creneau_commun"]["debut"])
    assert saturday.strftime("%a") == "Sat"
    assert saturday.time() == _slot_start(saturday, dt.time(9), dt.time(12))


def _slot_start(found: dt.datetime, opens: dt.time, closes: dt.time) -> dt.time:
    """The slot's opening time, or « now » when the test runs inside that very slot (a
    Saturday morning run starts the common slot at the current minute)."""
    now = found.tzinfo and dt.datetime.now(found.tzinfo)
    if now and now.date() == found.date() and opens <= now.time() < closes:
        assert abs(found - now) < dt.timedelta(minutes=16), (found, now)
        return found.time()
    return opens


def test_disponibilites_combines_with_langues_and_prise_en_charge(client, places):
    def names(params):
        return [r["nom"] for r in client.get(URL, params).json()["results"]]

    assert names({"disponibilites": "Sa 10:00-11:00", "langues": "ar"}) == ["Samedi matin"]
    assert names({"disponibilites": "Mo 08:00-18:00", "prise_en_charge": "surdite"}) == [
        "Lundi seulement"
    ]
    assert names({"disponibilites": "Su 10:00-11:00"}) == []


def test_without_disponibilites_there_is_no_slot(client, places):
    results = client.get(URL).json()["results"]
    assert all(r["premier_creneau_commun"] is None for r in results)


@pytest.mark.parametrize("text", ["tous les jours", "Xx 09:00-12:00", "Mo 12:00-09:00"])
def test_unreadable_disponibilites_get_a_french_400(client, places, text):
    response = client.get(URL, {"disponibilites": text})
    assert response.status_code == 400
    assert "disponibilites" in response.json()["erreur"]


def test_the_public_search_takes_days_and_moments_of_availability(client, places):
    response = client.get(
        reverse("places:search"),
        {
            "ou": "Grenoble",
            "quand": "disponible",
            "dispo_jours": ["Tu", "Th"],
            "dispo_creneaux": ["soir"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Soirs de semaine" in html
    assert "Samedi matin" not in html
    assert "Quand vous êtes disponible : <strong>" in html
    assert "ouverts quand vous êtes disponible (le mardi et le jeudi : 18 h – 21 h)" in html


def test_the_public_search_asks_for_days_and_moments(client, places):
    html = client.get(
        reverse("places:search"), {"ou": "Grenoble", "quand": "disponible"}
    ).content.decode()
    assert "Cochez au moins un jour où vous êtes disponible." in html
    assert "Cochez au moins un moment de la journée." in html
