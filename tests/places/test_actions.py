"""Rules of the actions that write places: every change kept (who, when, what), date_maj follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aiguillage.journal.models import JournalEntry
from aiguillage.places.actions import PlaceError, create_place, update_place
from aiguillage.places.models import Place, PlaceChange, PlaceChangeKind
from aiguillage.places.rules import service_mask
from tests import factories

VALUES = {
    "nom": "Espace numérique des Alpes",
    "adresse": "3 rue des Alpes",
    "code_postal": "38000",
    "commune": "Grenoble",
    "code_insee": "38185",
    "latitude": 45.19,
    "longitude": 5.72,
    "horaires": "Mo-Fr 09:00-12:00",
    "services": ["Aide aux démarches administratives"],
    "extra_services": ["wifi"],
    "frais_a_charge": ["Gratuit"],
}


@pytest.fixture
def place(territory, organisation):
    return factories.PlaceFactory(
        territory=territory, organisation=organisation, telephone="+33476000000"
    )


def test_create_place_keeps_its_first_values_as_a_change(territory, organisation, owner):
    place = create_place(
        actor=owner, territory=territory, values=VALUES | {"organisation": organisation}
    )

    place.refresh_from_db()
    assert place.date_maj == timezone.localdate()
    assert place.commune_ref.insee_code == "38185"
    assert place.service_mask == service_mask(["demarches", "wifi"])
    assert place.is_free
    change = PlaceChange.objects.get(place=place)
    assert change.kind == PlaceChangeKind.CREATED
    assert change.actor == owner
    assert change.changes["nom"] == [None, "Espace numérique des Alpes"]
    assert change.changes["organisation"] == [None, organisation.pk]
    assert JournalEntry.objects.filter(
        event="place_created", object_id=str(place.public_id)
    ).exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"horaires": "lundi 9h-12h"}, "abrégé anglais"),
        ({"horaires": "Mo-Fr 12:00-09:00"}, "12:00-09:00"),
        ({"latitude": None}, "latitude et la longitude"),
        ({"longitude": None}, "latitude et la longitude"),
        ({"latitude": 95.0}, "hors des limites"),
        ({"longitude": -181.0}, "hors des limites"),
        ({"date_maj": dt.date(2020, 1, 1)}, "Champs inconnus : date_maj"),
    ],
)
def test_create_place_refuses_broken_values_and_writes_nothing(territory, values, message):
    with pytest.raises(PlaceError, match=message):
        create_place(actor=None, territory=territory, values=VALUES | values)
    assert not Place.objects.exists()
    assert not PlaceChange.objects.exists()


def test_create_place_without_any_coordinates_is_fine(territory):
    place = create_place(
        actor=None, territory=territory, values=VALUES | {"latitude": None, "longitude": None}
    )
    assert place.latitude is None and place.longitude is None


def test_create_place_refuses_a_structure_of_another_territory(territory):
    elsewhere = factories.OrganisationFactory(territory=factories.TerritoryFactory())
    with pytest.raises(PlaceError, match="n'appartient pas au territoire"):
        create_place(actor=None, territory=territory, values=VALUES | {"organisation": elsewhere})
    assert not Place.objects.exists()


def test_update_place_keeps_before_and_after_and_moves_date_maj(place, owner):
    assert place.date_maj != timezone.localdate()

    update_place(
        actor=owner,
        place=place,
        values={"telephone": "+33476123456", "nom": place.nom, "extra_services": ["wifi"]},
    )

    place.refresh_from_db()
    assert place.date_maj == timezone.localdate()
    assert place.telephone == "+33476123456"
    assert place.service_mask & service_mask(["wifi"])
    change = PlaceChange.objects.get(place=place)
    assert change.kind == PlaceChangeKind.UPDATED
    assert change.actor == owner
    # Only what changed is recorded, with its value before and after.
    assert change.changes == {
        "telephone": ["+33476000000", "+33476123456"],
        "extra_services": [[], ["wifi"]],
    }
    entry = JournalEntry.objects.get(event="place_updated")
    assert entry.data == {"fields": ["extra_services", "telephone"]}


def test_update_place_with_identical_values_writes_nothing(place, owner):
    before = Place.objects.get(pk=place.pk)

    update_place(
        actor=owner,
        place=place,
        values={"nom": place.nom, "services": list(place.services), "latitude": place.latitude},
    )

    after = Place.objects.get(pk=place.pk)
    assert after.date_maj == before.date_maj
    assert after.updated_at == before.updated_at
    assert not PlaceChange.objects.exists()
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"horaires": "9h-12h"}, "Les horaires"),
        ({"latitude": None}, "latitude et la longitude"),
        ({"latitude": 12.0, "longitude": 200.0}, "hors des limites"),
        ({"territory": None}, "Champs inconnus : territory"),
    ],
)
def test_update_place_refuses_broken_values_and_changes_nothing(place, owner, values, message):
    with pytest.raises(PlaceError, match=message):
        update_place(actor=owner, place=place, values=values)
    stored = Place.objects.get(pk=place.pk)
    assert stored.horaires == "Mo-Fr 09:00-12:00,14:00-17:00"
    assert stored.latitude == 45.1885
    assert not PlaceChange.objects.exists()


def test_update_place_can_remove_both_coordinates(place, owner):
    update_place(actor=owner, place=place, values={"latitude": None, "longitude": None})
    place.refresh_from_db()
    assert place.latitude is None and place.longitude is None


def test_update_place_refuses_to_hand_the_place_to_another_territory(place, coordinator):
    elsewhere = factories.OrganisationFactory(territory=factories.TerritoryFactory())
    with pytest.raises(PlaceError, match="n'appartient pas au territoire"):
        update_place(actor=coordinator, place=place, values={"organisation": elsewhere})
    assert Place.objects.get(pk=place.pk).organisation_id == place.organisation_id


def test_update_place_by_nobody_in_particular_records_no_actor(place):
    update_place(actor=None, place=place, values={"nom": "Nouveau nom"}, note="Correction")
    change = PlaceChange.objects.get(place=place)
    assert change.actor is None
    assert change.note == "Correction"
