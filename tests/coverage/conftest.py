"""A small territory to analyse: two towns with help, a village without, a hidden town hall."""

from __future__ import annotations

import math

import pytest

from aiguillage.coverage.actions import start_coverage_run
from aiguillage.coverage.engine import CoverageSettings
from tests import factories

VIF = (45.0556, 5.6717)


def square(latitude: float, longitude: float, half_km: float) -> dict:
    """A GeoJSON square around a point (about ``2 × half_km`` wide)."""
    d_lat = half_km / 111.2
    d_lon = half_km / (111.2 * math.cos(math.radians(latitude)))
    ring = [
        [longitude - d_lon, latitude - d_lat],
        [longitude + d_lon, latitude - d_lat],
        [longitude + d_lon, latitude + d_lat],
        [longitude - d_lon, latitude + d_lat],
        [longitude - d_lon, latitude - d_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Result files of the runs go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def coverage_territory(territory, organisation):
    """Grenoble and Échirolles with places; Vif, 15 km south, with none (only its town hall)."""
    for commune in territory.communes.all():
        commune.geometry = square(commune.latitude, commune.longitude, 2.0)
        commune.save()
    factories.CommuneFactory(
        insee_code="38545",
        name="Vif",
        territory=territory,
        latitude=VIF[0],
        longitude=VIF[1],
        population=8_500,
        geometry=square(*VIF, 2.5),
    )
    factories.PlaceFactory(
        territory=territory,
        organisation=organisation,
        nom="Centre social Chorier",
        latitude=45.1824,
        longitude=5.7155,
        horaires="Mo-Fr 09:00-12:00,14:00-17:00",
        services=["Aide aux démarches administratives"],
    )
    factories.PlaceFactory(
        territory=territory,
        organisation=organisation,
        nom="Médiathèque d'Échirolles",
        commune="Échirolles",
        code_insee="38151",
        latitude=45.1439,
        longitude=5.7192,
        horaires="Tu-Fr 13:00-18:00",
        services=["Maîtrise des outils numériques du quotidien"],
    )
    factories.PlaceFactory(
        territory=territory,
        nom="Mairie de Vif",
        commune="Vif",
        code_insee="38545",
        latitude=VIF[0],
        longitude=VIF[1],
        typologie=["MUNI"],
        horaires="Mo-Fr 08:30-12:00",
        services=[],
        unpublished=True,
    )
    return territory


@pytest.fixture
def finished_run(coverage_territory, coordinator, django_capture_on_commit_callbacks):
    """An analysis of the small territory, computed inline."""
    with django_capture_on_commit_callbacks(execute=True):
        run = start_coverage_run(
            actor=coordinator,
            territory=coverage_territory,
            settings=CoverageSettings(cell_size_m=500, needs=("demarches", "quotidien")),
        )
    run.refresh_from_db()
    return run


@pytest.fixture
def other_coordinator(db):
    """The coordinator of another territory."""
    other = factories.TerritoryFactory(name="Ailleurs", slug="ailleurs", siren="200000001")
    return factories.CoordinationFactory(territory=other).user
