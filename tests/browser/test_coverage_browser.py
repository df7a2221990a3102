"""A coordinator runs the coverage analysis, reads the map and table, gets site suggestions."""

from __future__ import annotations

import math

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import axe_violations, describe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "motdepasse-test"
VIF = (45.0556, 5.6717)


def square(latitude: float, longitude: float, half_km: float) -> dict:
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


@pytest.fixture
def coordinator_login(territory, organisation):
    """A coordinator of a territory where Vif, 15 km south, has no place but a town hall."""
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
    )
    factories.PlaceFactory(
        territory=territory,
        nom="Mairie de Vif",
        commune="Vif",
        latitude=VIF[0],
        longitude=VIF[1],
        typologie=["MUNI"],
        services=[],
        unpublished=True,
    )
    user = factories.CoordinationFactory(
        territory=territory, user__email="coordination@exemple.fr"
    ).user
    return user.email


def log_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()


def assert_accessible(page: Page, live_server) -> None:
    violations = axe_violations(page, live_server)
    assert violations == [], describe_violations(violations)


def test_coordinator_runs_the_analysis_and_gets_site_suggestions(
    page: Page, live_server, problems, territory, coordinator_login
):
    log_in(page, live_server, coordinator_login)
    page.goto(live_server.url + reverse("coverage:overview", args=[territory.slug]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Couverture des besoins")
    assert_accessible(page, live_server)
    screenshot(page, "coverage-overview")

    page.get_by_role("button", name="Lancer l'analyse").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Analyse de couverture du")
    table = page.locator("#tableau + p + .table-scroll table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(page.locator("#coverage-map")).to_be_visible()  # drawn: data and Leaflet loaded
    expect(page.locator("#coverage-map canvas").first).to_be_attached()
    expect(page.locator("#communes-sans-aide + ol")).to_contain_text("Vif")
    assert_accessible(page, live_server)
    screenshot(page, "coverage-results")

    page.get_by_role("link", name="Population").click()  # sorts without JavaScript
    expect(page.locator("th[aria-sort='descending']")).to_contain_text("Population")
    expect(table.locator("tbody tr").first.locator("th")).to_have_text("Grenoble")

    page.get_by_role("link", name="Où ouvrir ensuite ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Où ouvrir ensuite ?")
    first = page.locator("ol.results > li").first
    expect(first).to_contain_text("Mairie de Vif")
    expect(first).to_contain_text("personnes en difficulté à portée")
    expect(page.locator("main")).to_contain_text("au moins 63 %")
    assert_accessible(page, live_server)
    screenshot(page, "coverage-suggestions")
    problems.assert_none()
